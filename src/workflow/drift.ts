import { leafChanges } from '../planner/display-values.js';
import type { ChangeKind, Plan } from '../planner/plan-types.js';
import { plan, type WorkflowOptions } from './run-plan.js';

export interface DriftField {
  path: string;
  /** What the YAML says (rendered); absent when the YAML removes the field. */
  desired?: string;
  /** What is live (rendered); absent when the field is missing live. */
  live?: string;
}

export interface DriftReport {
  formatVersion: '1.0';
  stack: string;
  checkedAt: string;
  inSync: boolean;
  objectsChecked: number;
  drifted: { address: string; type: string; kind: Exclude<ChangeKind, 'no-op'>; fields: DriftField[] }[];
  /** Objects in a transitional state: their values may still change, so they are not drift. */
  busy: { address: string; state: string }[];
  warnings: string[];
}

/** A drift report is a plan read the other way round: per object and field, desired vs live. */
export function buildDriftReport(plan: Plan): DriftReport {
  const busy = plan.changes.filter((c) => c.busy).map((c) => ({ address: c.address, state: c.busy! }));
  const drifted = plan.changes
    .filter((c) => c.kind !== 'no-op' && !c.busy)
    .map((c) => ({
      address: c.address,
      type: c.type,
      kind: c.kind as Exclude<ChangeKind, 'no-op'>,
      fields: c.attributes.flatMap(leafChanges).map((l) => ({
        path: l.path,
        ...(l.after !== undefined ? { desired: l.after } : {}),
        ...(l.before !== undefined ? { live: l.before } : {}),
      })),
    }));
  return {
    formatVersion: '1.0',
    stack: plan.stack,
    checkedAt: plan.createdAt,
    inSync: drifted.length === 0,
    objectsChecked: plan.changes.length,
    drifted,
    busy,
    warnings: plan.warnings.map((w) => (w.address ? `${w.address}: ${w.message}` : w.message)),
  };
}

/** `edgeform drift`: plan, then read the plan as a report of what differs. Never writes. */
export async function drift(opts: WorkflowOptions): Promise<{ plan: Plan; report: DriftReport }> {
  // A report, never applied: a value GAAP would refuse shows as drift instead of failing the run.
  const result = await plan({ ...opts, planChecks: false });
  return { plan: result.plan, report: buildDriftReport(result.plan) };
}
