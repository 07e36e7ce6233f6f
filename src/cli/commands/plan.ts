import { writeFileSync } from 'node:fs';
import { EdgeformError } from '../../core/errors.js';
import { hasChanges } from '../../planner/plan-summary.js';
import { planFileText } from '../../workflow/saved-plan.js';
import { annotation, appendStepSummary, inGitHubActions } from '../github.js';
import type { GlobalFlags } from '../global-flags.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { type PlanFormat, renderPlan } from '../render/render-plan.js';
import { writeOut } from './context.js';
import { planFromFlags } from './plan-from-flags.js';

export interface PlanFlags extends GlobalFlags {
  file?: string[];
  out?: string;
  format: PlanFormat;
  detailedExitcode?: boolean;
  target?: string[];
  sandbox?: boolean;
  logFile?: string;
}

export async function runPlan(flags: PlanFlags): Promise<void> {
  const { ctx, plan: thePlan } = await planFromFlags(flags);
  if (flags.out) {
    // SecretValue.toJSON writes only a reference and a keyed fingerprint, never the value.
    try {
      writeFileSync(flags.out, planFileText(thePlan), { mode: 0o600 });
    } catch (cause) {
      throw new EdgeformError({
        code: 'PLAN_OUT_UNWRITABLE',
        message: `cannot write the plan to ${flags.out}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
        resolution: 'check that the directory exists and is writable (edgeform does not create it)',
        cause,
      });
    }
    ctx.note(`Saved the plan to ${flags.out}. Apply it with: edgeform apply ${flags.out}`);
  }
  writeOut(renderPlan(thePlan, flags.format, ctx.out));
  if (inGitHubActions(ctx.env)) {
    appendStepSummary(ctx.env, renderPlanMarkdown(thePlan));
    if (!ctx.jsonEvents)
      for (const w of thePlan.warnings)
        process.stderr.write(
          annotation('warning', w.address ? `${w.address}: ${w.message}` : w.message, ctx.env),
        );
  }
  if (flags.detailedExitcode && hasChanges(thePlan)) process.exitCode = 2;
}
