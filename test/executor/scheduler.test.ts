import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EdgeformEvent } from '../../src/core/event-types.js';
import { executePlan } from '../../src/executor/execute-plan.js';
import type { ApplyResult } from '../../src/executor/executor-types.js';
import type { PlanStep } from '../../src/planner/plan-types.js';
import type {
  Provider,
  StepCost,
  StepWait,
  WaitPacing,
  WaitReading,
} from '../../src/planner/provider-types.js';
import { RateLimiter } from '../../src/transport/rate-limiter.js';
import { plan } from './plan-fixture.js';

// Table-driven scenarios on a fake clock (vitest's fake timers drive Date.now and every timer):
// each runs the real executor against scripted providers and checks when each step started and
// ended, which calls were made and how the run was reported.

function step(id: string, provider: string, dependsOn: string[] = [], action = 'Act'): PlanStep {
  return {
    id,
    provider,
    action,
    operation: 'create',
    summary: id,
    addresses: [id],
    dependsOn,
    destructive: false,
    payload: { action },
  };
}

interface Script {
  id: string;
  cap: number;
  /** How long a step's calls take. */
  callMs: number;
  /** Rate budgets (one per action) the executor consults before a step starts, as GAAP's. */
  claimed?: () => RateLimiter;
  /** A rate budget the step waits for inside its slot (Baishan's client limiter). */
  inside?: () => RateLimiter;
  /** The step's write leaves an object that becomes ready this long after the call ends. */
  asyncMs?: number;
  /** Scope of the waits (one watcher per scope). */
  scope?: (s: PlanStep) => string;
  /** Never ready: these steps' objects stay in `PENDING`. */
  stuck?: string[];
  timeoutMs?: number;
  /** The steps' costs (`Provider.stepCost`), for their rank. */
  cost?: (s: PlanStep) => StepCost;
  /** The provider's wait pacing (default firstMs 100, minMs 50, maxMs 1,000). */
  pacing?: WaitPacing;
}

interface Trace {
  start: Map<string, number>;
  end: Map<string, number>;
  /** One entry per watch call: the step ids it answered. */
  watches: string[][];
  /** When each watch call started. */
  watchAt: number[];
  maxInFlight: Map<string, number>;
}

function scripted(s: Script, trace: Trace): Provider {
  let inFlight = 0;
  // Made here, under the fake clock.
  const inside = s.inside?.();
  const readyAt = new Map<string, number>();
  const provider: Provider = {
    id: s.id,
    hasDesired: true,
    limits: { concurrency: s.cap },
    read: async () => ({ provider: s.id, data: null, calls: 0, warnings: [] }),
    plan: () => ({ changes: [], steps: [], warnings: [], liveFingerprints: {} }),
    fingerprints: () => ({}),
    async execute(st) {
      trace.start.set(st.id, Date.now());
      inFlight++;
      trace.maxInFlight.set(s.id, Math.max(trace.maxInFlight.get(s.id) ?? 0, inFlight));
      if (inside) await inside.acquire();
      await new Promise((r) => setTimeout(r, s.callMs));
      inFlight--;
      trace.end.set(st.id, Date.now());
      if (s.asyncMs === undefined) return { outputs: {}, calls: 1 };
      readyAt.set(st.id, s.stuck?.includes(st.id) ? Number.POSITIVE_INFINITY : Date.now() + s.asyncMs);
      const wait: StepWait = {
        scope: s.scope?.(st) ?? 'all',
        what: `${st.id} ready`,
        kind: st.action,
        timeoutMs: s.timeoutMs ?? 60_000,
        detail: st.id,
      };
      return { outputs: {}, calls: 1, wait };
    },
    async watch(_scope, waits) {
      trace.watches.push(waits.map((w) => String(w.detail)));
      trace.watchAt.push(Date.now());
      await new Promise((r) => setTimeout(r, 5));
      const t = Date.now();
      const readings = waits.map(
        (w): WaitReading =>
          t >= readyAt.get(String(w.detail))! ? { kind: 'ready' } : { kind: 'pending', seen: 'PENDING' },
      );
      return { readings, calls: 1 };
    },
    waitPacing: s.pacing ?? { firstMs: 100, minMs: 50, maxMs: 1_000 },
  };
  if (s.cost) provider.stepCost = s.cost;
  if (s.claimed) {
    const make = s.claimed;
    const limiters = new Map<string, RateLimiter>();
    const budget = (action: string) => {
      if (!limiters.has(action)) limiters.set(action, make());
      return limiters.get(action)!;
    };
    provider.budgetKey = (st) => st.action;
    provider.claimStart = (st) => budget(st.action).tryTake();
  }
  return provider;
}

/** Advances the fake clock from timer to timer until the run settles. */
async function settle<T>(p: Promise<T>, maxTimers = 100_000): Promise<T> {
  let done = false;
  void p.finally(() => {
    done = true;
  });
  for (let i = 0; !done && i < maxTimers; i++) await vi.advanceTimersToNextTimerAsync();
  return p;
}

interface Scenario {
  name: string;
  providers: Script[];
  steps: PlanStep[];
  parallelism: number;
  /** Abort at this many ms after the start. */
  abortAtMs?: number;
  check(r: ApplyResult, t: Trace, events: EdgeformEvent[], t0: number): void;
}

const chain = (provider: string, n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => step(`${prefix}${i}`, provider, i === 0 ? [] : [`${prefix}${i - 1}`]));
const many = (provider: string, n: number, prefix: string, action = 'Act') =>
  Array.from({ length: n }, (_, i) => step(`${prefix}${i}`, provider, [], action));
const minute = 60_000;
/** How many watch calls read each step's wait. */
function readsPerStep(t: Trace): Map<string, number> {
  const reads = new Map<string, number>();
  for (const w of t.watches) for (const id of w) reads.set(id, (reads.get(id) ?? 0) + 1);
  return reads;
}
const stateOf = (r: ApplyResult, id: string) => r.steps.find((s) => s.id === id)?.state;

const scenarios: Scenario[] = [
  {
    name: 'a throttled provider does not hold the other one up (40 Baishan POSTs + a GAAP chain)',
    providers: [
      // Baishan: 4 steps at once, 30 calls a minute, the client waits for the budget in the slot.
      { id: 'baishan', cap: 4, callMs: 50, inside: () => new RateLimiter({ limit: 30, windowMs: minute }) },
      // GAAP: per-action budget claimed before a step starts, asynchronous states.
      {
        id: 'gaap',
        cap: 32,
        callMs: 50,
        asyncMs: 1_000,
        claimed: () => new RateLimiter({ limit: 20, windowMs: 1_000 }),
      },
    ],
    steps: [...many('baishan', 40, 'b'), ...chain('gaap', 5, 'g')],
    parallelism: 8,
    check(r, t, _e, t0) {
      expect(r.done).toBe(45);
      const gaapEnd = Math.max(...[0, 1, 2, 3, 4].map((i) => t.end.get(`g${i}`)!));
      // Each GAAP step: 50 ms call + ~1 s wait; the 30-call Baishan window ends after a minute.
      expect(gaapEnd - t0).toBeLessThan(8_000);
      const lastBaishan = Math.max(...[...t.end].filter(([id]) => id.startsWith('b')).map(([, v]) => v));
      expect(lastBaishan - t0).toBeGreaterThan(minute);
      // The whole GAAP chain was done long before Baishan's second window opened.
      expect(r.steps.filter((s) => s.id.startsWith('g')).every((s) => s.state === 'done')).toBe(true);
      expect(t.maxInFlight.get('baishan')).toBeLessThanOrEqual(4);
    },
  },
  {
    name: 'a spent budget holds no slot: steps of another budget start at once',
    providers: [
      {
        id: 'gaap',
        cap: 2,
        callMs: 10,
        claimed: () => new RateLimiter({ limit: 2, windowMs: 1_000 }),
      },
    ],
    steps: [...many('gaap', 6, 'slow', 'CreateProxy'), ...many('gaap', 2, 'fast', 'CreateRule')],
    parallelism: 10,
    check(r, t, _e, t0) {
      expect(r.done).toBe(8);
      // CreateProxy's budget (2 a second) is spent at once; the CreateRule steps queued behind
      // four CreateProxy steps still start at once, and the blocked steps never hold a slot.
      for (const id of ['fast0', 'fast1']) expect(t.start.get(id)! - t0).toBeLessThan(100);
      const slowStarts = [...t.start].filter(([id]) => id.startsWith('slow')).map(([, v]) => v - t0);
      expect(Math.max(...slowStarts)).toBeGreaterThanOrEqual(2_000);
      expect(t.maxInFlight.get('gaap')).toBeLessThanOrEqual(2);
    },
  },
  {
    name: 'the step heading the longest chain starts first, whatever the order steps became ready in',
    providers: [{ id: 'gaap', cap: 1, callMs: 100 }],
    // Four independent steps listed (and ready) first; the head of a three-step chain last.
    steps: [...many('gaap', 4, 'leaf'), ...chain('gaap', 3, 'c'), step('tail', 'gaap', ['leaf3'])],
    parallelism: 1,
    check(r, t) {
      expect(r.done).toBe(8);
      const order = [...t.start].sort((a, b) => a[1] - b[1]).map(([id]) => id);
      // c0 heads 3 steps, c1 and leaf3 2, the others 1; among equals, the one ready first (first
      // in first out, as before ranks: leaf3 was ready before c1, leaf0-2 before tail and c2).
      expect(order).toEqual(['c0', 'leaf3', 'c1', 'leaf0', 'leaf1', 'leaf2', 'tail', 'c2']);
    },
  },
  {
    name: 'with step costs, a step feeding a rate-bound backlog starts before the head of a longer chain',
    providers: [
      {
        id: 'gaap',
        cap: 1,
        callMs: 10,
        // Each Bind uses a tenth of a second of its budget: eight of them need 800 ms of it.
        cost: (s) => ({ ms: 10, budgetMs: s.action === 'Bind' ? 100 : 0 }),
      },
    ],
    steps: [
      ...chain('gaap', 4, 'c'),
      step('feed', 'gaap', [], 'Create'),
      ...Array.from({ length: 8 }, (_, i) => step(`b${i}`, 'gaap', ['feed'], 'Bind')),
    ],
    parallelism: 1,
    check(r, t) {
      expect(r.done).toBe(13);
      const order = [...t.start].sort((a, b) => a[1] - b[1]).map(([id]) => id);
      // feed: 10 ms, then its binds' backlog (800 ms) is left; c0 heads 40 ms of steps. Counted
      // in steps, c0 (4 steps) would go first and feed (2) after it.
      expect(order[0]).toBe('feed');
      expect(order.slice(1, 9)).toEqual(Array.from({ length: 8 }, (_, i) => `b${i}`));
    },
  },
  {
    name: 'caps: the global cap and each provider cap bound the steps holding a slot',
    providers: [
      { id: 'p', cap: 2, callMs: 100 },
      { id: 'q', cap: 8, callMs: 100 },
    ],
    steps: [...many('p', 6, 'p'), ...many('q', 6, 'q')],
    parallelism: 3,
    check(r, t) {
      expect(r.done).toBe(12);
      expect(t.maxInFlight.get('p')).toBe(2);
      expect(t.maxInFlight.get('p')! + t.maxInFlight.get('q')!).toBeLessThanOrEqual(6);
      expect(t.maxInFlight.get('q')).toBeLessThanOrEqual(3);
    },
  },
  {
    name: 'waits release their slots: with one slot, every write is sent before the first wait ends',
    providers: [{ id: 'gaap', cap: 1, callMs: 20, asyncMs: 2_000 }],
    steps: many('gaap', 5, 'w'),
    parallelism: 1,
    check(r, t, events) {
      expect(r.done).toBe(5);
      const lastWrite = Math.max(...[...t.end.values()]);
      const firstDone = events.find((e) => e.kind === 'step-done');
      expect(firstDone).toBeDefined();
      expect(lastWrite).toBeLessThan(Math.min(...[...t.end.values()]) + 2_000);
      expect(t.watches.length).toBeGreaterThan(0);
    },
  },
  {
    name: 'one watcher answers many waiters with one call',
    providers: [{ id: 'gaap', cap: 32, callMs: 10, asyncMs: 300 }],
    steps: many('gaap', 25, 'x'),
    parallelism: 32,
    check(r, t) {
      expect(r.done).toBe(25);
      // All 25 writes end together; every watch call answers all waiters still waiting.
      expect(t.watches[0]).toHaveLength(25);
      expect(t.watches.length).toBeLessThanOrEqual(6);
      expect(r.calls).toBe(25 + t.watches.length);
    },
  },
  {
    name: 'a kind learned from its first wait: each later wait of that delay is read once',
    providers: [{ id: 'gaap', cap: 1, callMs: 10, asyncMs: 1_000 }],
    steps: chain('gaap', 8, 'k'),
    parallelism: 1,
    check(r, t) {
      expect(r.done).toBe(8);
      const reads = readsPerStep(t);
      // The first wait is read at 100, 250, 475, 812 (not ready) and 1318 ms (ready): the delay is
      // between 812 and 1318 ms. Every later wait is first read at 1318 ms, and found ready.
      expect(reads.get('k0')).toBe(5);
      for (let i = 1; i < 8; i++) expect(reads.get(`k${i}`)).toBe(1);
    },
  },
  {
    name: 'waits of a kind not learned yet follow the first: each is read once, when the first is ready',
    // Ten writes at once, each object in a scope of its own (as each proxy's listeners are).
    providers: [{ id: 'gaap', cap: 32, callMs: 10, asyncMs: 1_000, scope: (s) => s.id }],
    steps: many('gaap', 10, 'f'),
    parallelism: 32,
    check(r, t) {
      expect(r.done).toBe(10);
      const reads = readsPerStep(t);
      // f0 finds the delay (read at 100, 250, 475, 812 and 1318 ms); the nine others are not read
      // before then, and once at 1318 ms after their writes, ready (the old schedule read each 5 times).
      expect(reads.get('f0')).toBe(5);
      for (let i = 1; i < 10; i++) expect(reads.get(`f${i}`)).toBe(1);
      expect(t.watches.length).toBe(14);
    },
  },
  {
    name: 'when the first wait of a kind never ends, the waits that followed it are read on their own',
    providers: [
      { id: 'gaap', cap: 32, callMs: 10, asyncMs: 200, scope: (s) => s.id, stuck: ['g0'], timeoutMs: 3_000 },
    ],
    steps: many('gaap', 4, 'g'),
    parallelism: 32,
    check(r, t) {
      const g0 = r.steps.find((s) => s.id === 'g0')!;
      expect(g0.error?.code).toBe('WAIT_TIMEOUT');
      expect(g0.error?.message).toContain('waiting for g0 ready; last state seen: PENDING');
      for (const id of ['g1', 'g2', 'g3']) {
        expect(stateOf(r, id)).toBe('done');
        // Read once, after g0 timed out, and found ready.
        expect(t.watches.filter((w) => w.includes(id))).toHaveLength(1);
      }
    },
  },
  {
    name: 'a read that answers many waits comes up to four times as often: a long wait ends ≤ maxMs/4 late',
    // Eight 4.2 s waits in one scope (as proxies in one DescribeProxies); polls at most 1 s apart alone.
    providers: [{ id: 'gaap', cap: 32, callMs: 10, asyncMs: 4_200 }],
    steps: many('gaap', 8, 'long'),
    parallelism: 32,
    check(r, t) {
      expect(r.done).toBe(8);
      // Write 10 ms, object ready 4.2 s later, then read within 250 ms (one read taking 5 ms).
      // Polled 1 s apart, the read after 4.21 s would come at 5.08 s.
      for (const s of r.steps) expect(s.durationMs!).toBeLessThanOrEqual(10 + 4_200 + 250 + 5);
      // Reads at 100, 250, 475, 812 ms, then every 250 ms to 4,312: 18 (polled alone, 8 × 9).
      expect(t.watches.length).toBeLessThanOrEqual(18);
    },
  },
  {
    name: 'a read that answers many waits still comes no sooner than minMs after the last',
    providers: [
      {
        id: 'gaap',
        cap: 8,
        callMs: 10,
        asyncMs: 4_200,
        stuck: ['w0', 'w1', 'w2', 'w3'],
        timeoutMs: 6_000,
        // maxMs ÷ 4 sharing waits (250) is under minMs (400): minMs wins.
        pacing: { firstMs: 100, minMs: 400, maxMs: 1_000 },
      },
    ],
    // k0 teaches the kind's delay; w0..w3, of the same kind, then never end and share every read.
    steps: [step('k0', 'gaap'), ...['w0', 'w1', 'w2', 'w3'].map((id) => step(id, 'gaap', ['k0']))],
    parallelism: 8,
    check(r, t) {
      expect(stateOf(r, 'k0')).toBe('done');
      for (const id of ['w0', 'w1', 'w2', 'w3'])
        expect(r.steps.find((s) => s.id === id)?.error?.code).toBe('WAIT_TIMEOUT');
      const at = t.watchAt.filter((_, i) => t.watches[i]!.includes('w0'));
      expect(at.length).toBeGreaterThan(3);
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(400);
    },
  },
  {
    name: 'one watcher per scope: waits of different scopes are read apart',
    providers: [{ id: 'gaap', cap: 32, callMs: 10, asyncMs: 300, scope: (s) => s.id.slice(0, 1) }],
    steps: [...many('gaap', 4, 'a'), ...many('gaap', 4, 'b')],
    parallelism: 32,
    check(r, t) {
      expect(r.done).toBe(8);
      for (const w of t.watches) expect(new Set(w.map((id) => id[0])).size).toBe(1);
    },
  },
  {
    name: 'a wait that never ends times out, naming the object, the state and the last state seen',
    providers: [{ id: 'gaap', cap: 4, callMs: 10, asyncMs: 100, stuck: ['s0'], timeoutMs: 5_000 }],
    steps: [step('s0', 'gaap'), step('s1', 'gaap'), step('after', 'gaap', ['s0'])],
    parallelism: 4,
    check(r) {
      expect(stateOf(r, 's1')).toBe('done');
      const s0 = r.steps.find((s) => s.id === 's0')!;
      expect(s0.state).toBe('failed');
      expect(s0.error?.code).toBe('WAIT_TIMEOUT');
      expect(s0.error?.message).toContain('waiting for s0 ready; last state seen: PENDING');
      expect(stateOf(r, 'after')).toBe('skipped');
    },
  },
  {
    name: 'Ctrl-C while steps wait: calls in flight finish, waits are abandoned and reported',
    providers: [
      { id: 'gaap', cap: 4, callMs: 10, asyncMs: 10_000 },
      { id: 'slow', cap: 1, callMs: 3_000 },
    ],
    steps: [
      ...many('gaap', 3, 'w'),
      step('w-next', 'gaap', ['w0']),
      step('call', 'slow'),
      step('later', 'slow'),
    ],
    parallelism: 8,
    abortAtMs: 1_000,
    check(r, t, events) {
      expect(r.interrupted).toBe(true);
      // The call in flight at the interrupt finished and counts as done.
      expect(stateOf(r, 'call')).toBe('done');
      expect(t.end.get('call')).toBeDefined();
      for (const id of ['w0', 'w1', 'w2']) {
        const s = r.steps.find((x) => x.id === id)!;
        expect(s.state).toBe('failed');
        expect(s.error?.code).toBe('WAIT_ABANDONED');
        expect(s.error?.message).toContain(`waiting for ${id} ready (last state seen: PENDING)`);
      }
      expect(stateOf(r, 'w-next')).toBe('skipped');
      expect(stateOf(r, 'later')).toBe('skipped');
      expect(t.start.has('later')).toBe(false);
      expect(events.filter((e) => e.kind === 'step-failed')).toHaveLength(3);
    },
  },
];

describe('executor scheduler (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(scenarios)('$name', async (sc) => {
    const trace: Trace = {
      start: new Map(),
      end: new Map(),
      watches: [],
      watchAt: [],
      maxInFlight: new Map(),
    };
    const providers = new Map(sc.providers.map((s) => [s.id, scripted(s, trace)]));
    const events: EdgeformEvent[] = [];
    const controller = new AbortController();
    const t0 = Date.now();
    if (sc.abortAtMs !== undefined) setTimeout(() => controller.abort(), sc.abortAtMs);
    const result = await settle(
      executePlan(plan(sc.steps), {
        providers,
        events: (e) => events.push(e),
        parallelism: sc.parallelism,
        signal: controller.signal,
      }),
    );
    sc.check(result, trace, events, t0);
  });

  it('emits progress on a timer with constant-cost counters, the steps waiting and the budget wait', async () => {
    const trace: Trace = {
      start: new Map(),
      end: new Map(),
      watches: [],
      watchAt: [],
      maxInFlight: new Map(),
    };
    const gaap = scripted(
      {
        id: 'gaap',
        cap: 4,
        callMs: 10,
        asyncMs: 1_500,
        claimed: () => new RateLimiter({ limit: 2, windowMs: 10_000 }),
      },
      trace,
    );
    gaap.estimateRemainingMs = (steps) => steps.length * 1000;
    const events: EdgeformEvent[] = [];
    await settle(
      executePlan(plan(many('gaap', 4, 'p')), {
        providers: new Map([['gaap', gaap]]),
        events: (e) => events.push(e),
        parallelism: 4,
        progressEveryMs: 1_000,
      }),
    );
    const progress = events.flatMap((e) => (e.kind === 'progress' ? [e] : []));
    // A tick a second through the ~10 s budget wait, not one per step event.
    expect(progress.length).toBeGreaterThanOrEqual(10);
    expect(progress.length).toBeLessThan(20);
    expect(progress[0]!.etaMs).toBe(4000);
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4, etaMs: 0, inFlight: 0, waiting: 0 });
    expect(progress.some((p) => (p.waiting ?? 0) > 0)).toBe(true);
    const blocked = progress.find((p) => p.budgetWait);
    expect(blocked?.budgetWait).toMatchObject({ provider: 'gaap', what: 'Act' });
    expect(blocked!.budgetWait!.waitMs).toBeGreaterThan(5_000);
  });
});
