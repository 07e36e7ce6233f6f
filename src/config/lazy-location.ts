import type { SourceLocation } from '../model/source-location.js';

/**
 * A SourceLocation whose line and column are computed when first read. Positions cost a full
 * `yaml` parse of the file (yaml-source.ts), which a run pays only when something is reported at
 * a position; the stack keeps a location for every domain, key and GAAP object, nearly all unread.
 * Own enumerable accessors, so the object compares, spreads and serialises like a plain one.
 */
export function lazyLocation(file: string, locate: () => SourceLocation): SourceLocation {
  let at: SourceLocation | undefined;
  // Accessors of an object literal, not Object.defineProperty: the same own enumerable
  // properties, and all such objects share one shape (defineProperty made each one anew: the
  // stack builds one per domain, key and GAAP object).
  return {
    file,
    get line() {
      at ??= locate();
      return at.line;
    },
    get column() {
      at ??= locate();
      return at.column;
    },
  };
}
