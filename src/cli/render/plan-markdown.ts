import { hasChanges, type Plan } from '../../planner/plan-types.js';
import { leafChanges } from './display-values.js';
import { cell } from './drift-report.js';

const ICON = {
  create: '🟢 create',
  update: '🟡 update',
  replace: '🟣 replace',
  delete: '🔴 delete',
} as const;

/**
 * A plan for a pull-request comment: counts first, the steps in order as a table (destructive ones
 * marked), per-object details collapsed, and a Mermaid diagram of the order that GitHub renders.
 */
export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [`### edgeform plan for \`${plan.stack}\``, ''];
  if (plan.partial)
    out.push(`> **Partial plan**, limited to ${plan.targets.map((t) => `\`${t}\``).join(', ')}.`, '');
  for (const w of plan.warnings) out.push(`> ⚠️ ${w.address ? `\`${w.address}\`: ` : ''}${w.message}`);
  if (plan.warnings.length) out.push('');
  if (!hasChanges(plan)) {
    out.push('**No changes.** Live state matches the desired state.');
    return `${out.join('\n')}\n`;
  }
  const { add, change, destroy } = plan.summary;
  const destructive = plan.steps.filter((s) => s.destructive).length;
  out.push(
    `**Plan:** ${add} to add, ${change} to change, ${destroy} to destroy — ${plan.steps.length} API calls${destructive ? `, **${destructive} destructive**` : ''}.`,
    '',
  );
  out.push('| # | call | objects | after |', '|---|---|---|---|');
  plan.steps.forEach((s, i) => {
    const flag = s.destructive ? '⚠️ **' : '';
    const end = s.destructive ? '**' : '';
    out.push(
      `| ${i + 1} | ${flag}${s.action}${end} | ${s.addresses.length} | ${s.dependsOn.join(', ') || '—'} |`,
    );
  });
  out.push('', '<details><summary>Changes per object</summary>', '');
  for (const c of plan.changes) {
    if (c.kind === 'no-op') continue;
    out.push(`**${ICON[c.kind]}** \`${c.address}\``, '', '| field | before | after |', '|---|---|---|');
    for (const l of c.attributes.flatMap(leafChanges)) {
      out.push(
        `| \`${l.path}\`${l.forcesReplacement ? ' (forces replacement)' : ''} | ${cell(l.before ?? '—')} | ${cell(l.after ?? '—')} |`,
      );
    }
    out.push('');
  }
  out.push('</details>', '', '```mermaid', 'graph TD');
  plan.steps.forEach((s, i) => {
    out.push(`  ${mermaidId(s.id)}["${i + 1}. ${s.action.replace(/"/g, "'")} (${s.addresses.length})"]`);
    for (const d of s.dependsOn) out.push(`  ${mermaidId(d)} --> ${mermaidId(s.id)}`);
  });
  out.push('```');
  return `${out.join('\n')}\n`;
}

function mermaidId(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '_');
}
