import { variableInput } from '../../config/variables.js';
import type { Plan } from '../../planner/plan-types.js';
import { plan, type WorkflowOptions } from '../../workflow/run-plan.js';
import type { GlobalFlags } from '../global-flags.js';
import { openLogFile, withLog } from '../log-file.js';
import { type CommandContext, commandContext } from './context.js';
import { maxDestroyOf } from './guard-flags.js';

export interface PlanningFlags extends GlobalFlags {
  file?: string[];
  sandbox?: boolean;
  logFile?: string;
  target?: string[];
  maxDestroy?: number | 'off';
  var?: string[];
  varFile?: string[];
}

/** What `plan` and `drift` share: the context, the debug log, one read-and-diff. */
export async function planFromFlags(flags: PlanningFlags): Promise<{ ctx: CommandContext; plan: Plan }> {
  const { ctx, result } = await readFromFlags(flags, (opts, ctx) =>
    plan({
      ...opts,
      ...(flags.target ? { targets: flags.target } : {}),
      guards: maxDestroyOf(flags.maxDestroy, ctx),
    }),
  );
  return { ctx, plan: result.plan };
}

/**
 * A read-only command: the context, the debug log, and one workflow call with the options every
 * workflow takes. Returns the context (for rendering) and the workflow's result.
 */
export async function readFromFlags<T>(
  flags: Omit<PlanningFlags, 'target'>,
  run: (opts: WorkflowOptions, ctx: CommandContext) => Promise<T>,
): Promise<{ ctx: CommandContext; result: T }> {
  const ctx = commandContext(flags);
  const log = flags.logFile ? openLogFile(flags.logFile, ctx.env) : undefined;
  const result = await run(
    {
      files: ctx.files,
      cwd: ctx.cwd,
      env: ctx.env,
      sandbox: Boolean(flags.sandbox),
      events: withLog(ctx.reporter, log),
      variables: variableInput(flags),
    },
    ctx,
  ).finally(() => log?.close());
  ctx.reporter.finish();
  return { ctx, result };
}
