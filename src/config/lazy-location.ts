import type { SourceLocation } from '../model/source-location.js';

/**
 * A SourceLocation whose line and column are computed when first read. Positions cost a full
 * `yaml` parse of the file (yaml-source.ts), which a run pays only when something is reported at
 * a position; the stack keeps a location for every domain, key and GAAP object, nearly all unread.
 * It has own enumerable `file`, `line` and `column`, so it compares (`toEqual`), spreads and
 * serialises like a plain object.
 *
 * NOTE: a Proxy, not an object literal with `get line()` accessors: such a literal is created on
 * V8's slow path (each accessor pair defined at run time, two new closures), ~2.5 µs apiece, and a
 * 10,000-domain stack builds ~20,000 of them (50 ms of a plan's CPU budget); a Proxy over a small
 * class instance costs a fifth of that. A Proxy cannot be passed to structuredClone (it throws):
 * copy `{ file, line, column }` out first.
 */
export function lazyLocation(file: string, locate: () => SourceLocation): SourceLocation {
  return new Proxy(new LazyLocation(file, locate), HANDLER);
}

/** The target: its line and column are accessors of the class, which the Proxy shows as own. */
class LazyLocation implements SourceLocation {
  file: string;
  readonly #locate: () => SourceLocation;
  #at: SourceLocation | undefined;

  constructor(file: string, locate: () => SourceLocation) {
    this.file = file;
    this.#locate = locate;
  }

  get line(): number {
    this.#at ??= this.#locate();
    return this.#at.line;
  }

  get column(): number {
    this.#at ??= this.#locate();
    return this.#at.column;
  }
}

const KEYS: readonly string[] = ['file', 'line', 'column'];

function propertyOf(t: LazyLocation, key: string | symbol): unknown {
  if (key === 'file') return t.file;
  if (key === 'line') return t.line;
  if (key === 'column') return t.column;
  return undefined;
}

const HANDLER: ProxyHandler<LazyLocation> = {
  get: propertyOf,
  has: (_t, key) => KEYS.includes(key as string),
  ownKeys: () => [...KEYS],
  getOwnPropertyDescriptor: (t, key) =>
    KEYS.includes(key as string)
      ? { value: propertyOf(t, key), writable: true, enumerable: true, configurable: true }
      : undefined,
  // Read-only, as the accessors without setters were.
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
};
