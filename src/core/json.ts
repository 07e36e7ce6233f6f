export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** An API answer read field by field: the object itself, or no fields when it is not one. */
export function fieldsOf(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? v : {};
}

/**
 * Deterministic JSON: object keys sorted. Used for fingerprints and for grouping equal payloads.
 * Exactly `JSON.stringify` of a copy with every object's keys sorted (toJSON applied first), but
 * written directly, without the copy: it runs once per domain in a plan's fingerprints.
 */
export function stableStringify(value: unknown): string {
  return write(value) as string;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

function write(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'bigint':
      // NaN and ±Infinity become null; a bigint throws, as JSON.stringify does.
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += `${i === 0 ? '' : ','}${write(v[i]) ?? 'null'}`;
    return `${out}]`;
  }
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return write(toJSON.call(v));
  const o = v as Record<string, unknown>;
  let keys = Object.keys(o).sort();
  // NOTE: a JS object lists array-index keys first, in numeric order, whatever the insertion
  // order; JSON.stringify of the sorted copy did too, so this order is kept.
  if (keys.some(isArrayIndex)) {
    const indices = keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
    keys = [...indices, ...keys.filter((k) => !isArrayIndex(k))];
  }
  let out = '{';
  for (const k of keys) {
    // The sorted copy was built by assignment: `__proto__` set its prototype, never a key.
    if (k === '__proto__') continue;
    const w = write(o[k]);
    if (w !== undefined) out += `${out.length === 1 ? '' : ','}${quoteKey(k)}:${w}`;
  }
  return `${out}}`;
}

/** JSON.stringify of a key, remembered: the same few hundred key names recur in every object. */
const quotedKeys = new Map<string, string>();
function quoteKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quotedKeys.size < 4096) quotedKeys.set(k, q);
  }
  return q;
}

function isArrayIndex(k: string): boolean {
  const c = k.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  return ARRAY_INDEX.test(k) && Number(k) < 2 ** 32 - 1;
}
