import type { ApplyResult } from '../../executor/executor-types.js';
import type { Colors } from '../colors.js';

/** The closing report of an apply: what was done, what failed (with codes), what was skipped. */
export function renderApplyText(result: ApplyResult, c: Colors): string {
  const out: string[] = [];
  const failed = result.steps.filter((s) => s.state === 'failed');
  const skipped = result.steps.filter((s) => s.state === 'skipped');
  for (const s of failed) {
    out.push(`${c.red('Failed')}: ${s.summary}`);
    if (s.partialFailures?.length) {
      const failedAddresses = new Set(s.partialFailures.flatMap((p) => p.addresses));
      const applied = s.addresses.filter((a) => !failedAddresses.has(a)).length;
      out.push(`  applied to ${applied} of ${s.addresses.length}; failed for:`);
      for (const p of s.partialFailures) out.push(`  ${p.addresses.join(', ')}: ${p.error} [${p.code}]`);
    } else if (s.error) {
      out.push(`  ${s.error.message} [${s.error.code}]`);
      if (s.error.resolution) out.push(`  fix: ${s.error.resolution}`);
    }
  }
  for (const s of skipped) out.push(`${c.dim('Skipped')}: ${s.summary} (${s.reason ?? 'not run'})`);
  if (result.interrupted)
    out.push(
      c.yellow('Interrupted: steps not started were skipped. Run `edgeform plan` to see what remains.'),
    );
  const secs = (result.durationMs / 1000).toFixed(1);
  const verdict =
    failed.length === 0 && !result.interrupted ? c.green('Apply complete!') : c.red('Apply incomplete.');
  out.push(
    `${verdict} ${result.done} done, ${result.failed} failed, ${result.skipped} skipped, ${result.calls} API call${result.calls === 1 ? '' : 's'} in ${secs}s.`,
  );
  return `${out.join('\n')}\n`;
}
