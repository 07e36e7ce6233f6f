import { isPlainObject } from '../../core/json-types.js';
import type { AttributeChange, DisplayValue } from '../../planner/plan-types.js';

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

export function resourceName(address: string): string {
  const m = /\["([^"]+)"\]$/.exec(address);
  return m ? m[1]! : address;
}
