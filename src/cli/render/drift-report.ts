import { leafChanges } from '../../planner/display-values.js';
import type { DriftField, DriftReport } from '../../workflow/drift.js';
import type { Colors } from '../colors.js';

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
    for (const l of d.fields.flatMap(lines)) out.push(`    ${l.path}: live ${l.live}, desired ${l.desired}`);
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
    for (const l of d.fields.flatMap(lines))
      out.push(`| \`${d.address}\` | \`${l.path}\` | ${cell(l.live)} | ${cell(l.desired)} |`);
  }
  return `${out.join('\n')}\n${tail}`;
}

export function cell(s: string): string {
  return `\`${s.replace(/\|/g, '\\|').replace(/`/g, "'")}\``;
}

/**
 * A field as the lines a reviewer reads: a list change as the elements that changed (as in the
 * plan), each side as text; `(absent)` live, `(removed)` from the YAML.
 */
function lines(f: DriftField): { path: string; live: string; desired: string }[] {
  const attr = {
    path: f.path,
    ...(f.live === undefined ? {} : { before: f.live }),
    ...(f.desired === undefined ? {} : { after: f.desired }),
  };
  return leafChanges(attr).map((l) => ({
    path: l.path,
    live: l.before ?? '(absent)',
    desired: l.after ?? '(removed)',
  }));
}
