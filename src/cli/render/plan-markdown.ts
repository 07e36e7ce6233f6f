import { hasChanges, type Plan } from '../../planner/plan-types.js';
import { leafChanges } from './display-values.js';

const ICON = {
  create: '🟢 create',
  update: '🟡 update',
  replace: '🟣 replace',
  delete: '🔴 delete',
} as const;

export interface PlanMarkdownOptions {
  /**
   * Upper bound of the output, in characters. GitHub refuses comments over 65,536 characters; past
   * this budget the per-object details are cut short and point at the saved plan instead.
   */
  maxChars?: number;
  /** Values longer than this are shortened in the tables (the saved plan keeps them whole). */
  maxValueChars?: number;
  /** The Mermaid diagram is left out of plans with more steps than this (GitHub renders it poorly). */
  maxDiagramSteps?: number;
}

const DEFAULTS: Required<PlanMarkdownOptions> = { maxChars: 60_000, maxValueChars: 160, maxDiagramSteps: 40 };
const MAX_STEP_ROWS = 300;

/**
 * A plan for a pull-request comment: counts first, the steps in order as a table (destructive ones
 * marked), per-object details collapsed, and a Mermaid diagram of the order that GitHub renders.
 */
export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions = {}): string {
  const o = { ...DEFAULTS, ...options };
  const out: string[] = [`### edgeform plan for ${code(plan.stack)}`, ''];
  if (plan.partial) {
    out.push(
      `> **Partial plan**, limited to ${plan.targets.map(code).join(', ')}. Objects outside the targets were not compared.`,
      '',
    );
  }
  for (const w of plan.warnings) {
    out.push(`> ⚠️ ${w.address ? `${code(w.address)}: ` : ''}${text(w.message)}`, '>');
  }
  if (plan.warnings.length) out.splice(out.length - 1, 1, '');
  if (!hasChanges(plan)) {
    out.push('**No changes.** Live state matches the desired state.');
    return `${out.join('\n')}\n`;
  }

  const { add, change, destroy } = plan.summary;
  const destructive = plan.steps.filter((s) => s.destructive).length;
  const calls = plural(plan.steps.length, 'API call');
  out.push(
    `**Plan:** ${add} to add, ${change} to change, ${destroy} to destroy — ${calls}${destructive ? `, **⚠️ ${destructive} destructive**` : ''}.`,
    '',
  );

  const index = new Map(plan.steps.map((s, i) => [s.id, i + 1]));
  out.push('| # | call | what | objects | after |', '|--:|---|---|--:|---|');
  for (const [i, s] of plan.steps.entries()) {
    if (i === MAX_STEP_ROWS) {
      out.push(`| … | ${plan.steps.length - MAX_STEP_ROWS} more steps: see the saved plan | | | |`);
      break;
    }
    const call = s.destructive ? `⚠️ **${cellCode(s.action)}**` : cellCode(s.action);
    const what = s.summary.startsWith(`${s.action} `) ? s.summary.slice(s.action.length + 1) : s.summary;
    // A code span for the summary: domain names in plain text would become links on GitHub.
    // Plain step numbers: `#3` would link to issue 3 in a GitHub comment.
    const after =
      s.dependsOn.map((d) => (index.has(d) ? String(index.get(d)) : cellCode(d))).join(', ') || '—';
    out.push(
      `| ${i + 1} | ${call} | ${cellCode(shorten(what, o.maxValueChars))} | ${s.addresses.length} | ${after} |`,
    );
  }

  // The diagram comes before the details so that a long plan cut to size keeps it.
  const diagram = plan.steps.length <= o.maxDiagramSteps ? mermaid(plan) : [];
  const tail =
    diagram.length > 0
      ? ['', ...diagram]
      : ['', `_The order diagram is left out of plans with more than ${o.maxDiagramSteps} steps._`];

  out.push('', '<details><summary>Changes per object</summary>', '');
  const used = () => out.join('\n').length + tail.join('\n').length + 200;
  const changed = plan.changes.filter((c) => c.kind !== 'no-op');
  for (const [n, c] of changed.entries()) {
    const block = [`**${ICON[c.kind as keyof typeof ICON]}** ${code(c.address)}`, ''];
    if (c.reason) block.push(`_${text(c.reason)}_`, '');
    block.push('| field | before | after |', '|---|---|---|');
    for (const l of c.attributes.flatMap(leafChanges)) {
      block.push(
        `| ${cellCode(l.path)}${l.forcesReplacement ? ' **(forces replacement)**' : ''} | ${valueCell(l.before, o.maxValueChars)} | ${valueCell(l.after, o.maxValueChars)} |`,
      );
    }
    block.push('');
    if (used() + block.join('\n').length > o.maxChars) {
      out.push(
        `_… and ${plural(changed.length - n, 'more object')}: the comment is cut to fit; the saved plan (\`edgeform plan --out\`) has every change._`,
        '',
      );
      break;
    }
    out.push(...block);
  }
  out.push('</details>', ...tail);
  return `${out.join('\n')}\n`;
}

function mermaid(plan: Plan): string[] {
  // Ids by position: step ids may hold characters Mermaid reads as syntax, or words like `end`.
  const id = new Map(plan.steps.map((s, i) => [s.id, `s${i + 1}`]));
  const lines = ['```mermaid', 'graph TD'];
  for (const [i, s] of plan.steps.entries()) {
    const label = `${i + 1}. ${s.action} (${plural(s.addresses.length, 'object')})${s.destructive ? ' ⚠️' : ''}`;
    lines.push(`  s${i + 1}["${label.replace(/["\\`]/g, "'").replace(/[<>]/g, '')}"]`);
  }
  for (const s of plan.steps) {
    for (const d of s.dependsOn) if (id.has(d)) lines.push(`  ${id.get(d)} --> ${id.get(s.id)}`);
  }
  for (const [i, s] of plan.steps.entries()) {
    if (s.destructive) lines.push(`  style s${i + 1} stroke:#d00,stroke-width:2px`);
  }
  lines.push('```');
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * An inline code span that survives any content: a fence longer than the longest backtick run
 * inside, on one line.
 */
export function code(s: string): string {
  const flat = s.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || longest > 0 ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A code span in a table cell: `|` escaped, since GitHub splits cells before it parses code spans. */
export function cellCode(s: string): string {
  return code(s.replace(/\|/g, '\\|'));
}

/** Plain text with Markdown and HTML syntax escaped, on one line. */
export function text(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/([\\`*_[\]<>#|~])/g, '\\$1');
}

function valueCell(v: string | undefined, max: number): string {
  return v === undefined ? '—' : cellCode(shorten(v, max));
}

/** Keeps the start of a long value and says how much was cut. */
export function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max)}… (${s.length - max} more characters)`;
}
