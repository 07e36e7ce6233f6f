import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { ROOT } from '../e2e/cli-harness.js';
import {
  cliEnv,
  emulator,
  gaapL4Estate,
  gaapState,
  type LossyProxy,
  lossyGaapProxy,
  runCli,
  scratchDir,
  stackYaml,
  writeYaml,
} from './harness.js';

/**
 * Every create a plan can make is found again after an uncertain answer: each Create… or Add… call
 * of the plans of every GAAP example (every kind), a generated layer-4 estate and a basic-auth
 * certificate carries a lookup, or is marked repeatable (it sets a whole value).
 */
interface PlanCall {
  action: string;
  lookup?: { action: string };
  repeatable?: boolean;
}
interface PlanFile {
  steps: { provider: string; payload: { calls?: PlanCall[] } }[];
}

/** A proxy with a plain HTTP listener (no example has one), as a gaap.proxies entry. */
const HTTP_PROXY = `    web:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
      listeners:
        - protocol: HTTP
          port: 80
          domains:
            - domain: www.lookups.example
              rules:
                - path: /
                  realServers: [{ realServer: origin-0, port: 80 }]
`;

const BASIC_AUTH = (user: string) => `gaap:
  certificates:
    users: { type: basic-auth, content: "${user}:$apr1$Qm0f3Kx1$yWl0aH1aZ1b9Qv6o2Q9f1/" }
`;

let emu: RunningEmulator;
beforeAll(async () => {
  // edge-estate.yaml configures two Baishan domains, which must exist in the account.
  emu = await emulator({ asyncDelayMs: 20, baishanDomains: ['www.example.com', 'static.example.com'] });
});
afterAll(async () => {
  await emu.close();
});

async function creates(args: string[], cwd: string): Promise<PlanCall[]> {
  const out = join(cwd, 'plan.json');
  const planned = await runCli(['plan', '--detailed-exitcode', '--out', out, ...args], {
    cwd,
    env: cliEnv(emu),
  });
  expect(planned.exitCode, planned.stderr).toBe(2);
  const plan = JSON.parse(readFileSync(out, 'utf8')) as PlanFile;
  return plan.steps
    .filter((s) => s.provider === 'gaap')
    .flatMap((s) => s.payload.calls ?? [])
    .filter((c) => /^(Create|Add)/.test(c.action));
}

describe('every GAAP create of a plan can be found again', () => {
  const seen = new Set<string>();
  afterAll(() => {
    // Every create action the kinds make was seen in one of the plans below.
    expect([...seen].sort()).toEqual([
      'AddRealServers',
      'CreateCertificate',
      'CreateCustomHeader',
      'CreateDomain',
      'CreateDomainErrorPageInfo',
      'CreateGlobalDomain',
      'CreateGlobalDomainDns',
      'CreateHTTPListener',
      'CreateHTTPSListener',
      'CreateProxy',
      'CreateProxyGroup',
      'CreateRule',
      'CreateSecurityPolicy',
      'CreateSecurityRules',
      'CreateTCPListeners',
      'CreateUDPListeners',
    ]);
  });

  const cases: [string, () => Promise<PlanCall[]>][] = [
    ...[
      'gaap-game-l4.yaml',
      'gaap-global-domain.yaml',
      'gaap-https-site.yaml',
      'gaap-proxy-group.yaml',
      'edge-estate.yaml',
    ].map((f): [string, () => Promise<PlanCall[]>] => [
      f,
      () => creates(['-f', join(ROOT, 'examples', f)], scratchDir()),
    ]),
    [
      'a layer-4 estate, an HTTP listener and a basic-auth certificate',
      () => {
        const dir = scratchDir('edgeform-create-lookups-');
        writeYaml(
          dir,
          'edgeform.yaml',
          stackYaml('lookups', gaapL4Estate(2), HTTP_PROXY, BASIC_AUTH('alice').replace('gaap:\n', '')),
        );
        return creates([], dir);
      },
    ],
  ];
  for (const [name, plan] of cases) {
    it(name, async () => {
      const calls = await plan();
      expect(calls.length).toBeGreaterThan(0);
      for (const c of calls) {
        seen.add(c.action);
        expect(
          c.lookup !== undefined || c.repeatable === true,
          `${c.action}: no lookup, not repeatable`,
        ).toBe(true);
      }
    }, 60_000);
  }
});

describe('a basic-auth certificate whose create answer is lost after commit', () => {
  let proxy: LossyProxy;
  let lose = false;
  beforeAll(async () => {
    proxy = await lossyGaapProxy(emu.gaap, (action) => lose && action === 'CreateCertificate');
  });
  afterAll(async () => {
    await proxy.close();
  });

  const certs = async () =>
    Object.values((await gaapState(emu)).certificates).filter((c) => c.CertificateAlias === 'ef.basic.users');

  it('is found by alias and type on create, and on rotation never taken for the one it replaces', async () => {
    const dir = scratchDir('edgeform-basic-auth-');
    const env = cliEnv(emu, { EDGEFORM_GAAP_ENDPOINT: proxy.url });
    lose = true;
    writeYaml(dir, 'edgeform.yaml', stackYaml('basic', BASIC_AUTH('alice')));
    const created = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stderr).not.toContain('duplicate sweep');
    const first = await certs();
    expect(first).toHaveLength(1);

    // New content: a replacement, created first. Its answer is lost too; the old certificate has
    // the same alias and type, and must not be adopted as the new one.
    writeYaml(dir, 'edgeform.yaml', stackYaml('basic', BASIC_AUTH('bob')));
    const rotated = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(rotated.exitCode, rotated.stderr).toBe(0);
    expect(proxy.lost.get('CreateCertificate')).toBe(2);
    const after = await certs();
    expect(after).toHaveLength(1);
    expect(after[0]!.CertificateId).not.toBe(first[0]!.CertificateId);
    // The run adopted the new one (what users of the certificate are repointed to), not the old.
    expect(rotated.stdout).toContain(`id = "${after[0]!.CertificateId}"`);
    lose = false;
    const again = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
    expect(again.exitCode, `${again.stdout}\n${again.stderr}`).toBe(0);
  }, 120_000);

  it('is found past the first page of DescribeCertificates (20 a page)', async () => {
    const env = cliEnv(emu, { EDGEFORM_GAAP_ENDPOINT: proxy.url });
    const filler = scratchDir('edgeform-basic-auth-filler-');
    const many = Array.from({ length: 25 }, (_, i) => `    u${i}: { type: basic-auth, content: "u${i}:x" }`);
    writeYaml(filler, 'edgeform.yaml', stackYaml('filler', `gaap:\n  certificates:\n${many.join('\n')}\n`));
    lose = false;
    const filled = await runCli(['apply', '--auto-approve'], { cwd: filler, env });
    expect(filled.exitCode, filled.stderr).toBe(0);

    const dir = scratchDir('edgeform-basic-auth-paged-');
    writeYaml(dir, 'edgeform.yaml', stackYaml('paged', BASIC_AUTH('carol')));
    lose = true;
    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    lose = false;
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(applied.stderr).not.toContain('duplicate sweep');
    const mine = Object.values((await gaapState(emu)).certificates).filter(
      (c) => c.CertificateAlias === 'ef.paged.users',
    );
    expect(mine).toHaveLength(1);
    expect(applied.stdout).toContain(`id = "${mine[0]!.CertificateId}"`);
  }, 120_000);
});
