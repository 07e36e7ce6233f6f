import { EdgeformError } from '../core/errors.js';
import type { Diagnostic } from './diagnostic-types.js';

/** `file:line:col path: message — fix`, with a `warning: ` prefix for warnings. No colour: the CLI adds it. */
export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  const path = d.path === '' ? '' : ` ${d.path}`;
  return `${prefix}${d.file}:${d.line}:${d.column}${path}: ${d.message} — ${d.fix}`;
}

/** One line per diagnostic, errors and warnings in the order given. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map(formatDiagnostic).join('\n');
}

/** `2 errors, 1 warning` (for a closing line). */
export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/**
 * The EdgeformError a command raises when the desired state has errors: one detail line per
 * error, so the single error printer shows them all before any API call is made.
 */
export function desiredStateError(diagnostics: readonly Diagnostic[]): EdgeformError {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return new EdgeformError({
    code: 'DESIRED_SCHEMA_INVALID',
    source: 'user',
    message: `the desired state is invalid (${summarizeDiagnostics(diagnostics)})`,
    resolution:
      'fix each problem listed above at its file:line:column; `edgeform validate` re-checks without network',
    details: errors.map(formatDiagnostic),
  });
}
