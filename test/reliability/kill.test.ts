import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import type { GaapState } from '../../src/emulator/gaap/state.js';
import { seededRandom } from '../../src/emulator/server-kit.js';
import {
  type BaishanDomainState,
  baishanState,
  cliEnv,
  emulator,
  FAULTS,
  gaapDuplicates,
  gaapL4Estate,
  gaapState,
  type PlanJson,
  report,
  runCli,
  scratchDir,
  spawnCli,
  stackYaml,
  writeYaml,
} from './harness.js';

// SIGKILL at a random moment of an apply, at least KILLS times. edgeform keeps no state file, so
// after each kill the next plan must describe exactly what the kill left undone — computed here
// independently, from the emulator's own state — and the next apply must finish it, with no
// duplicate anywhere. Each round is a fresh stack (new proxies, real servers, domains), so every
// round has creates, binds and Baishan writes to interrupt.
const KILLS = 10;
const MAX_ROUNDS = 5;
const KILLS_PER_ROUND = 4;
const PROXIES = 2;
const DOMAINS = 12;
/** Baishan calls per (scaled) minute, on both sides: the Baishan writes span a few windows. */
const BAISHAN_LIMIT = 10;

let emu: RunningEmulator;
/** Seeds both the kill points and the emulator's faults: EDGEFORM_RELIABILITY_SEED=n replays a run. */
const SEED = Number(process.env.EDGEFORM_RELIABILITY_SEED ?? 4242);
const random = seededRandom(SEED);
const figures = {
  kills: 0,
  finishedBeforeKill: 0,
  rounds: 0,
  stepsDoneAtKill: [] as number[],
  remainingAfterKill: [] as number[],
  duplicates: 0,
};

beforeAll(async () => {
  emu = await emulator({
    // The kills land among retries, lookups after lost answers and status polls too.
    ...FAULTS,
    seed: SEED,
    latencyMs: 25,
    asyncDelayMs: 300,
    baishanRateLimitPerMinute: BAISHAN_LIMIT,
    baishanDomains: Array.from({ length: MAX_ROUNDS }, (_, r) => domainsOf(r)).flat(),
  });
});
afterAll(async () => {
  report('kill', figures);
  await emu.close();
});

function domainsOf(round: number): string[] {
  return Array.from({ length: DOMAINS }, (_, i) => `k${round}-${i}.kill.example.com`);
}

const timeoutOf = (i: number) => String(20 + i);

function yamlOf(round: number): string {
  const domains = domainsOf(round)
    .map((d, i) => `    - domain: ${d}\n      config:\n        timeout: { time: "${timeoutOf(i)}" }\n`)
    .join('');
  return stackYaml(
    `kill-${round}`,
    `providers:\n  baishan: { rateLimitPerMinute: ${BAISHAN_LIMIT} }\n`,
    `baishan:\n  domains:\n${domains}`,
    gaapL4Estate(PROXIES, 4, `198.18.${round}`),
  );
}

const tagOf = (set: { TagKey: string; TagValue: string }[], key: string) =>
  set.find((t) => t.TagKey === key)?.TagValue;

/**
 * What a correct plan must list after a kill, derived from the emulator's state and the estate's
 * definition alone (not from edgeform's planner): address → create | update.
 */
function remainingWork(
  round: number,
  gaap: GaapState,
  baishan: BaishanDomainState[],
): Record<string, string> {
  const stack = `kill-${round}`;
  const out: Record<string, string> = {};
  const owned = <T extends { TagSet: { TagKey: string; TagValue: string }[] }>(items: T[], name: string) =>
    items.find(
      (x) => tagOf(x.TagSet, 'edgeform:stack') === stack && tagOf(x.TagSet, 'edgeform:name') === name,
    );

  const rsIds = new Map<number, string>();
  for (let j = 0; j < 4; j++) {
    const rs = owned(Object.values(gaap.realServers), `origin-${j}`);
    if (rs) rsIds.set(j, rs.RealServerId);
    else out[`gaap.real_server["origin-${j}"]`] = 'create';
  }
  const proxies = Object.values(gaap.proxies).filter((p) => p.stable !== 'DESTROYED');
  for (let p = 0; p < PROXIES; p++) {
    const proxy = owned(proxies, `edge-${p}`);
    const proxyAddress = `gaap.proxy["edge-${p}"]`;
    if (!proxy) out[proxyAddress] = 'create';
    const listeners: [string, number, [number, number, number][]][] = [
      [
        'TCP',
        7000 + p * 10,
        [
          [p % 4, 8080, 10],
          [(p + 1) % 4, 8080, 5],
        ],
      ],
      [
        'TCP',
        7001 + p * 10,
        [
          [p % 4, 8080, 10],
          [(p + 1) % 4, 8080, 5],
        ],
      ],
      ['UDP', 7100 + p, [[(p + 2) % 4, 9000, 1]]],
    ];
    for (const [protocol, port, bindings] of listeners) {
      const address = `${proxyAddress}.listener["${protocol}:${port}"]`;
      const live = proxy
        ? Object.values(gaap.listeners).find(
            (l) => l.ProxyId === proxy.ProxyId && l.Protocol === protocol && l.Port === port,
          )
        : undefined;
      if (!live) {
        out[address] = 'create';
        continue;
      }
      const want = bindings.map(([rs, rsPort, weight]) => `${rsIds.get(rs)}:${rsPort}:${weight}`).sort();
      const have = live.bindings
        .map((b) => `${b.RealServerId}:${b.RealServerPort}:${b.RealServerWeight}`)
        .sort();
      if (JSON.stringify(want) !== JSON.stringify(have)) out[address] = 'update';
    }
  }
  const byName = new Map(baishan.map((d) => [d.name, d.config]));
  domainsOf(round).forEach((d, i) => {
    const timeout = byName.get(d)?.timeout as { time?: unknown } | undefined;
    if (String(timeout?.time) !== timeoutOf(i)) out[`baishan.domain["${d}"]`] = 'update';
  });
  return out;
}

function planned(plan: PlanJson): Record<string, string> {
  return Object.fromEntries(plan.changes.filter((c) => c.kind !== 'no-op').map((c) => [c.address, c.kind]));
}

const settle = () => new Promise((r) => setTimeout(r, 400));

describe('a run killed with SIGKILL mid-apply', () => {
  it(`leaves a state the next plan describes exactly and the next apply completes (≥ ${KILLS} kills)`, async () => {
    for (let round = 0; round < MAX_ROUNDS && figures.kills < KILLS; round++) {
      figures.rounds++;
      const dir = scratchDir('edgeform-kill-');
      writeYaml(dir, 'edgeform.yaml', yamlOf(round));
      const env = cliEnv(emu);

      for (let k = 0; k < KILLS_PER_ROUND && figures.kills < KILLS; k++) {
        const run = spawnCli(['apply', '--auto-approve'], { cwd: dir, env });
        // A random point of the run: after a random number of its steps have finished, plus a
        // random part of the next one (GAAP waits last 300 ms, Baishan writes a window).
        const jitter = Math.floor(random() * 400);
        const share = random();
        let target = -1;
        let finished = 0;
        const killed = new Promise<boolean>((resolve) => {
          let armed = false;
          run.child.stderr?.on('data', (d: Buffer) => {
            const text = String(d);
            finished += (text.match(/Z done {2}/g) ?? []).length;
            if (target < 0 && /Z start /.test(text)) {
              const steps = (run.stdout().match(/^ {2}\d+\. /gm) ?? []).length;
              target = Math.floor(share * (steps - 1));
            }
            if (armed || target < 0 || finished < target) return;
            armed = true;
            setTimeout(() => resolve(run.child.kill('SIGKILL')), jitter);
          });
          void run.done.then(() => resolve(false));
        });
        const wasKilled = await killed;
        const result = await run.done;
        if (result.signal !== 'SIGKILL') {
          // It finished first: the round's estate is complete.
          expect(result.exitCode, result.stdout + result.stderr).toBe(0);
          figures.finishedBeforeKill++;
          break;
        }
        expect(wasKilled).toBe(true);
        figures.kills++;
        // Requests the killed process sent are still being answered (latency); let them land.
        await settle();
        const before = remainingWork(round, await gaapState(emu), await baishanState(emu));
        const plan = await runCli(['plan', '--format', 'json'], { cwd: dir, env });
        expect(plan.exitCode, plan.stderr).toBe(0);
        expect(
          planned(JSON.parse(plan.stdout) as PlanJson),
          `kill ${figures.kills}: after ${target} finished steps + ${jitter}ms`,
        ).toEqual(before);
        figures.stepsDoneAtKill.push(finished);
        figures.remainingAfterKill.push(Object.keys(before).length);
        expect(gaapDuplicates(await gaapState(emu))).toEqual([]);
      }

      const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
      expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
      const replan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
      expect(replan.exitCode, replan.stdout + replan.stderr).toBe(0);
      expect(replan.stdout).toContain('No changes.');
      const state = await gaapState(emu);
      expect(remainingWork(round, state, await baishanState(emu))).toEqual({});
      const duplicates = gaapDuplicates(state);
      figures.duplicates += duplicates.length;
      expect(duplicates).toEqual([]);
    }
    expect(figures.kills).toBeGreaterThanOrEqual(KILLS);
  }, 170_000);
});
