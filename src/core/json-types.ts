export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

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
    const parts: string[] = [];
    for (let i = 0; i < v.length; i++) parts.push(write(v[i]) ?? 'null');
    return `[${parts.join(',')}]`;
  }
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return write(toJSON.call(v));
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  // NOTE: a JS object lists array-index keys first, in numeric order, whatever the insertion
  // order; JSON.stringify of the sorted copy did too, so this order is kept.
  const indices = keys.filter(isArrayIndex);
  const ordered =
    indices.length === 0
      ? keys
      : [...indices.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
  const parts: string[] = [];
  for (const k of ordered) {
    // The sorted copy was built by assignment: `__proto__` set its prototype, never a key.
    if (k === '__proto__') continue;
    const w = write(o[k]);
    if (w !== undefined) parts.push(`${JSON.stringify(k)}:${w}`);
  }
  return `{${parts.join(',')}}`;
}

function isArrayIndex(k: string): boolean {
  return ARRAY_INDEX.test(k) && Number(k) < 2 ** 32 - 1;
}
