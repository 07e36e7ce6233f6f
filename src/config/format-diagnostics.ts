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
  const missing = errors.filter((d) => d.code === 'FILE_NOT_FOUND');
  if (missing.length > 0 && missing.length === errors.length) {
    // A missing file is not an invalid desired state: say so, and how to get a first file.
    const names = missing.map((d) => d.file);
    return new EdgeformError({
      code: 'FILE_NOT_FOUND',
      source: 'user',
      message: `file not found: ${names.join(', ')}`,
      resolution:
        names.length === 1 && names[0]?.endsWith('edgeform.yaml')
          ? 'create a starter file with `edgeform init`, or name your file with -f FILE'
          : 'check the -f path; relative paths are resolved from the current directory',
    });
  }
  return new EdgeformError({
    code: 'DESIRED_SCHEMA_INVALID',
    source: 'user',
    message: `the desired state is invalid (${summarizeDiagnostics(diagnostics)})`,
    resolution:
      'fix each problem listed above at its file:line:column; `edgeform validate` re-checks without network',
    details: errors.map(formatDiagnostic),
    locations: errors.map((d) => ({
      file: d.file,
      line: d.line,
      column: d.column,
      message: `${d.path === '' ? '' : `${d.path}: `}${d.message} — ${d.fix}`,
    })),
  });
}
