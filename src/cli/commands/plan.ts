import { writeFileSync } from 'node:fs';
import { hasChanges } from '../../planner/plan-types.js';
import type { GlobalFlags } from '../global-flags.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { renderPlanText } from '../render/plan-text.js';
import { writeOut } from './context.js';
import { planFromFlags } from './plan-from-flags.js';

export interface PlanFlags extends GlobalFlags {
  file?: string[];
  out?: string;
  format: 'text' | 'json' | 'markdown';
  detailedExitcode?: boolean;
  target?: string[];
  sandbox?: boolean;
  logFile?: string;
}

export async function runPlan(flags: PlanFlags): Promise<void> {
  const { ctx, plan: thePlan } = await planFromFlags(flags);
  if (flags.out) {
    // SecretValue.toJSON writes only a reference and a fingerprint, never the value.
    writeFileSync(flags.out, `${JSON.stringify(thePlan, null, 2)}\n`, { mode: 0o600 });
    process.stderr.write(`Saved the plan to ${flags.out}. Apply it with: edgeform apply ${flags.out}\n`);
  }
  switch (flags.format) {
    case 'json':
      writeOut(`${JSON.stringify(thePlan, null, 2)}\n`);
      break;
    case 'markdown':
      writeOut(renderPlanMarkdown(thePlan));
      break;
    case 'text':
      writeOut(renderPlanText(thePlan, ctx.out));
      break;
    default: {
      const never: never = flags.format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
  if (flags.detailedExitcode && hasChanges(thePlan)) process.exitCode = 2;
}
