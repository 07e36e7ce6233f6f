import { isPlainObject, stableStringify } from '../core/json.js';
import type { JsonValue } from '../core/json-types.js';
import { isSecretValue } from '../core/secrets.js';
import type { DisplayValue } from './plan-types.js';

/**
 * Attribute comparison after both sides were normalised by their kind. Secrets compare by value
 * (a live secret is read back from the API), and are displayed only as `(sensitive)`.
 */
export function attributeEqual(want: unknown, have: unknown): boolean {
  // Most attributes of a plan that matches are equal plain data: a walk, without a copy or text.
  if (samePlainData(want, have)) return true;
  // Scalars on both sides: no copy, no revealing (a secret is an object).
  if (typeof want !== 'object' && typeof have !== 'object') {
    return stableStringify(want) === stableStringify(have);
  }
  return stableStringify(reveal(want)) === stableStringify(reveal(have));
}

/**
 * True when both are the same JSON data: equal strings, booleans, finite numbers or null, arrays
 * of such, and plain objects with the same keys (in any order) holding such. Then their texts
 * below are equal too; false means "not sure" (a secret, undefined, a difference), and the texts
 * decide.
 */
function samePlainData(a: unknown, b: unknown): boolean {
  if (a === b) return a !== undefined && (typeof a !== 'number' || Number.isFinite(a));
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!samePlainData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype) return false;
  if (Object.getPrototypeOf(b) !== Object.prototype) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!samePlainData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
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
