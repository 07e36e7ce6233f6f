import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { GaapClient } from '../../src/providers/gaap/gaap-client.js';
import { emulatorEnv, ROOT, runCli, scratchDir } from './cli-harness.js';

const CERT_KEY = readFileSync(join(ROOT, 'examples', 'certs', 'example.key'), 'utf8');

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emulator = await startEmulator({ baishanAutoDomains: true, rateWindowScale: 0.1 });
  env = emulatorEnv(emulator, 0.1);
});
afterAll(async () => {
  await emulator.close();
});

const EXAMPLES: [string, string, string[]][] = [
  ['gaap-game-l4', 'game-prod', []],
  ['gaap-https-site', 'shop-web', []],
  ['gaap-proxy-group', 'api-global', []],
  ['gaap-global-domain', 'video-edge', []],
  ['edge-estate', 'edge-demo', ['--baishan', 'www.example.com,static.example.com']],
];

describe('edgeform export --gaap round-trips every GAAP example', () => {
  for (const [example, stack, extra] of EXAMPLES) {
    it(`${example}: apply, export --stack ${stack}, plan says "No changes."`, async () => {
      const dir = scratchDir('edgeform-export-gaap-');
      const file = join(ROOT, 'examples', `${example}.yaml`);
      const applied = await runCli(['apply', '--auto-approve', '-f', file], { cwd: dir, env });
      expect(applied.exitCode, applied.stderr).toBe(0);

      const exported = await runCli(['export', '--gaap', '--stack', stack, ...extra, '-o', 'exported.yaml'], {
        cwd: dir,
        env,
      });
      expect(exported.exitCode, exported.stderr).toBe(0);
      expect(exported.stdout).toBe('');
      const text = readFileSync(join(dir, 'exported.yaml'), 'utf8');
      expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*edgeform\.schema\.json$/);
      const doc = parse(text);
      expect(doc.version).toBe(1);
      expect(doc.stack).toBe(stack);
      expect(Object.keys(doc.gaap.proxies ?? {}).length).toBeGreaterThan(0);
      if (extra.length > 0) expect(doc.baishan.domains).toHaveLength(2);

      const planEnv: NodeJS.ProcessEnv = { ...env };
      if (example === 'gaap-https-site') {
        expect(doc.gaap.certificates['shop-tls']).toEqual({
          type: 'server',
          content: { file: 'certs/shop-tls.pem' },
          key: { env: 'EDGEFORM_CERT_SHOP_TLS_KEY' },
        });
        expect(doc.gaap.certificates['partner-ca']).toEqual({
          type: 'client-ca',
          content: { file: 'certs/partner-ca.pem' },
        });
        expect(existsSync(join(dir, 'certs', 'shop-tls.pem'))).toBe(true);
        expect(exported.stderr).toContain('EDGEFORM_CERT_SHOP_TLS_KEY');
        // The key never leaves the API answer: not in the YAML, the files, stdout or stderr.
        const keyBody = CERT_KEY.split('\n').filter((l) => l && !l.startsWith('-----'))[1]!;
        for (const out of [
          text,
          exported.stdout,
          exported.stderr,
          readFileSync(join(dir, 'certs', 'shop-tls.pem'), 'utf8'),
        ]) {
          expect(out).not.toContain('PRIVATE KEY');
          expect(out).not.toContain(keyBody);
        }
        planEnv.EDGEFORM_CERT_SHOP_TLS_KEY = CERT_KEY;
      }

      const plan = await runCli(['plan', '-f', 'exported.yaml', '--detailed-exitcode'], {
        cwd: dir,
        env: planEnv,
      });
      expect(plan.exitCode, `${text}\n${plan.stdout}\n${plan.stderr}`).toBe(0);
      expect(plan.stdout).toContain('No changes.');
      expect(plan.stderr).not.toContain('PRIVATE KEY');
    });
  }
});

describe('objects no stack owns', () => {
  it('an untagged proxy is named on stderr and never written as YAML', async () => {
    const client = new GaapClient({
      endpoint: emulator.gaap,
      credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
    });
    let proxyId: string;
    try {
      const created = await client.call('CreateProxy', {
        ProjectId: 0,
        ProxyName: 'hand-made',
        AccessRegion: 'EastChina',
        RealServerRegion: 'SouthChina',
        Bandwidth: 10,
        Concurrent: 2,
      });
      proxyId = created.InstanceId;
    } finally {
      await client.close();
    }
    expect(proxyId).toMatch(/\S/);

    const dir = scratchDir('edgeform-export-gaap-');
    const exported = await runCli(['export', '--gaap', '--stack', 'game-prod'], { cwd: dir, env });
    expect(exported.exitCode, exported.stderr).toBe(0);
    expect(exported.stderr).toContain(
      'not exported: not owned by any stack (add --adopt to export them with `adopt:` bindings)',
    );
    expect(exported.stderr).toContain(proxyId);
    expect(exported.stdout).not.toContain(proxyId);
    expect(exported.stdout).not.toContain('hand-made');
    const doc = parse(exported.stdout);
    expect(Object.keys(doc.gaap.proxies)).toEqual(['game-east', 'game-hk', 'game-north']);
  });

  it('--gaap without --stack is EXPORT_STACK_REQUIRED, exit 1, before any call', async () => {
    emulator.resetStats();
    const r = await runCli(['export', '--gaap'], { cwd: scratchDir('edgeform-export-gaap-'), env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error[EXPORT_STACK_REQUIRED]');
    expect(r.stdout).toBe('');
    expect(emulator.stats().gaap.total).toBe(0);
  });
});
