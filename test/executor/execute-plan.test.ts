import { describe, expect, it } from 'vitest';
import { EdgeformError } from '../../src/core/errors.js';
import type { EdgeformEvent } from '../../src/core/event-types.js';
import { executePlan } from '../../src/executor/execute-plan.js';
import type { PlanStep } from '../../src/planner/plan-types.js';
import type { Provider, StepOutcome } from '../../src/planner/provider-types.js';
import { plan } from './plan-fixture.js';

function step(id: string, dependsOn: string[] = [], provider = 'p'): PlanStep {
  return {
    id,
    provider,
    action: 'Act',
    operation: 'update',
    summary: id,
    addresses: [id],
    dependsOn,
    destructive: false,
    payload: null,
  };
}

/** A scripted provider: records the order and overlap of executions; fails the ids it is told to. */
function scripted(id: string, opts: { fail?: string[]; delayMs?: number; concurrency?: number } = {}) {
  const started: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const provider: Provider = {
    id,
    hasDesired: true,
    limits: { concurrency: opts.concurrency ?? 8 },
    read: async () => ({ provider: id, data: null, calls: 0, warnings: [] }),
    plan: () => ({ changes: [], steps: [], warnings: [], liveFingerprints: {} }),
    fingerprints: () => ({}),
    async execute(s): Promise<StepOutcome> {
      started.push(s.id);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 5));
      inFlight--;
      if (opts.fail?.includes(s.id))
        throw new EdgeformError({ code: 'GAAP_INTERNAL', source: 'remote', message: `${s.id} failed` });
      return { outputs: { id: s.id }, calls: 1 };
    },
  };
  return { provider, started, maxInFlight: () => maxInFlight };
}

describe('executePlan', () => {
  it('runs steps after their dependencies and independent branches side by side', async () => {
    const p = scripted('p', { delayMs: 20 });
    const steps = [step('a'), step('b'), step('c', ['a']), step('d', ['a', 'b']), step('e', ['d'])];
    const result = await executePlan(plan(steps), {
      providers: new Map([['p', p.provider]]),
      events: () => {},
      parallelism: 10,
    });
    expect(result.done).toBe(5);
    expect(result.calls).toBe(5);
    const at = (id: string) => p.started.indexOf(id);
    expect(at('c')).toBeGreaterThan(at('a'));
    expect(at('d')).toBeGreaterThan(Math.max(at('a'), at('b')));
    expect(at('e')).toBeGreaterThan(at('d'));
    expect(p.maxInFlight()).toBeGreaterThanOrEqual(2);
  });

  it('marks dependents of a failed step skipped and lets independent branches finish', async () => {
    const p = scripted('p', { fail: ['a'] });
    const events: EdgeformEvent[] = [];
    const steps = [step('a'), step('b', ['a']), step('c', ['b']), step('x')];
    const result = await executePlan(plan(steps), {
      providers: new Map([['p', p.provider]]),
      events: (e) => events.push(e),
      parallelism: 4,
    });
    expect(result.steps.map((s) => [s.id, s.state])).toEqual([
      ['a', 'failed'],
      ['b', 'skipped'],
      ['c', 'skipped'],
      ['x', 'done'],
    ]);
    expect(result.steps[0]!.error).toMatchObject({ code: 'GAAP_INTERNAL', message: 'a failed' });
    expect(p.started).not.toContain('b');
    expect(events.some((e) => e.kind === 'step-skipped' && e.stepId === 'c')).toBe(true);
  });

  it('honours the global cap and the per-provider cap', async () => {
    const p = scripted('p', { delayMs: 15, concurrency: 2 });
    const q = scripted('q', { delayMs: 15, concurrency: 8 });
    const steps = [
      ...Array.from({ length: 6 }, (_, i) => step(`p${i}`, [], 'p')),
      ...Array.from({ length: 6 }, (_, i) => step(`q${i}`, [], 'q')),
    ];
    const result = await executePlan(plan(steps), {
      providers: new Map([
        ['p', p.provider],
        ['q', q.provider],
      ]),
      events: () => {},
      parallelism: 3,
    });
    expect(result.done).toBe(12);
    expect(p.maxInFlight()).toBeLessThanOrEqual(2);
    expect(p.maxInFlight() + q.maxInFlight()).toBeLessThanOrEqual(6);
    expect(q.maxInFlight()).toBeLessThanOrEqual(3);
  });

  it('stops scheduling on abort: steps in flight finish, the rest are skipped', async () => {
    const p = scripted('p', { delayMs: 30, concurrency: 1 });
    const controller = new AbortController();
    const steps = [step('a'), step('b'), step('c', ['a'])];
    const run = executePlan(plan(steps), {
      providers: new Map([['p', p.provider]]),
      events: () => {},
      parallelism: 1,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 5);
    const result = await run;
    expect(result.interrupted).toBe(true);
    expect(result.steps.find((s) => s.id === 'a')!.state).toBe('done');
    expect(
      result.steps
        .filter((s) => s.state === 'skipped')
        .map((s) => s.id)
        .sort(),
    ).toEqual(['b', 'c']);
  });

  it('reports a batched step with partial failures as failed, naming the parts', async () => {
    const provider: Provider = {
      ...scripted('p').provider,
      execute: async () => ({
        outputs: {},
        calls: 3,
        partialFailures: [{ addresses: ['x'], error: 'offline', code: 'BAISHAN_DOMAIN_OFFLINE' }],
      }),
    };
    const result = await executePlan(plan([step('a'), step('b', ['a'])]), {
      providers: new Map([['p', provider]]),
      events: () => {},
      parallelism: 2,
    });
    expect(result.steps[0]!.state).toBe('failed');
    expect(result.steps[0]!.error?.message).toContain('x: offline');
    expect(result.steps[1]!.state).toBe('skipped');
  });

  it('reports progress with an ETA from the rate limits, then from observed step times', async () => {
    const p = scripted('p', { delayMs: 10, concurrency: 1 });
    const provider: Provider = { ...p.provider, estimateRemainingMs: (remaining) => remaining.length * 1000 };
    const events: EdgeformEvent[] = [];
    await executePlan(plan([step('a'), step('b'), step('c')]), {
      providers: new Map([['p', provider]]),
      events: (e) => events.push(e),
      parallelism: 1,
    });
    const etas = events.flatMap((e) => (e.kind === 'progress' && e.etaMs !== undefined ? [e.etaMs] : []));
    // Before the first step starts, three calls are to make at one a second; then fewer; zero
    // at the end.
    expect(etas[0]).toBe(3000);
    expect(etas.at(-1)).toBe(0);
    expect([...etas].sort((x, y) => y - x)).toEqual(etas);
  });

  it('finishes at once on an empty plan', async () => {
    const result = await executePlan(plan([]), { providers: new Map(), events: () => {}, parallelism: 1 });
    expect(result).toMatchObject({ done: 0, failed: 0, skipped: 0, interrupted: false });
  });
});
