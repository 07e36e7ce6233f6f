import type { Plan, PlanStep } from '../../src/planner/plan-types.js';

/** A plan of just these steps: what the executor reads of a plan, with everything else empty. */
export function plan(steps: PlanStep[]): Plan {
  return {
    formatVersion: '1.0',
    tool: { name: 'edgeform', version: 'test' },
    createdAt: new Date(0).toISOString(),
    stack: 's',
    sources: [],
    partial: false,
    targets: [],
    changes: [],
    steps,
    summary: { add: 0, change: 0, destroy: 0, replace: 0 },
    warnings: [],
    liveFingerprints: {},
  };
}
