import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import type { GaapState } from '../../src/emulator/gaap/state.js';
import { ROOT } from '../e2e/cli-harness.js';
import {
  cliEnv,
  emulator,
  gaapDuplicates,
  gaapState,
  type LossyProxy,
  lossyGaapProxy,
  report,
  runCli,
  scratchDir,
} from './harness.js';

/**
 * Every GAAP write whose answer is lost after the server committed it is found again or safely
 * repeated: the apply converges on its first run and nothing exists twice. The proxy loses the
 * first answer of each of these actions (the writes that used to fail the step).
 */
const LOSE_FIRST = [
  'CreateCustomHeader',
  'CreateProxyGroup',
  'CreateGlobalDomainDns',
  'AddRealServers',
  'CreateCertificate',
  'CreateGlobalDomain',
  'CreateRule',
  'CreateDomain',
];

function duplicates(state: GaapState): string[] {
  const seen = new Map<string, number>();
  const see = (k: string) => seen.set(k, (seen.get(k) ?? 0) + 1);
  for (const c of Object.values(state.certificates)) see(`certificate ${c.CertificateAlias}`);
  for (const g of Object.values(state.groups)) if (g.stable !== 'DESTROYED') see(`group ${g.GroupName}`);
  for (const d of Object.values(state.globalDomains)) see(`global domain ${d.Alias}`);
  for (const r of Object.values(state.dnsRecords))
    see(`dns record ${r.DomainId} ${[...r.NationCountryInnerCodes].sort().join(',')}`);
  // A group's access regions are served by member proxies the group makes, carrying its tags.
  const groupTags = new Set(Object.values(state.groups).map((g) => JSON.stringify(g.TagSet)));
  const proxies = Object.fromEntries(
    Object.entries(state.proxies).filter(([, p]) => !(p.GroupId && groupTags.has(JSON.stringify(p.TagSet)))),
  );
  return [
    ...gaapDuplicates({ ...state, proxies }),
    ...[...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`),
  ];
}

for (const example of ['gaap-proxy-group.yaml', 'gaap-global-domain.yaml', 'gaap-https-site.yaml']) {
  describe(example, () => {
    let emu: RunningEmulator;
    let proxy: LossyProxy;
    beforeAll(async () => {
      emu = await emulator({ asyncDelayMs: 50 });
      proxy = await lossyGaapProxy(emu.gaap, (action, n) => n === 1 && LOSE_FIRST.includes(action));
    });
    afterAll(async () => {
      await proxy.close();
      await emu.close();
    });

    it('converges on its first apply with every first answer of a create lost, and nothing twice', async () => {
      const env = cliEnv(emu, { EDGEFORM_GAAP_ENDPOINT: proxy.url });
      const file = join(ROOT, 'examples', example);
      const first = await runCli(['apply', '--auto-approve', '-f', file], { cwd: scratchDir(), env });
      expect(first.exitCode, first.stderr).toBe(0);
      expect(proxy.lost.size).toBeGreaterThan(0);
      const again = await runCli(['plan', '-f', file], { cwd: scratchDir(), env });
      expect(again.stdout).toContain('No changes');
      expect(duplicates(await gaapState(emu))).toEqual([]);
      report(`ambiguous ${example}`, { lost: Object.fromEntries(proxy.lost), duplicates: 0 });
    }, 180_000);
  });
}

describe('a create committed after every look for it', () => {
  let emu: RunningEmulator;
  let proxy: LossyProxy;
  beforeAll(async () => {
    emu = await emulator({ asyncDelayMs: 1_000 });
    // The look-agains take under a second on the tests' clock (EDGEFORM_RATE_WINDOW_SCALE).
    proxy = await lossyGaapProxy(emu.gaap, (action, n) =>
      action === 'CreateProxyGroup' && n === 1 ? { lateMs: 1_500 } : false,
    );
  });
  afterAll(async () => {
    await proxy.close();
    await emu.close();
  });

  it('is swept at the end of the run: the run keeps its own, deletes the extra, and says so', async () => {
    const env = cliEnv(emu, { EDGEFORM_GAAP_ENDPOINT: proxy.url });
    const file = join(ROOT, 'examples', 'gaap-proxy-group.yaml');
    const first = await runCli(['apply', '--auto-approve', '-f', file], { cwd: scratchDir(), env });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/duplicate sweep: gaap\.proxy_group\["api"\]@[\w-]+ is a second object/);
    // The extra group is deleted asynchronously: the next plan comes once it is gone.
    for (let i = 0; i < 100; i++) {
      const groups = Object.values((await gaapState(emu)).groups);
      if (groups.filter((g) => g.stable !== 'DESTROYED').length === 1 && groups.every((g) => !g.busy)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const again = await runCli(['plan', '-f', file], { cwd: scratchDir(), env });
    expect(again.stdout).toContain('No changes');
    const state = await gaapState(emu);
    expect(duplicates(state)).toEqual([]);
    expect(Object.values(state.groups).filter((g) => g.stable !== 'DESTROYED')).toHaveLength(1);
    report('late commit swept', { lost: Object.fromEntries(proxy.lost), swept: 1, duplicates: 0 });
  }, 180_000);
});
