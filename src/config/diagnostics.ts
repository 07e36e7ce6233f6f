import type { Diagnostic } from './diagnostic-types.js';

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by file (in the order given), line, column; stable otherwise. */
export function sortDiagnostics(diagnostics: Diagnostic[], fileOrder: readonly string[]): Diagnostic[] {
  const rank = new Map(fileOrder.map((f, i) => [f, i]));
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        (rank.get(a.d.file) ?? 1e9) - (rank.get(b.d.file) ?? 1e9) ||
        a.d.line - b.d.line ||
        a.d.column - b.d.column ||
        a.i - b.i,
    )
    .map((x) => x.d);
}

/** Errors, and warnings, listed at most (each); the rest are counted in one TOO_MANY_ERRORS. */
export const MAX_LISTED_DIAGNOSTICS = 100;

/**
 * NOTE: a file can hold a problem per entry (100,000 copies of one domain: 99,999 DUPLICATE_DOMAIN,
 * 7 s to word and print). Sorted, then the first MAX_LISTED_DIAGNOSTICS errors and warnings are
 * kept, and one diagnostic, located where the first one left out is, counts the rest. The
 * schema's own TOO_MANY_ERRORS lines (schema-errors.ts) are kept as they are.
 */
export function listedDiagnostics(diagnostics: Diagnostic[], fileOrder: readonly string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const listed = { error: 0, warning: 0 };
  const left = { error: 0, warning: 0 };
  let first: Diagnostic | undefined;
  for (const d of sortDiagnostics(diagnostics, fileOrder)) {
    if (d.code === 'TOO_MANY_ERRORS' || listed[d.severity] < MAX_LISTED_DIAGNOSTICS) {
      if (d.code !== 'TOO_MANY_ERRORS') listed[d.severity]++;
      out.push(d);
      continue;
    }
    left[d.severity]++;
    first ??= d;
  }
  if (first) {
    const plural = (n: number, w: string) => `${n} more ${w}${n === 1 ? '' : 's'}`;
    out.push({
      severity: left.error > 0 ? 'error' : 'warning',
      code: 'TOO_MANY_ERRORS',
      file: first.file,
      line: first.line,
      column: first.column,
      path: first.path,
      message: `${plural(left.error, 'error')} and ${plural(left.warning, 'warning')} from here on are not listed (the first ${MAX_LISTED_DIAGNOSTICS} of each are)`,
      fix: 'fix the problems listed (often one mistake repeated) and validate again',
    });
  }
  return out;
}
