import { afterAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import {
  baishanEstate,
  baishanState,
  cliEnv,
  emulator,
  FAULTS,
  gaapCounts,
  gaapDuplicates,
  gaapL4Estate,
  gaapState,
  report,
  runCli,
  scratchDir,
  stackYaml,
  writeYaml,
} from './harness.js';

// One apply must converge: 20 % of requests answered with a retryable server error, 5 % dropped
// before they are processed, 5 % of writes committed and then dropped (the client cannot know they
// succeeded), 5 ms on every answer. A fixed seed per run makes a failure replayable:
// EDGEFORM_RELIABILITY_SEEDS=4,5,6 npx vitest run test/reliability/faults.test.ts
const SEEDS = process.env.EDGEFORM_RELIABILITY_SEEDS?.split(',').map(Number) ?? [1, 20260, 777_777];
const PROXIES = 3;

const totals = { faults: 0, drops: 0, requests: 0, throttled: 0, duplicates: 0 };
afterAll(() => report('faults', { seeds: SEEDS, ...totals }));

describe('apply converges under injected faults, in one run', () => {
  for (const seed of SEEDS) {
    // No retry: a failure here is a defect. (A CI rehearsal's seed-1 failure — a create whose six
    // sends all failed uncommitted — is replayed in create-sends.test.ts.)
    it(
      `seed ${seed}: a Baishan + GAAP estate applies with exit 0, re-plans to no changes, no duplicates`,
      { timeout: 150_000 },
      async () => {
        const stack = `faults-${seed}`;
        const baishan = baishanEstate(stack, 25);
        let emu: RunningEmulator | undefined;
        try {
          emu = await emulator({ ...FAULTS, seed, asyncDelayMs: 60, baishanDomains: baishan.domains });
          const dir = scratchDir('edgeform-faults-');
          writeYaml(dir, 'edgeform.yaml', stackYaml(stack, baishan.yaml, gaapL4Estate(PROXIES)));
          const env = cliEnv(emu);

          const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
          expect(applied.exitCode, `${applied.stdout}\n${applied.stderr}`).toBe(0);
          expect(applied.stdout).toContain('Apply complete!');
          expect(applied.stderr).not.toContain('error[');
          // No Node warning (a listener-leak warning once came out here) on the user's terminal.
          expect(applied.stderr).not.toMatch(/\(node:\d+\)/);

          const replan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
          expect(replan.exitCode, `${replan.stdout}\n${replan.stderr}`).toBe(0);
          expect(replan.stdout).toContain('No changes.');

          const gaap = await gaapState(emu);
          const duplicates = gaapDuplicates(gaap);
          totals.duplicates += duplicates.length;
          expect(duplicates).toEqual([]);
          // Exactly the declared objects: 3 proxies, 4 real servers, 3 × (2 TCP + 1 UDP) listeners.
          expect(gaapCounts(gaap)).toEqual({ proxies: PROXIES, realServers: 4, listeners: PROXIES * 3 });
          for (const l of Object.values(gaap.listeners)) {
            expect(l.bindings.length, `${l.Protocol}:${l.Port}`).toBe(l.Protocol === 'TCP' ? 2 : 1);
          }
          // No change lost on Baishan: every domain carries the keys its entry declares.
          const live = new Map((await baishanState(emu)).map((d) => [d.name, d.config]));
          for (const d of baishan.domains)
            expect(Object.keys(live.get(d) ?? {}).length, d).toBeGreaterThan(0);

          // Changes and deletions, under the same faults: three proxies resized, bindings
          // re-weighted, a proxy with its listeners destroyed, a Baishan key changed on 10 domains.
          const changed = stackYaml(
            stack,
            baishan.yaml.replace('time: "30"', 'time: "45"'),
            gaapL4Estate(PROXIES - 1)
              .replaceAll('bandwidth: 10', 'bandwidth: 20')
              .replaceAll('weight: 5', 'weight: 7'),
          );
          writeYaml(dir, 'edgeform.yaml', changed);
          const second = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
          expect(second.exitCode, `${second.stdout}\n${second.stderr}`).toBe(0);
          expect(second.stderr).not.toContain('error[');
          expect(second.stderr).not.toMatch(/\(node:\d+\)/);
          const again = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
          expect(again.exitCode, `${again.stdout}\n${again.stderr}`).toBe(0);
          const after = await gaapState(emu);
          expect(gaapDuplicates(after)).toEqual([]);
          expect(gaapCounts(after)).toEqual({
            proxies: PROXIES - 1,
            realServers: 4,
            listeners: (PROXIES - 1) * 3,
          });
          for (const p of Object.values(after.proxies))
            if (p.stable !== 'DESTROYED') expect(p.Bandwidth).toBe(20);

          const stats = structuredClone(emu.stats());
          for (const api of [stats.gaap, stats.baishan]) {
            totals.faults += api.faults;
            totals.drops += api.drops;
            totals.requests += api.total;
            totals.throttled += api.throttled;
          }
          // The faults did happen (otherwise this test proves nothing).
          expect(stats.gaap.faults + stats.baishan.faults).toBeGreaterThan(0);
          expect(stats.gaap.drops + stats.baishan.drops).toBeGreaterThan(0);
        } finally {
          await emu?.close();
        }
      },
    );
  }
});
