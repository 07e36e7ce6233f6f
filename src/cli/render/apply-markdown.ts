import type { ApplyResult } from '../../executor/executor-types.js';
import { renderValue } from '../../planner/display-values.js';
import type { Plan, ResourceOutputs } from '../../planner/plan-types.js';
import { cell } from './drift-report.js';

/** Failed steps listed at most; the rest are counted (the apply's log has them all). */
const MAX_FAILED_ROWS = 50;

/**
 * An apply in Markdown (the GitHub step summary): the verdict and counts, the failed steps with
 * their codes, and the outputs a user needs next (where to point DNS).
 */
export function renderApplyMarkdown(
  plan: Plan,
  result: ApplyResult | undefined,
  outputs: readonly ResourceOutputs[],
): string {
  if (!result) {
    return plan.steps.length === 0
      ? `### ✅ edgeform apply: no changes\n\nStack \`${plan.stack}\`: the live state matches the desired state.\n`
      : `### ⏹️ edgeform apply: not applied\n\nStack \`${plan.stack}\`: nothing was changed.\n`;
  }
  const ok = result.failed === 0 && !result.interrupted;
  const out = [
    `### ${ok ? '✅ edgeform apply complete' : '❌ edgeform apply incomplete'}`,
    '',
    `Stack \`${plan.stack}\`: ${result.done} done, ${result.failed} failed, ${result.skipped} skipped, ${result.calls} API calls in ${(result.durationMs / 1000).toFixed(1)}s.${result.interrupted ? ' Interrupted: run `edgeform plan` to see what remains.' : ''}`,
  ];
  const failed = result.steps.filter((s) => s.state === 'failed');
  if (failed.length > 0) {
    out.push('', '| failed step | code | error |', '|---|---|---|');
    for (const s of failed.slice(0, MAX_FAILED_ROWS))
      out.push(`| ${cell(s.summary)} | \`${s.error?.code ?? ''}\` | ${cell(s.error?.message ?? '')} |`);
    if (failed.length > MAX_FAILED_ROWS) out.push(`| … and ${failed.length - MAX_FAILED_ROWS} more | | |`);
  }
  const shown = outputs.filter((o) => Object.keys(o.values).some((k) => k !== 'id'));
  if (shown.length > 0) {
    out.push('', '| object | output | value |', '|---|---|---|');
    for (const o of shown)
      for (const [k, v] of Object.entries(o.values))
        out.push(`| \`${o.address}\` | \`${k}\` | ${cell(renderValue(v))} |`);
  }
  return `${out.join('\n')}\n`;
}
