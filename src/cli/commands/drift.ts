import { plan } from '../../workflow/run-plan.js';
import { openLogFile, withLog } from '../log-file.js';
import type { GlobalFlags } from '../main.js';
import { buildDriftReport, renderDriftMarkdown, renderDriftText } from '../render/drift-report.js';
import { commandContext, writeOut } from './context.js';

export interface DriftFlags extends GlobalFlags {
  file?: string[];
  format: 'text' | 'json' | 'markdown';
  sandbox?: boolean;
  logFile?: string;
}

/** Compares live with desired without changing anything; exit 2 when they differ. */
export async function runDrift(flags: DriftFlags): Promise<void> {
  const ctx = commandContext(flags);
  const log = flags.logFile ? openLogFile(flags.logFile, ctx.env) : undefined;
  const { plan: thePlan } = await plan({
    files: ctx.files,
    cwd: ctx.cwd,
    env: ctx.env,
    sandbox: Boolean(flags.sandbox),
    events: withLog(ctx.reporter, log),
  }).finally(() => log?.close());
  ctx.reporter.finish();
  const report = buildDriftReport(thePlan);
  if (flags.format === 'json') writeOut(`${JSON.stringify(report, null, 2)}\n`);
  else if (flags.format === 'markdown') writeOut(renderDriftMarkdown(report));
  else writeOut(renderDriftText(report, ctx.out));
  if (!report.inSync) process.exitCode = 2;
}
