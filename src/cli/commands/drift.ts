import { drift } from '../../workflow/drift.js';
import type { GlobalFlags } from '../global-flags.js';
import { renderDriftMarkdown, renderDriftText } from '../render/drift-report.js';
import { writeOut } from './context.js';
import { readFromFlags } from './plan-from-flags.js';

export interface DriftFlags extends GlobalFlags {
  file?: string[];
  format: 'text' | 'json' | 'markdown';
  sandbox?: boolean;
  logFile?: string;
}

/** Compares live with desired without changing anything; exit 2 when they differ. */
export async function runDrift(flags: DriftFlags): Promise<void> {
  const { ctx, result } = await readFromFlags(flags, drift);
  const { report } = result;
  if (flags.format === 'json') writeOut(`${JSON.stringify(report, null, 2)}\n`);
  else if (flags.format === 'markdown') writeOut(renderDriftMarkdown(report));
  else writeOut(renderDriftText(report, ctx.out));
  if (!report.inSync) process.exitCode = 2;
}
