import { resolve } from 'node:path';
import { readPlanFile } from '../../workflow/saved-plan.js';
import type { GlobalFlags } from '../global-flags.js';
import { type PlanFormat, renderPlan } from '../render/render-plan.js';
import { commandContext, writeOut } from './context.js';

export interface ShowFlags extends GlobalFlags {
  planFile: string;
  format: PlanFormat;
}

/** `edgeform show PLAN`: a saved plan rendered again, as text, JSON or Markdown. No network. */
export async function runShow(flags: ShowFlags): Promise<void> {
  const ctx = commandContext(flags);
  const plan = readPlanFile(resolve(ctx.cwd, flags.planFile));
  writeOut(renderPlan(plan, flags.format, ctx.out));
}
