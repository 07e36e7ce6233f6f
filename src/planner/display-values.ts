import { isPlainObject } from '../core/json.js';
import { attributePatch } from './attribute-patch.js';
import type { AttributeChange, DisplayValue, JsonPatchOp } from './plan-types.js';

export interface LeafChange {
  path: string;
  op: '+' | '-' | '~';
  before?: string;
  after?: string;
  forcesReplacement: boolean;
}

export function renderValue(v: DisplayValue | undefined): string {
  if (v === undefined) return 'null';
  const marker = markerText(v);
  if (marker) return marker;
  // Markers nested in arrays (a secret inside a list entry) print as their text too.
  return JSON.stringify(v, (_k, x: unknown) => markerText(x) ?? x);
}

function markerText(v: unknown): string | undefined {
  if (!isPlainObject(v)) return undefined;
  if (v.$sensitive === true) return '(sensitive)';
  if (v.$knownAfterApply === true) return '(known after apply)';
  return undefined;
}

const isWalkable = (v: unknown): v is Record<string, DisplayValue | undefined> =>
  isPlainObject(v) && markerText(v) === undefined;

/**
 * Expands an attribute change into leaf changes: objects present on both sides are walked field
 * by field, so a one-field edit inside a large config key reads as one line.
 */
export function leafChanges(a: AttributeChange): LeafChange[] {
  const out: LeafChange[] = [];
  const force = a.forcesReplacement ?? false;
  const walk = (path: string, before: DisplayValue | undefined, after: DisplayValue | undefined) => {
    // Objects are walked field by field, also when added or removed whole, so a nested secret
    // shows as `(sensitive)` on its own line and a one-field edit reads as one line.
    const b: unknown = before === undefined ? (isWalkable(after) ? {} : undefined) : before;
    const a: unknown = after === undefined ? (isWalkable(before) ? {} : undefined) : after;
    if (isWalkable(b) && isWalkable(a) && (Object.keys(b).length > 0 || Object.keys(a).length > 0)) {
      const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
      for (const k of keys) {
        walk(`${path}.${k}`, before === undefined ? undefined : b[k], after === undefined ? undefined : a[k]);
      }
      return;
    }
    if (before === undefined && after === undefined) return;
    if (before !== undefined && after !== undefined && JSON.stringify(before) === JSON.stringify(after))
      return;
    const elements = listElements(path, before, after);
    if (elements) {
      for (const e of elements) out.push({ ...e, forcesReplacement: force });
      return;
    }
    const leaf: LeafChange = {
      path,
      op: before === undefined ? '+' : after === undefined ? '-' : '~',
      forcesReplacement: force,
    };
    if (before !== undefined) leaf.before = renderValue(before);
    if (after !== undefined) leaf.after = renderValue(after);
    out.push(leaf);
  };
  walk(a.path, a.before, a.after);
  if (out.length === 0) {
    // Equal display values (e.g. two secrets): still one line, so the change is visible.
    out.push({
      path: a.path,
      op: '~',
      before: renderValue(a.before),
      after: renderValue(a.after),
      forcesReplacement: force,
    });
  }
  return out;
}

/** More element lines than this and the list reads better whole. */
const MAX_ELEMENT_LINES = 8;
/** A list added or removed whole is shown one element a line when longer than this. */
const LONG_LIST_CHARS = 100;

const isScalar = (v: unknown) => v === null || typeof v !== 'object';

/**
 * A list change as element lines, when that is shorter to read than the whole list twice:
 * - lists of plain values are sets to a reviewer: `+ referer.list[] = "b.example.com"` per added or
 *   removed value (a pure reorder falls back to the whole list);
 * - lists of objects: the RFC 6902 operations from `before` to `after` (`~ realServers[0].weight = 70 -> 50`);
 * - a long list of objects added or removed whole: one element a line (`+ cache_rule_list[0] = {…}`).
 */
function listElements(
  path: string,
  before: DisplayValue | undefined,
  after: DisplayValue | undefined,
): Omit<LeafChange, 'forcesReplacement'>[] | undefined {
  if (before === undefined || after === undefined) {
    const whole = before ?? after;
    if (!Array.isArray(whole) || whole.every(isScalar) || renderValue(whole).length <= LONG_LIST_CHARS)
      return undefined;
    const op = before === undefined ? '+' : '-';
    return whole.map((v, i) =>
      op === '+'
        ? { path: `${path}[${i}]`, op, after: renderValue(v) }
        : { path: `${path}[${i}]`, op, before: renderValue(v) },
    );
  }
  if (!Array.isArray(before) || !Array.isArray(after)) return undefined;
  let lines: Omit<LeafChange, 'forcesReplacement'>[];
  if (before.every(isScalar) && after.every(isScalar)) {
    const has = (list: readonly unknown[], v: unknown) =>
      list.some((x) => JSON.stringify(x) === JSON.stringify(v));
    lines = [
      ...before
        .filter((v) => !has(after, v))
        .map((v) => ({ path: `${path}[]`, op: '-' as const, before: renderValue(v) })),
      ...after
        .filter((v) => !has(before, v))
        .map((v) => ({ path: `${path}[]`, op: '+' as const, after: renderValue(v) })),
    ];
  } else {
    lines = (attributePatch(before, after) ?? []).map((op) => patchLine(path, before, op));
  }
  return lines.length === 0 || lines.length > MAX_ELEMENT_LINES ? undefined : lines;
}

function patchLine(
  path: string,
  before: DisplayValue,
  op: JsonPatchOp,
): Omit<LeafChange, 'forcesReplacement'> {
  const at = `${path}${pointerToPath(op.path)}`;
  const old = () => renderValue(valueAt(before, op.path));
  switch (op.op) {
    case 'add':
      return { path: at, op: '+', after: renderValue(op.value) };
    case 'remove':
      return { path: at, op: '-', before: old() };
    case 'replace':
      return { path: at, op: '~', before: old(), after: renderValue(op.value) };
    case 'test':
    case 'move':
    case 'copy':
      // compare() emits none of these; shown plainly should a future version do so.
      return { path: at, op: '~', after: JSON.stringify(op) };
    default: {
      const never: never = op;
      throw new Error(`unknown patch op ${JSON.stringify(never)}`);
    }
  }
}

/** `/0/weight` → `[0].weight` (RFC 6901 escapes undone). */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((t) =>
      /^\d+$/.test(t) ? `[${t}]` : /^[A-Za-z_$][\w$-]*$/.test(t) ? `.${t}` : `[${JSON.stringify(t)}]`,
    )
    .join('');
}

function valueAt(root: DisplayValue, pointer: string): DisplayValue | undefined {
  let node: unknown = root;
  for (const t of pointer.split('/').slice(1)) {
    const key = t.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isPlainObject(node)) node = node[key];
    else return undefined;
  }
  return node as DisplayValue | undefined;
}

export function resourceName(address: string): string {
  const m = /\["([^"]+)"\]$/.exec(address);
  return m ? m[1]! : address;
}
