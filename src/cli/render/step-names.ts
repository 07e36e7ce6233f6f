import { resourceName } from '../../planner/display-values.js';
import type { Plan, PlanStep } from '../../planner/plan-types.js';

/** Live ID → logical name, for every object of the plan that exists live. */
export function liveNames(plan: Pick<Plan, 'changes'>): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of plan.changes) if (c.id) names.set(c.id, resourceName(c.address));
  return names;
}

/**
 * A step's one line with logical names first: a reviewer thinks in `app-east`, the API in
 * `link-te4a3guj`. Each live ID the summary names becomes `name (id)`, unless the name is there.
 */
export function stepSummary(step: Pick<PlanStep, 'summary'>, names: ReadonlyMap<string, string>): string {
  if (names.size === 0) return step.summary;
  return step.summary.replace(/[A-Za-z0-9][\w.-]*[\w]/g, (token, at: number) => {
    const name = names.get(token);
    if (name === undefined || name === token) return token;
    // Already written as `name (id)` or `id (name)`.
    const around = step.summary.slice(Math.max(0, at - name.length - 2), at + token.length + name.length + 3);
    return around.includes(name) ? token : `${name} (${token})`;
  });
}
