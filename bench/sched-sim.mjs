#!/usr/bin/env node
import { startEmulator } from '../dist/emulator/index.js';
import { executePlan } from '../dist/executor/execute-plan.js';
import { createPlan } from '../dist/planner/create-plan.js';
import { waitScope } from '../dist/providers/gaap/gaap-step-runner.js';
import { KeyedRateLimiter, RateLimiter } from '../dist/transport/rate-limiter.js';
import { openSession } from '../dist/workflow/session.js';
import { gaapJointFloor, gaapRelaxedBound, waitKind } from './bounds.mjs';
import { gaapEstateOn, StepTimeline } from './step-timeline.mjs';

// RANK=chain: the steps carry no cost (the executor then ranks by steps on the longest chain);
// SIM_COST=1: costs from the simulated call time and delays; default: the GAAP provider's.
const P = Number(process.argv[2] ?? 50);
const CALL_MS = Number(process.env.CALL_MS ?? 20);
const PARALLELISM = Number(process.env.PARALLELISM ?? 64);
const WINDOW_MS = 50;
const delays = { proxy: 3000, group: 1500, listener: 250, domain: 150, rule: 150 };
const delayOf = (k) => delays[k] ?? 250;

// The plan, from an empty emulator account (no latency, no limits that matter here).
const emu = await startEmulator({ seed: 1 });
const { env, work, file } = gaapEstateOn(emu, P, WINDOW_MS / 1000, 'sim');
const session = await openSession({ files: [file], cwd: work, env, sandbox: false, events: () => {} });
const { plan } = await createPlan({
  stack: session.stack.stack,
  sources: session.stack.files,
  providers: session.providers,
  events: () => {},
});
const real = session.providerMap.get('gaap');
await session.close();
await emu.close();

const limiters = new KeyedRateLimiter(
  () => new RateLimiter({ limit: 20, windowMs: WINDOW_MS, marginRatio: 0.02 }),
);
const readyAt = new Map();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let polls = 0;
const pollsBy = new Map();
const sim = {
  id: 'gaap',
  hasDesired: true,
  limits: { concurrency: PARALLELISM },
  budgetKey: (s) => s.payload.calls[0]?.action ?? '',
  claimStart: (s) => {
    const a = s.payload.calls[0]?.action;
    return a ? limiters.get(a).tryTake() : 0;
  },
  ...(real.backlogWeight ? { backlogWeight: (k) => real.backlogWeight(k) } : {}),
  ...(process.env.SIM_COST
    ? {
        stepCost: (s) => {
          const kind = waitKind(s);
          const n = s.payload.calls.length;
          return {
            ms: n * CALL_MS + (kind === undefined ? 0 : Math.max(CALL_MS, delayOf(kind)) + CALL_MS),
            budgetMs: WINDOW_MS / 20,
          };
        },
      }
    : process.env.RANK === 'chain' || !real.stepCost
      ? {}
      : { stepCost: (s) => real.stepCost(s) }),
  waitPacing: real.waitPacing,
  async execute(step, ctx) {
    for (let i = 0; i < step.payload.calls.length; i++) {
      if (i > 0 || !ctx.startClaimed) await limiters.get(step.payload.calls[i].action).acquire();
      await sleep(CALL_MS);
      callLog.push({ end: performance.now() - t0, ms: CALL_MS });
    }
    const w = step.payload.wait;
    if (!w) return { outputs: {}, calls: step.payload.calls.length };
    // The write arrived half a call after it was sent; the object is ready its delay later.
    readyAt.set(step.id, performance.now() - CALL_MS / 2 + delayOf(waitKind(step)));
    return {
      outputs: {},
      calls: step.payload.calls.length,
      wait: { scope: waitScope(w), what: step.id, kind: w.action, timeoutMs: 600_000, detail: step.id },
    };
  },
  async watch(scope, waits) {
    const action = scope.slice(0, scope.indexOf(' '));
    const batch = plan.steps.find((s) => s.id === waits[0].detail)?.payload.wait?.batch;
    const reads = batch ? Math.ceil(waits.length / batch.max) : 1;
    await Promise.all(
      Array.from({ length: reads }, async () => {
        await limiters.get(action).acquire(undefined, 'low');
        polls++;
        pollsBy.set(action, (pollsBy.get(action) ?? 0) + 1);
        callLog.push({ end: performance.now() - t0 + CALL_MS, ms: CALL_MS });
      }),
    );
    const arrives = performance.now() + CALL_MS / 2;
    await sleep(CALL_MS);
    return {
      calls: reads,
      readings: waits.map((w) =>
        arrives >= readyAt.get(w.detail) ? { kind: 'ready' } : { kind: 'pending', seen: 'PENDING' },
      ),
    };
  },
};

const timeline = new StepTimeline();
const callLog = [];
const t0 = performance.now();
const r = await executePlan(plan, {
  providers: new Map([['gaap', sim]]),
  events: (e) => {
    if (process.env.ORDER && e.kind === 'step-start' && timeline.times.size < 40)
      console.log(
        (performance.now() - t0).toFixed(1),
        e.stepId,
        plan.steps.find((s) => s.id === e.stepId).payload.calls[0].action,
      );
    timeline.observe(e, performance.now() - t0);
  },
  parallelism: PARALLELISM,
});
const ms = performance.now() - t0;
const floor = gaapJointFloor(plan.steps, { windowMs: WINDOW_MS, latencyMs: CALL_MS, delayOf });
const relaxed = gaapRelaxedBound(plan.steps, { windowMs: WINDOW_MS, latencyMs: CALL_MS, delayOf });
const waits = plan.steps.filter((s) => s.payload.wait).length;
console.log(
  `GAAP ${P} proxies, call ${CALL_MS} ms, parallelism ${PARALLELISM}: execution ${ms.toFixed(0)} ms, joint floor ${floor.floor.toFixed(0)} ms (critical path ${floor.critical.toFixed(0)}, proven lower bound ${relaxed.toFixed(0)}): ${(ms / floor.floor).toFixed(2)}; ${r.done}/${plan.steps.length} done, ${polls} polls for ${waits} waits`,
);
if (process.env.DETAIL) {
  for (let lo = 0; lo < ms; lo += 250) {
    const o = timeline.occupancy(plan.steps, callLog, 0, lo, lo + 250);
    console.log(
      `${String(lo).padStart(6)}: in flight ${o.calls.toFixed(0).padStart(3)} calls, ${o.running.toFixed(0).padStart(3)} steps (slots); ready, not started ${o.ready.toFixed(0).padStart(4)}`,
    );
  }
  console.log(timeline.criticalChain(plan.steps, 0, delayOf));
}
console.log('polls by action:', [...pollsBy].map(([a, n]) => `${a} ${n}`).join(', '));
const failed = r.steps.find((s) => s.state === 'failed');
if (failed) console.log(failed.id, failed.error);
if (process.env.STARTS) {
  const action = process.env.STARTS;
  const rows = plan.steps
    .filter((s) => s.payload.calls[0]?.action === action)
    .map((s) => timeline.times.get(s.id).start)
    .sort((a, b) => a - b);
  console.log(action, rows.map((t) => t.toFixed(0)).join(' '));
}
