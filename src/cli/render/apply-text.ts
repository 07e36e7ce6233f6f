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
  out.push(...skippedLines(skipped, c));
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

/** Up to this many skipped steps are listed one a line; more are counted by reason and call. */
const MAX_SKIPPED_LINES = 5;

/**
 * What was not run. An interrupted apply of a large plan skips hundreds of steps: one line per
 * reason, with the calls counted, says the same and leaves the failures readable
 * (`edgeform plan` lists the remaining work exactly).
 */
function skippedLines(skipped: readonly ApplyResult['steps'][number][], c: Colors): string[] {
  if (skipped.length <= MAX_SKIPPED_LINES) {
    return skipped.map((s) => `${c.dim('Skipped')}: ${s.summary} (${s.reason ?? 'not run'})`);
  }
  const byReason = new Map<string, Map<string, number>>();
  for (const s of skipped) {
    const reason = s.reason ?? 'not run';
    const calls = byReason.get(reason) ?? new Map<string, number>();
    calls.set(s.action, (calls.get(s.action) ?? 0) + 1);
    byReason.set(reason, calls);
  }
  return [...byReason].map(([reason, calls]) => {
    const n = [...calls.values()].reduce((a, b) => a + b, 0);
    const what = [...calls].map(([action, k]) => `${k} × ${action}`).join(', ');
    return `${c.dim('Skipped')}: ${n} steps (${reason.replace(/\bit\b/, 'they')}): ${what}`;
  });
}
