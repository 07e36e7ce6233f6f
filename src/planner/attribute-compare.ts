import { isPlainObject, stableStringify } from '../core/json.js';
import type { JsonValue } from '../core/json-types.js';
import { isSecretValue } from '../core/secrets.js';
import type { DisplayValue } from './plan-types.js';

/**
 * Attribute comparison after both sides were normalised by their kind. Secrets compare by value
 * (a live secret is read back from the API), and are displayed only as `(sensitive)`.
 */
export function attributeEqual(want: unknown, have: unknown): boolean {
  // Most attributes are scalars on both sides: no copy, no revealing (a secret is an object).
  if (typeof want !== 'object' && typeof have !== 'object') {
    return stableStringify(want) === stableStringify(have);
  }
  return stableStringify(reveal(want)) === stableStringify(reveal(have));
}

function reveal(v: unknown): unknown {
  if (isSecretValue(v)) return v.reveal();
  if (Array.isArray(v)) return v.map(reveal);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
  return v;
}

export function toDisplayValue(v: unknown, sensitive: boolean): DisplayValue {
  if (sensitive || isSecretValue(v)) return { $sensitive: true };
  if (v === undefined) return null;
  return JSON.parse(JSON.stringify(v)) as JsonValue;
}
