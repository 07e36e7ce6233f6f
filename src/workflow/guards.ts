import { EdgeformError } from '../core/errors.js';
import { summarize } from '../planner/plan-summary.js';
import type { Plan } from '../planner/plan-types.js';

/** Checks a plan must pass before it is shown as applicable or run (`--max-destroy`, `--new-stack`). */
export interface PlanGuards {
  /** Refuse a plan that destroys more objects than this (replacements count); undefined: no limit. */
  maxDestroy?: number;
  /**
   * The operator confirmed that a stack owning nothing live may create what it declares although
   * another stack's objects carry the same names (a new stack beside it, not a renamed one).
   */
  newStack?: boolean;
}

/**
 * The default `--max-destroy`: 20 when CI is set (an unattended run that would destroy a large part
 * of an estate is far more often a mistake — a deleted file, a wrong `-f` — than an intention), no
 * limit at a terminal, where the plan is read before `yes`.
 */
export const CI_MAX_DESTROY = 20;

/** Refuses a plan that destroys more than `max` objects, naming the first of them. */
export function checkMaxDestroy(plan: Pick<Plan, 'changes'>, max: number | undefined): void {
  if (max === undefined) return;
  const { destroy } = summarize(plan.changes);
  if (destroy <= max) return;
  const destroyed = plan.changes
    .filter((c) => c.kind === 'delete' || c.kind === 'replace')
    .map((c) => c.address);
  throw new EdgeformError({
    code: 'PLAN_DESTROYS_TOO_MUCH',
    message: `the plan destroys ${destroy} objects, more than --max-destroy ${max} allows`,
    resolution: `review the plan (a deleted or unloaded file, a wrong -f, a renamed stack?); if the destruction is intended, run again with --max-destroy ${destroy}`,
    details: [
      ...destroyed.slice(0, 10),
      ...(destroyed.length > 10 ? [`… and ${destroyed.length - 10} more`] : []),
    ],
  });
}

/** The plan carries the renamed-stack warning. */
export function ownsNothing(plan: Pick<Plan, 'warnings'>): boolean {
  return plan.warnings.some((w) => w.code === 'STACK_OWNS_NOTHING');
}

/** Refuses to apply, without a confirmation, a plan of a stack that looks renamed. */
export function checkNewStack(plan: Pick<Plan, 'warnings' | 'stack'>, guards: PlanGuards): void {
  if (!ownsNothing(plan) || guards.newStack) return;
  throw new EdgeformError({
    code: 'STACK_OWNS_NOTHING',
    message: `stack ${plan.stack} owns no live object, but another stack's live objects carry the names it declares: if the stack was renamed, this apply builds a second estate beside the old one (new proxies, new access IPs, double billing) and leaves the old one unmanaged`,
    resolution:
      'if the stack was renamed, restore its old `stack:` name (or adopt the old objects); if it is a new stack beside the other one, confirm with --new-stack, or answer yes at an interactive prompt',
    details: plan.warnings.filter((w) => w.code === 'STACK_OWNS_NOTHING').map((w) => w.message),
  });
}
