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
  const o = isPlainObject(v) ? (v as Record<string, unknown>) : undefined;
  if (o?.$sensitive === true) return '(sensitive)';
  if (o?.$knownAfterApply === true) return '(known after apply)';
  return JSON.stringify(v);
}

/**
 * Expands an attribute change into leaf changes: objects present on both sides are walked field
 * by field, so a one-field edit inside a large config key reads as one line.
 */
export function leafChanges(a: AttributeChange): LeafChange[] {
  const out: LeafChange[] = [];
  const force = a.forcesReplacement ?? false;
  const walk = (path: string, before: DisplayValue | undefined, after: DisplayValue | undefined) => {
    const bothObjects =
      isPlainObject(before) && isPlainObject(after) && !('$sensitive' in before) && !('$sensitive' in after);
    if (bothObjects) {
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
      const b = before as Record<string, DisplayValue | undefined>;
      const a = after as Record<string, DisplayValue | undefined>;
      for (const k of keys) walk(`${path}.${k}`, b[k], a[k]);
      return;
    }
    if (before === undefined && after === undefined) return;
    if (before !== undefined && after !== undefined && JSON.stringify(before) === JSON.stringify(after)) return;
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
    out.push({ path: a.path, op: '~', before: renderValue(a.before), after: renderValue(a.after), forcesReplacement: force });
  }
  return out;
}

export function resourceName(address: string): string {
  const m = /\["([^"]+)"\]$/.exec(address);
  return m ? m[1]! : address;
}
