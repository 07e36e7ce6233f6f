import { describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../src/executor/progress-tracker.js';
import type { PlanStep } from '../../src/planner/plan-types.js';
import type { Provider } from '../../src/planner/provider-types.js';

const step = (i: number): PlanStep => ({
  id: `s${i}`,
  provider: 'baishan',
  action: 'POST domain/config',
  operation: 'update',
  summary: `domain ${i}`,
  addresses: [`baishan.domain["d${i}.example.com"]`],
  dependsOn: [],
  destructive: false,
  payload: {},
});

describe('ProgressTracker', () => {
  const steps = Array.from({ length: 10 }, (_, i) => step(i));
  const noProviders = new Map<string, Provider>();

  it('estimates from the pace of the run so far', () => {
    let now = 0;
    const t = new ProgressTracker(steps, noProviders, () => now);
    t.started();
    now = 1_000;
    t.settled(steps[0] as PlanStep, 'done');
    // One step a second, nine left.
    expect(t.event(undefined).etaMs).toBe(9_000);
  });

  it('never promises an end before a rate budget the ready steps wait for returns', () => {
    let now = 0;
    const t = new ProgressTracker(steps, noProviders, () => now);
    t.started();
    now = 1_000;
    for (const s of steps.slice(0, 8)) t.settled(s, 'done');
    // The pace says 250 ms for the last two, but the vendor's budget frees only in 12 s.
    const e = t.event({ provider: 'baishan', key: 'account', ms: 12_000 });
    expect(e.budgetWait).toEqual({ provider: 'baishan', what: 'account', waitMs: 12_000 });
    expect(e.etaMs).toBe(12_000);
    // Without the wait, the pace stands.
    expect(t.event(undefined).etaMs).toBe(250);
  });
});
