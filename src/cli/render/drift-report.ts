import type { ChangeKind, Plan } from '../../planner/plan-types.js';
import type { Colors } from '../colors.js';
import { leafChanges } from './display-values.js';

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

export function renderDriftText(r: DriftReport, c: Colors): string {
  const busy = r.busy.map(
    (b) => `  ${c.dim('busy')} ${b.address} (${b.state}): not compared until it settles`,
  );
  if (r.inSync) {
    const head = `${c.green('In sync.')} ${r.objectsChecked} objects of stack ${r.stack} match the desired state.`;
    return `${[head, ...busy].join('\n')}\n`;
  }
  const out = [
    c.yellow(
      `Drift detected: ${r.drifted.length} of ${r.objectsChecked} objects differ from the desired state.`,
    ),
    '',
  ];
  for (const d of r.drifted) {
    out.push(c.bold(`  ${d.address}`));
    for (const f of d.fields)
      out.push(`    ${f.path}: live ${f.live ?? '(absent)'}, desired ${f.desired ?? '(removed)'}`);
  }
  if (busy.length) out.push('', ...busy);
  out.push('', 'Run `edgeform apply` to bring the live state back to the desired state.');
  return `${out.join('\n')}\n`;
}

export function renderDriftMarkdown(r: DriftReport): string {
  const busy = r.busy.map((b) => `- ⏳ \`${b.address}\` is busy (${b.state}): not compared until it settles`);
  const tail = busy.length ? `\n${busy.join('\n')}\n` : '';
  if (r.inSync)
    return `### ✅ No drift\n\n${r.objectsChecked} objects of stack \`${r.stack}\` match the desired state.\n${tail}`;
  const out = [
    `### ⚠️ Drift detected in stack \`${r.stack}\``,
    '',
    `${r.drifted.length} of ${r.objectsChecked} objects differ (checked ${r.checkedAt}).`,
    '',
    '| object | field | live | desired |',
    '|---|---|---|---|',
  ];
  for (const d of r.drifted) {
    for (const f of d.fields)
      out.push(
        `| \`${d.address}\` | \`${f.path}\` | ${cell(f.live ?? '(absent)')} | ${cell(f.desired ?? '(removed)')} |`,
      );
  }
  return `${out.join('\n')}\n${tail}`;
}

export function cell(s: string): string {
  return `\`${s.replace(/\|/g, '\\|').replace(/`/g, "'")}\``;
}
