import { type DriftReport, drift } from '../../workflow/drift.js';
import type { DriftRun } from '../drift-metrics.js';
import { appendStepSummary } from '../github.js';
import type { GlobalFlags } from '../global-flags.js';
import { renderDriftMarkdown, renderDriftText } from '../render/drift-report.js';
import { type CommandContext, writeOut } from './context.js';
import { readFromFlags } from './plan-from-flags.js';

export interface DriftFlags extends GlobalFlags {
  file?: string[];
  format: 'text' | 'json' | 'markdown';
  sandbox?: boolean;
  logFile?: string;
  metricsFile?: string;
}

/** Compares live with desired without changing anything; exit 2 when they differ. */
export async function runDrift(flags: DriftFlags): Promise<void> {
  const started = Date.now();
  let outcome: { ctx: CommandContext; result: DriftRun['outcome'] & { report: DriftReport } };
  try {
    outcome = await readFromFlags(flags, drift);
  } catch (error) {
    // A cron job's failure is a metric too: the file says the run failed, and with which code.
    if (flags.metricsFile) await writeMetrics(flags.metricsFile, started, { error });
    throw error;
  }
  const { ctx, result } = outcome;
  const { report } = result;
  if (flags.metricsFile) await writeMetrics(flags.metricsFile, started, result);
  if (flags.format === 'json') writeOut(`${JSON.stringify(report, null, 2)}\n`);
  else if (flags.format === 'markdown') writeOut(renderDriftMarkdown(report));
  else writeOut(renderDriftText(report, ctx.out));
  appendStepSummary(ctx.env, renderDriftMarkdown(report));
  if (!report.inSync) process.exitCode = 2;
}

async function writeMetrics(path: string, started: number, outcome: DriftRun['outcome']): Promise<void> {
  const { driftMetricsText, writeMetricsFile } = await import('../drift-metrics.js');
  const now = Date.now();
  writeMetricsFile(
    path,
    driftMetricsText({ endedAt: Math.floor(now / 1000), durationMs: now - started, outcome }),
  );
}
