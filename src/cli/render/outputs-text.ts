import { renderValue } from '../../planner/display-values.js';
import type { ResourceOutputs } from '../../planner/plan-types.js';
import type { Colors } from '../colors.js';

/**
 * Server-assigned values, one block per object: the ID, a proxy's access domain and IPs, a
 * global domain's CNAME target. Values are JSON, as in a plan.
 */
export function renderOutputsText(outputs: readonly ResourceOutputs[], c: Colors): string {
  const out: string[] = [];
  for (const o of outputs) {
    const keys = Object.keys(o.values);
    if (keys.length === 0) continue;
    const width = Math.max(...keys.map((k) => k.length));
    out.push(`  ${c.bold(o.address)}`);
    for (const k of keys) out.push(`      ${k.padEnd(width)} = ${renderValue(o.values[k])}`);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/**
 * What an apply report shows: the objects this run created or replaced, and every object whose
 * outputs say more than its ID (where to point DNS). The full list is `edgeform outputs`.
 */
export function outputsWorthShowing(
  outputs: readonly ResourceOutputs[],
  touched: ReadonlySet<string>,
): ResourceOutputs[] {
  return outputs.filter((o) => touched.has(o.address) || Object.keys(o.values).some((k) => k !== 'id'));
}
