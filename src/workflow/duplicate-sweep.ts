import type { EventSink } from '../core/event-types.js';
import { executePlan } from '../executor/execute-plan.js';
import type { ApplyResult } from '../executor/executor-types.js';
import { createPlan } from '../planner/create-plan.js';
import type { Plan, PlanStep } from '../planner/plan-types.js';
import { GaapProvider } from '../providers/gaap/gaap-provider.js';
import type { Session } from './session.js';

/**
 * The final duplicate sweep of a run's own creates. A create whose answer was lost is looked up
 * (and looked up again after bounded waits) before anything is re-sent; a server that commits it
 * later still leaves two objects under one identity. So when a run had such an uncertain create,
 * it reads its stack once more at the end: the provider keeps the object the run created or
 * adopted under the declared address and gives every other one an address of its own (see
 * GaapProvider#separateDuplicates). The steps that delete those — and what must happen before
 * (users repointed) — run now, each reported. A run with no uncertain create reads nothing more.
 */
export interface SweepReport {
  /** Addresses of the duplicates found. */
  found: string[];
  result?: ApplyResult;
}

/** `ADDRESS@ID` (a second root or what hangs under it), or a certificate's `name@ID`. */
const DUPLICATE_ADDRESS = /\]@[\w-]+|\["[^"]*@[\w-]+"\]/;

export async function sweepDuplicates(
  session: Session,
  opts: { events: EventSink; parallelism: number; signal?: AbortSignal },
): Promise<SweepReport | undefined> {
  const providers = session.providers.filter((p) => p instanceof GaapProvider && p.sweepSuspected);
  if (providers.length === 0) return undefined;
  const { plan } = await createPlan({
    stack: session.stack.stack,
    sources: session.stack.files,
    providers,
    events: () => {},
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const isDuplicate = (s: PlanStep) => s.addresses.some((a) => DUPLICATE_ADDRESS.test(a));
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const keep = new Set<string>();
  const take = (s: PlanStep) => {
    if (keep.has(s.id)) return;
    keep.add(s.id);
    for (const d of s.dependsOn) {
      const dep = byId.get(d);
      if (dep) take(dep);
    }
  };
  for (const s of plan.steps) if (isDuplicate(s)) take(s);
  const found = [
    ...new Set(
      plan.changes
        .filter((c) => c.kind === 'delete' && DUPLICATE_ADDRESS.test(c.address))
        .map((c) => c.address),
    ),
  ];
  if (keep.size === 0) return { found };
  for (const address of found) {
    opts.events({
      kind: 'warning',
      message: `duplicate sweep: ${address} is a second object under a declared identity (a create committed after its answer was lost); deleting it`,
    });
  }
  const sweep: Plan = { ...plan, steps: plan.steps.filter((s) => keep.has(s.id)) };
  const result = await executePlan(sweep, {
    providers: session.providerMap,
    events: opts.events,
    parallelism: opts.parallelism,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return { found, result };
}
