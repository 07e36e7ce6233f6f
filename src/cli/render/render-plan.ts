import type { Plan } from '../../planner/plan-types.js';
import { planFileText } from '../../workflow/saved-plan.js';
import type { Colors } from '../colors.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPlanText } from './plan-text.js';

export type PlanFormat = 'text' | 'json' | 'markdown';

/** A plan in one of its three shapes: for a terminal, for machines, for a pull-request comment. */
export function renderPlan(plan: Plan, format: PlanFormat, colors: Colors): string {
  switch (format) {
    case 'json':
      // The same document `plan --out` saves (with its digest): `plan --format json > p.json` applies.
      return planFileText(plan);
    case 'markdown':
      return renderPlanMarkdown(plan);
    case 'text':
      return renderPlanText(plan, colors);
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
