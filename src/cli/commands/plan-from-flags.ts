import type { Plan } from '../../planner/plan-types.js';
import { plan } from '../../workflow/run-plan.js';
import type { GlobalFlags } from '../global-flags.js';
import { openLogFile, withLog } from '../log-file.js';
import { type CommandContext, commandContext } from './context.js';

export interface PlanningFlags extends GlobalFlags {
  file?: string[];
  sandbox?: boolean;
  logFile?: string;
  target?: string[];
}

/** What `plan` and `drift` share: the context, the debug log, one read-and-diff. */
export async function planFromFlags(flags: PlanningFlags): Promise<{ ctx: CommandContext; plan: Plan }> {
  const ctx = commandContext(flags);
  const log = flags.logFile ? openLogFile(flags.logFile, ctx.env) : undefined;
  const result = await plan({
    files: ctx.files,
    cwd: ctx.cwd,
    env: ctx.env,
    sandbox: Boolean(flags.sandbox),
    events: withLog(ctx.reporter, log),
    ...(flags.target ? { targets: flags.target } : {}),
  }).finally(() => log?.close());
  ctx.reporter.finish();
  return { ctx, plan: result.plan };
}
