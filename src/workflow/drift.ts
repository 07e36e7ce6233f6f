import { isPlainObject } from '../core/json.js';
import { attributePatch } from '../planner/attribute-patch.js';
import type { AttributeChange, ChangeKind, DisplayValue, JsonPatchOp, Plan } from '../planner/plan-types.js';
import { plan, type WorkflowOptions } from './run-plan.js';

/**
 * One field that differs, with values as the plan JSON carries them (numbers are numbers, lists are
 * lists; a secret is `{"$sensitive": true}`), never JSON-encoded strings.
 */
export interface DriftField {
  /** Dotted path under the object: objects are walked to the field that differs. */
  path: string;
  /** What is live; absent when the field is missing live. */
  live?: DisplayValue;
  /** What the YAML says; absent when the YAML removes the field. */
  desired?: DisplayValue;
  /** When both are lists: the RFC 6902 operations that turn `live` into `desired`. */
  patch?: JsonPatchOp[];
}

export const DRIFT_FORMAT_VERSION = '1.0';

export interface DriftReport {
  formatVersion: typeof DRIFT_FORMAT_VERSION;
  stack: string;
  checkedAt: string;
  inSync: boolean;
  objectsChecked: number;
  drifted: { address: string; type: string; kind: Exclude<ChangeKind, 'no-op'>; fields: DriftField[] }[];
  /** Objects in a transitional state: their values may still change, so they are not drift. */
  busy: { address: string; state: string }[];
  warnings: string[];
}

/** A drift report is a plan read the other way round: per object and field, live vs desired. */
export function buildDriftReport(plan: Plan): DriftReport {
  const busy = plan.changes.filter((c) => c.busy).map((c) => ({ address: c.address, state: c.busy! }));
  const drifted = plan.changes
    .filter((c) => c.kind !== 'no-op' && !c.busy)
    .map((c) => ({
      address: c.address,
      type: c.type,
      kind: c.kind as Exclude<ChangeKind, 'no-op'>,
      fields: c.attributes.flatMap(driftFields),
    }));
  return {
    formatVersion: DRIFT_FORMAT_VERSION,
    stack: plan.stack,
    checkedAt: plan.createdAt,
    inSync: drifted.length === 0,
    objectsChecked: plan.changes.length,
    drifted,
    busy,
    warnings: plan.warnings.map((w) => (w.address ? `${w.address}: ${w.message}` : w.message)),
  };
}

type DisplayObject = { [k: string]: DisplayValue };
const isObject = (v: DisplayValue | undefined): v is DisplayObject =>
  isPlainObject(v) && !('$sensitive' in v) && !('$knownAfterApply' in v);

/**
 * An attribute change as the fields that differ: objects present on both sides are walked key by
 * key (a one-field edit inside a large config key is one field), values are kept as values.
 */
export function driftFields(a: AttributeChange): DriftField[] {
  const out: DriftField[] = [];
  const walk = (path: string, live: DisplayValue | undefined, desired: DisplayValue | undefined) => {
    if (isObject(live) && isObject(desired)) {
      for (const k of new Set([...Object.keys(live), ...Object.keys(desired)])) {
        walk(`${path}.${k}`, (live as DisplayObject)[k], (desired as DisplayObject)[k]);
      }
      return;
    }
    if (JSON.stringify(live) === JSON.stringify(desired)) return;
    out.push(field(path, live, desired));
  };
  walk(a.path, a.before, a.after);
  // Equal display values (two different secrets both shown as sensitive): still one field.
  return out.length > 0 ? out : [field(a.path, a.before, a.after)];
}

function field(path: string, live: DisplayValue | undefined, desired: DisplayValue | undefined): DriftField {
  const f: DriftField = { path };
  if (live !== undefined) f.live = live;
  if (desired !== undefined) f.desired = desired;
  const patch = Array.isArray(live) && Array.isArray(desired) ? attributePatch(live, desired) : undefined;
  if (patch && patch.length > 0) f.patch = patch;
  return f;
}

/** `edgeform drift`: plan, then read the plan as a report of what differs. Never writes. */
export async function drift(opts: WorkflowOptions): Promise<{ plan: Plan; report: DriftReport }> {
  // A report, never applied: a value GAAP would refuse shows as drift instead of failing the run.
  const result = await plan({ ...opts, planChecks: false });
  return { plan: result.plan, report: buildDriftReport(result.plan) };
}
