import type { SourceLocation } from '../model/source-location.js';

/**
 * A SourceLocation whose line and column are computed when first read. Positions cost a full
 * `yaml` parse of the file (yaml-source.ts), which a run pays only when something is reported at
 * a position; the stack keeps a location for every domain, key and GAAP object, nearly all unread.
 * Own enumerable accessors, so the object compares, spreads and serialises like a plain one.
 */
export function lazyLocation(file: string, locate: () => SourceLocation): SourceLocation {
  let at: SourceLocation | undefined;
  const get = () => {
    at ??= locate();
    return at;
  };
  const out = { file } as SourceLocation;
  Object.defineProperty(out, 'line', { enumerable: true, get: () => get().line });
  Object.defineProperty(out, 'column', { enumerable: true, get: () => get().column });
  return out;
}
