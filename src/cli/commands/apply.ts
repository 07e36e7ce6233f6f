import { createInterface } from 'node:readline/promises';
import { variableInput } from '../../config/variables.js';
import { EdgeformError } from '../../core/errors.js';
import type { Plan } from '../../planner/plan-types.js';
import { ownsNothing } from '../../workflow/guards.js';
import { apply } from '../../workflow/run-plan.js';
import { planFileText } from '../../workflow/saved-plan.js';
import { appendStepSummary } from '../github.js';
import type { GlobalFlags } from '../global-flags.js';
import { openLogFile, withLog } from '../log-file.js';
import { renderApplyMarkdown } from '../render/apply-markdown.js';
import { renderApplyText } from '../render/apply-text.js';
import { outputsWorthShowing, renderOutputsText } from '../render/outputs-text.js';
import { renderPlanText } from '../render/plan-text.js';
import { type CommandContext, commandContext, writeOut } from './context.js';
import { maxDestroyOf } from './guard-flags.js';

export interface ApplyFlags extends GlobalFlags {
  file?: string[];
  planFile?: string;
  autoApprove?: boolean;
  format: 'text' | 'json';
  parallelism: number;
  sandbox?: boolean;
  logFile?: string;
  var?: string[];
  varFile?: string[];
  maxDestroy?: number | 'off';
  newStack?: boolean;
}

export async function runApply(flags: ApplyFlags): Promise<void> {
  const ctx = commandContext(flags);
  const saved = Boolean(flags.planFile);
  // A saved plan was reviewed when it was made; a fresh one needs a yes, which CI cannot give.
  if (!saved && !flags.autoApprove && !ctx.interactive) {
    throw new EdgeformError({
      code: 'APPLY_NEEDS_APPROVAL',
      message: 'apply needs confirmation, and there is no terminal to ask (or CI is set)',
      resolution:
        'pass --auto-approve, or apply a reviewed plan: edgeform plan --out plan.json && edgeform apply plan.json',
    });
  }

  const controller = new AbortController();
  // NOTE: with --events jsonl these lines are `info` events like every other stderr line.
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) {
      ctx.reporter.finish();
      ctx.note('Aborted at once. Run `edgeform plan` to see what remains.');
      process.exit(130);
    }
    ctx.reporter.finish(); // clears a live status line first
    ctx.note(`${signal}: finishing the calls in flight, starting no new ones (again to abort at once)…`);
    controller.abort(
      new EdgeformError({
        code: 'INTERRUPTED',
        message: `interrupted by ${signal}`,
        resolution: 'run `edgeform plan` to see what remains, then apply again',
      }),
    );
  };
  const log = flags.logFile ? openLogFile(flags.logFile, ctx.env) : undefined;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let answer: Answer | undefined;
  try {
    const outcome = await apply({
      files: saved && !flags.file?.length ? [] : ctx.files,
      cwd: ctx.cwd,
      env: ctx.env,
      sandbox: Boolean(flags.sandbox),
      events: withLog(ctx.reporter, log),
      parallelism: flags.parallelism,
      signal: controller.signal,
      variables: variableInput(flags),
      ...(flags.planFile ? { planFile: flags.planFile } : {}),
      guards: {
        ...maxDestroyOf(flags.maxDestroy, ctx),
        // At a terminal without --auto-approve, the prompt (which names the risk) is the confirmation.
        newStack: Boolean(flags.newStack) || (!saved && !flags.autoApprove && ctx.interactive),
      },
      confirm: async (p) => {
        if (flags.format === 'text') writeOut(renderPlanText(p, ctx.out));
        if (saved || flags.autoApprove) return true;
        answer = await confirm(p, ctx);
        return answer === 'yes';
      },
    });
    ctx.reporter.finish();
    const failed = (outcome.result?.failed ?? 0) > 0 || outcome.result?.interrupted === true;
    if (flags.format === 'json') {
      // schemas/apply-result.schema.json; the plan as `plan --format json` prints it.
      const doc = {
        formatVersion: '1.0',
        applied: outcome.applied,
        plan: JSON.parse(planFileText(outcome.plan)) as unknown,
        result: outcome.result ?? null,
        outputs: outcome.outputs,
      };
      writeOut(`${JSON.stringify(doc, null, 2)}\n`);
    } else if (!outcome.applied) {
      writeOut(
        outcome.plan.steps.length === 0
          ? renderPlanText(outcome.plan, ctx.out)
          : 'Apply cancelled. Nothing was changed.\n',
      );
    } else if (outcome.result) {
      const touched = new Set(
        outcome.plan.changes.filter((c) => c.kind === 'create' || c.kind === 'replace').map((c) => c.address),
      );
      const shown = renderOutputsText(outputsWorthShowing(outcome.outputs, touched), ctx.out);
      writeOut(`${renderApplyText(outcome.result, ctx.out)}${shown ? `\nOutputs:\n${shown}` : ''}`);
    }
    appendStepSummary(ctx.env, renderApplyMarkdown(outcome.plan, outcome.result, outcome.outputs));
    if (failed) process.exitCode = 1;
    // Declining is not success (Terraform exits 1 too); Ctrl-C at the prompt is the shell's 130.
    if (answer === 'no') process.exitCode = 1;
    if (answer === 'cancelled') process.exitCode = 130;
  } finally {
    log?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

type Answer = 'yes' | 'no' | 'cancelled';

async function confirm(plan: Plan, ctx: CommandContext): Promise<Answer> {
  const destructive = plan.steps.filter((s) => s.destructive).length;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const renamed = ownsNothing(plan)
    ? ctx.err.red(
        `\nThis stack owns no live object, but another stack's objects carry its names: if it was renamed, this builds a second estate.`,
      )
    : '';
  const warn = `${destructive ? ctx.err.red(` ${destructive} of them destructive.`) : ''}${renamed}`;
  try {
    return await new Promise<Answer>((resolve, reject) => {
      // NOTE: the terminal is in raw mode while readline asks, so Ctrl-C reaches readline as a key,
      // not the process as SIGINT: a cancel, answered here. End of input (Ctrl-D) is a no.
      rl.once('SIGINT', () => {
        process.stderr.write('\n');
        resolve('cancelled');
      });
      rl.once('close', () => resolve('no'));
      rl.question(
        `\nedgeform will make ${plan.steps.length} API call${plan.steps.length === 1 ? '' : 's'}.${warn}\nOnly 'yes' will be accepted: `,
      ).then((a) => resolve(a.trim() === 'yes' ? 'yes' : 'no'), reject);
    });
  } finally {
    rl.close();
  }
}
