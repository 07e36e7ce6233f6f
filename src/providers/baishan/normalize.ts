/**
 * Per-key normalisation of Baishan config values (the Baishan domain/config POST and GET documents),
 * so that a desired value and the live echo of the same configuration compare equal. One walker
 * serves two modes:
 *   - `compare`: the canonical form (sets sorted, names case-folded, referer type named, defaults
 *     filled, ineffective fields dropped, flags and unknown fields stripped);
 *   - `write`: the wire form used by write-forms.ts (user order and case kept, table wire types).
 */

import { isPlainObject, stableStringify } from '../../core/json.js';
import type { JsonValue } from '../../core/json-types.js';
import { isSecretValue, type SecretValue } from '../../core/secrets.js';
import type {
  FieldSpec,
  Fields,
  ListSpec,
  ObjectSpec,
  PatternSpec,
  ScalarSpec,
  SetSpec,
} from '../../model/baishan-key-specs.js';
import {
  BAISHAN_KEYS,
  type BaishanConfigKey,
  isBaishanConfigKey,
  REMOVABLE_KEYS,
  SECRET_FIELDS,
  whitelistUrls,
} from '../../model/baishan-keys.js';
import type { BaishanSettings } from '../../model/stack-types.js';

export type Side = 'desired' | 'live';
export type WalkMode = 'compare' | 'write';

export interface WalkContext {
  mode: WalkMode;
  side: Side;
  settings: BaishanSettings;
}

/**
 * Marks, on a canonical object, the fields whose omission from the desired state means "unchanged"
 * (https.ocsp). Non-enumerable, so it never shows in JSON, plans or deep-equality assertions.
 */
const UNCHANGED_WHEN_OMITTED: unique symbol = Symbol('edgeform.unchangedWhenOmitted');

/**
 * Canonical comparable form of one config key's value. Desired values may contain SecretValue
 * objects (kept as SecretValue); live values are plain JSON from GET. Returns undefined when the
 * value is equivalent to "key absent / server default state" (the documented off-forms).
 */
export function normalizeKey(key: string, value: unknown, side: Side, settings: BaishanSettings): unknown {
  if (!isBaishanConfigKey(key)) return value ?? undefined;
  if (value === undefined) return undefined;
  if (value === null) {
    // Desired null = "remove": for removable keys the target is the off state (= absent); for the
    // others there is no such state, and writeForm refuses it.
    return side === 'desired' && !REMOVABLE_KEYS.has(key) ? null : undefined;
  }
  const spec = BAISHAN_KEYS[key];
  const ctx: WalkContext = { mode: 'compare', side, settings };
  let canonical: unknown;
  if (key === 'visit_deny_whitelist') {
    const urls = whitelistUrls(value);
    canonical = urls === undefined ? value : canonicalSet(urls.map((u) => u.trim()).filter((u) => u !== ''));
    if (Array.isArray(canonical) && canonical.length === 0) return undefined;
  } else {
    canonical = walkValue(spec.value, preShape(key, value), ctx);
  }
  if (canonical !== undefined && spec.isOffState?.(canonical)) return undefined;
  return canonical;
}

/** The value in the shape its spec walks (a key may accept a convenience shape, C22). */
export function preShape(key: BaishanConfigKey, value: unknown): unknown {
  return BAISHAN_KEYS[key].preShape?.(value) ?? value;
}

// ---- the walker ---------------------------------------------------------------------------------

/** Normalises one value by its spec. Returns undefined for "absent"; un-normalisable input is kept. */
export function walkValue(spec: FieldSpec, value: unknown, ctx: WalkContext): unknown {
  if (value === undefined || value === null) return undefined;
  switch (spec.kind) {
    case 'object':
      return walkObject(spec, value, ctx);
    case 'list':
      return walkList(spec, value, ctx);
    case 'set':
      return walkSet(spec, value, ctx);
    case 'pattern':
      // Only reachable without a parent (never in the table); treat as a plain string.
      return value;
    case 'int':
    case 'strnum':
    case 'onoff':
    case 'yesno':
    case 'bool':
    case 'enum':
    case 'string':
    case 'secret':
    case 'refererType':
      return walkScalar(spec, value, ctx);
    default: {
      const never: never = spec;
      return never;
    }
  }
}

/** Each object spec's fields, split once (walkObject runs for every distinct value of a plan). */
interface ObjectLayout {
  entries: [string, FieldSpec][];
  patterns: [string, PatternSpec][];
}
const layouts = new WeakMap<ObjectSpec, ObjectLayout>();

function layoutOf(spec: ObjectSpec): ObjectLayout {
  let layout = layouts.get(spec);
  if (!layout) {
    const entries = Object.entries(spec.fields);
    layout = {
      entries,
      patterns: entries.filter((e): e is [string, PatternSpec] => e[1].kind === 'pattern'),
    };
    layouts.set(spec, layout);
  }
  return layout;
}

function walkObject(spec: ObjectSpec, value: unknown, ctx: WalkContext): unknown {
  if (!isPlainObject(value)) return value;
  // The fields found so far, a plain object (field names come from the table): the derived,
  // pattern and ineffective rules only read it.
  const got: Record<string, unknown> = {};
  const { entries, patterns } = layoutOf(spec);
  for (const [name, field] of entries) {
    if (field.kind === 'pattern') continue;
    const v = walkValue(field, value[name], ctx);
    if (v !== undefined) got[name] = v;
  }
  for (const [name, field] of entries) {
    if (Object.hasOwn(got, name)) continue;
    const d = staticDefault(field);
    if (d !== undefined) got[name] = d;
  }
  if (spec.derived) {
    for (const [name, d] of Object.entries(spec.derived(got))) {
      if (!Object.hasOwn(got, name) && d !== undefined) got[name] = d;
    }
  }
  for (const [name, field] of patterns) {
    const v = walkPattern(field, value[name], got, ctx);
    if (v !== undefined) got[name] = v;
  }
  if (spec.ineffective) for (const name of spec.ineffective(got)) delete got[name];
  // Output in the table's field order: deterministic payloads and plans.
  const out: Record<string, unknown> = {};
  for (const [name] of entries) if (Object.hasOwn(got, name)) out[name] = got[name];
  if (ctx.mode === 'compare' && spec.unchangedWhenOmitted) {
    Object.defineProperty(out, UNCHANGED_WHEN_OMITTED, {
      value: spec.unchangedWhenOmitted,
      enumerable: false,
    });
  }
  return out;
}

function staticDefault(field: FieldSpec): unknown {
  switch (field.kind) {
    case 'int':
    case 'strnum':
    case 'onoff':
    case 'yesno':
    case 'bool':
    case 'enum':
    case 'string':
      return field.default;
    default:
      return undefined;
  }
}

function walkPattern(spec: PatternSpec, value: unknown, parent: Fields, ctx: WalkContext): unknown {
  const v = value === undefined || value === null ? spec.default?.(parent) : value;
  if (v === undefined) return undefined;
  if (spec.isList(parent)) return walkSet({ kind: 'set', item: 'string', wire: 'comma' }, v, ctx);
  return typeof v === 'number' ? String(v) : v;
}

function walkList(spec: ListSpec, value: unknown, ctx: WalkContext): unknown {
  if (!Array.isArray(value)) return value;
  const items = value.map((v) => walkValue(spec.item, v, ctx)).filter((v) => v !== undefined);
  if (ctx.mode === 'write' || spec.order === 'ordered') return items;
  if (spec.order === 'multiset') {
    return items
      .map((item) => ({ item, k: stableStringify(withoutSecrets(item)) }))
      .sort((a, b) => compareStrings(a.k, b.k))
      .map((x) => x.item);
  }
  const field = spec.order.sortBy;
  const rank = (item: unknown): number => {
    const n = isPlainObject(item) ? item[field] : undefined;
    return typeof n === 'number' ? n : Number.POSITIVE_INFINITY;
  };
  return (
    items
      .map((item) => ({ item, r: rank(item), k: stableStringify(withoutSecrets(item)) }))
      // Infinity - Infinity is NaN (falsy): unranked items fall back to their content.
      .sort((a, b) => a.r - b.r || compareStrings(a.k, b.k))
      .map((x) => x.item)
  );
}

function walkSet(spec: SetSpec, value: unknown, ctx: WalkContext): unknown {
  let items: unknown[];
  if (typeof value === 'string') items = value.split(spec.wire === 'lines' ? /\r?\n/ : ',');
  else if (Array.isArray(value)) items = value;
  else return value;
  const out: unknown[] = [];
  for (const item of items) {
    const v = setItem(spec, item, ctx);
    if (v !== undefined) out.push(v);
  }
  if (ctx.mode === 'compare') return canonicalSet(out);
  const seen = new Set<string>();
  const unique = out.filter((v) => {
    const k = stableStringify(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (spec.wire === 'array') return unique;
  return unique.map(String).join(spec.wire === 'lines' ? '\n' : ',');
}

function setItem(spec: SetSpec, item: unknown, ctx: WalkContext): unknown {
  if (item === undefined || item === null) return undefined;
  let v: unknown = typeof item === 'string' ? item.trim() : item;
  if (v === '') return undefined;
  if (spec.item === 'int') v = toInt(v);
  else if (spec.item === 'errorCode') {
    if (typeof v === 'number' && Number.isInteger(v)) v = String(v);
    // NOTE: C2 — `5xx` (table A) vs `5XX` (table B): one code, spelled per settings on write.
    if (typeof v === 'string' && /^5xx$/i.test(v))
      v = ctx.mode === 'compare' ? '5xx' : ctx.settings.cacheErrorCode5xx;
  } else if (typeof v === 'number') v = String(v);
  if (spec.ci && ctx.mode === 'compare' && typeof v === 'string') v = v.toLowerCase();
  return v;
}

/** Sorted, de-duplicated: the canonical form of every set. */
function canonicalSet(items: readonly unknown[]): unknown[] {
  // Most sets are of strings (hosts, names, paths): their JSON texts are as distinct as they are.
  if (items.every((v) => typeof v === 'string')) return [...new Set(items as string[])].sort(compareStrings);
  const byKey = new Map<string, unknown>();
  for (const v of items) byKey.set(stableStringify(v), v);
  const values = [...byKey.values()];
  if (values.every((v) => typeof v === 'number')) return (values as number[]).sort((a, b) => a - b);
  if (values.every((v) => typeof v === 'string')) return (values as string[]).sort(compareStrings);
  return [...byKey.entries()].sort((a, b) => compareStrings(a[0], b[0])).map(([, v]) => v);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function walkScalar(spec: ScalarSpec, value: unknown, ctx: WalkContext): unknown {
  switch (spec.kind) {
    case 'int':
      return toInt(value);
    case 'strnum': {
      if (typeof value === 'number' && Number.isInteger(value)) return String(value);
      if (typeof value !== 'string') return value;
      const t = value.trim();
      if (t === '') return undefined;
      return /^-?\d+$/.test(t) ? t.replace(/^(-?)0+(?=\d)/, '$1') : value;
    }
    case 'onoff':
      return toSwitch(value, 'on', 'off');
    case 'yesno':
      return toSwitch(value, 'yes', 'no');
    case 'bool': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        const t = value.trim().toLowerCase();
        if (t === 'true') return true;
        if (t === 'false') return false;
      }
      return value;
    }
    case 'enum':
      return value;
    case 'string':
      if (typeof value === 'number') return String(value);
      if (spec.ci && ctx.mode === 'compare' && typeof value === 'string') return value.toLowerCase();
      return value;
    case 'secret':
      return value;
    case 'refererType':
      return refererType(value, ctx);
    default: {
      const never: never = spec;
      return never;
    }
  }
}

/** §5.3 rule 1. Digit strings parse; `""` is absent; anything else is kept so that it diffs. */
function toInt(value: unknown): unknown {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return value;
  const t = value.trim();
  if (t === '') return undefined;
  if (/^-?\d+$/.test(t)) {
    const n = Number.parseInt(t, 10);
    if (Number.isSafeInteger(n)) return n;
  }
  return value;
}

/** §5.3 rule 4: booleans map to the switch vocabulary; case folds; any other value is kept as-is. */
function toSwitch(value: unknown, on: string, off: string): unknown {
  if (value === true) return on;
  if (value === false) return off;
  if (typeof value !== 'string') return value;
  const t = value.trim().toLowerCase();
  if (t === on || t === 'true') return on;
  if (t === off || t === 'false') return off;
  return value;
}

type RefererName = 'blacklist' | 'whitelist';

/**
 * NOTE: C1 — [001] (POST) says 1 = blacklist, 2 = whitelist; [003] (GET) says the reverse. The YAML
 * always uses the POST numbering (or the names); settings.refererTypeMapping decides the wire
 * numbering, and live values are read with the same mapping. The mapping is never inferred from GET.
 */
function refererType(value: unknown, ctx: WalkContext): unknown {
  let name: RefererName | undefined;
  if (value === 'blacklist' || value === 'whitelist') name = value;
  else {
    const n = toInt(value);
    if (n === 1 || n === 2) {
      const flip = ctx.side === 'live' && ctx.settings.refererTypeMapping === 'get-doc';
      name = (n === 1) !== flip ? 'blacklist' : 'whitelist';
    }
  }
  if (name === undefined) return value;
  if (ctx.mode === 'compare') return name;
  const getDoc = ctx.settings.refererTypeMapping === 'get-doc';
  return (name === 'blacklist') !== getDoc ? 1 : 2;
}

// ---- equality and display -----------------------------------------------------------------------

/**
 * Deep equality of two normalised values. A SecretValue equals a string with the same revealed
 * value; a live secret that is masked ('***', '') or absent counts as equal (write-only field, C43).
 */
export function valuesEqual(desired: unknown, live: unknown): boolean {
  if (isSecretValue(desired)) return secretMatches(desired, live);
  if (isSecretValue(live)) return secretMatches(live, desired);
  if (desired === undefined || desired === null) return live === undefined || live === null;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      live.length === desired.length &&
      desired.every((d, i) => valuesEqual(d, live[i]))
    );
  }
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) return false;
    const omittable = new Set<string>([...unchangedWhenOmitted(desired), ...unchangedWhenOmitted(live)]);
    for (const [k, d] of Object.entries(desired)) {
      if (d === undefined) continue;
      const l = live[k];
      if (l === undefined && isSecretValue(d)) continue;
      if (!valuesEqual(d, l)) return false;
    }
    for (const [k, l] of Object.entries(live)) {
      if (l === undefined || desired[k] !== undefined) continue;
      if (!omittable.has(k)) return false;
    }
    return true;
  }
  return desired === live;
}

function unchangedWhenOmitted(o: object): readonly string[] {
  return (o as { [UNCHANGED_WHEN_OMITTED]?: readonly string[] })[UNCHANGED_WHEN_OMITTED] ?? [];
}

/** True for what a server returns instead of a write-only secret. */
export function isMaskedSecret(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && /^\**$/.test(v));
}

function secretMatches(secret: SecretValue, other: unknown): boolean {
  if (isMaskedSecret(other)) return true;
  if (isSecretValue(other)) return other.fingerprint === secret.fingerprint;
  return typeof other === 'string' && other === secret.reveal();
}

/**
 * JSON for display in plans: SecretValue → {$sensitive: true}; values at secret paths (live ones,
 * masked or not) are masked the same way.
 */
export function toDisplay(key: string, normalized: unknown): JsonValue {
  const paths = new Set(SECRET_FIELDS.filter((f) => f.key === key).map((f) => f.path));
  const out = displayAt(normalized, '', paths);
  return out === undefined ? null : out;
}

function displayAt(v: unknown, path: string, secretPaths: ReadonlySet<string>): JsonValue | undefined {
  if (v === undefined) return undefined;
  if (isSecretValue(v) || (path !== '' && secretPaths.has(path))) return { $sensitive: true };
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map((x) => displayAt(x, `${path}[]`, secretPaths) ?? null);
  if (isPlainObject(v)) {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) {
      const d = displayAt(x, path === '' ? k : `${path}.${k}`, secretPaths);
      if (d !== undefined) out[k] = d;
    }
    return out;
  }
  return String(v);
}

/** The value with every SecretValue (and every value at a secret field) removed: for sort keys. */
function withoutSecrets(v: unknown): unknown {
  if (isSecretValue(v)) return undefined;
  if (Array.isArray(v)) return v.map(withoutSecrets);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (SECRET_FIELD_NAMES.has(k)) continue;
      out[k] = withoutSecrets(x);
    }
    return out;
  }
  return v;
}

const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set(
  SECRET_FIELDS.map((f) => f.path.split('.').pop() ?? f.path),
);
