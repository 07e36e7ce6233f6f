import { hasChanges } from '../../planner/plan-summary.js';
import type { Plan } from '../../planner/plan-types.js';
import { groupChanges } from './change-groups.js';
import { formatPrice, pricedCreates } from './prices.js';
import { liveNames, stepSummary } from './step-names.js';

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

const DEFAULTS: Required<PlanMarkdownOptions> = { maxChars: 60_000, maxValueChars: 400, maxDiagramSteps: 40 };
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
  const priced = pricedCreates(plan);
  if (priced.rows.length > 0) {
    const each = priced.rows.map((r) => `${code(r.address)} ${formatPrice(r.price)}`).join(', ');
    out.push(`**New proxies, list price:** ${priced.totals.join(', ')} (${each}).`, '');
  }

  const index = new Map(plan.steps.map((s, i) => [s.id, i + 1]));
  const names = liveNames(plan);
  out.push('| # | call | what | objects | after |', '|--:|---|---|--:|---|');
  for (const [i, s] of plan.steps.entries()) {
    if (i === MAX_STEP_ROWS) {
      out.push(`| … | ${plan.steps.length - MAX_STEP_ROWS} more steps: see the saved plan | | | |`);
      break;
    }
    const call = s.destructive ? `⚠️ **${cellCode(s.action)}**` : cellCode(s.action);
    const summary = stepSummary(s, names);
    const what = summary.startsWith(`${s.action} `) ? summary.slice(s.action.length + 1) : summary;
    // A code span for the summary: domain names in plain text would become links on GitHub.
    // Plain step numbers: `#3` would link to issue 3 in a GitHub comment.
    const after =
      s.dependsOn.map((d) => (index.has(d) ? String(index.get(d)) : cellCode(d))).join(', ') || '—';
    out.push(
      `| ${i + 1} | ${call} | ${cellCode(shorten(what, o.maxValueChars))} | ${s.addresses.length} | ${after} |`,
    );
  }

  // The diagram comes before the details so that a long plan cut to size keeps it.
  const edges = orderEdges(plan);
  const tail =
    edges.length === 0
      ? []
      : plan.steps.length <= o.maxDiagramSteps
        ? ['', ...mermaid(plan, edges)]
        : ['', `_The order diagram is left out of plans with more than ${o.maxDiagramSteps} steps._`];

  out.push('', '<details><summary>Changes per object</summary>', '');
  const used = () => out.join('\n').length + tail.join('\n').length + 200;
  const groups = groupChanges(plan.changes);
  for (const [n, g] of groups.entries()) {
    const single = g.objects.length === 1 ? g.objects[0] : undefined;
    const who = single
      ? `${code(single.address)}${single.id ? ` (${code(single.id)})` : ''}`
      : `${g.objects.length} × ${code(g.addressType)}`;
    const block = [`**${ICON[g.kind]}** ${who}`, ''];
    if (g.reason) block.push(`_${text(g.reason)}_`, '');
    if (g.busy) block.push(`_busy: ${text(g.busy)}; its live values may still change_`, '');
    for (const b of g.blocks) {
      if (!single) {
        const names = b.objects.map((x) => code(x.name)).join(', ');
        block.push(
          b.objects.length === g.objects.length
            ? `All ${b.objects.length}: ${names}`
            : `${b.objects.length}: ${names}`,
          '',
        );
      }
      if (b.leaves.length === 0) {
        if (g.kind === 'delete') block.push('_the whole object_', '');
        continue;
      }
      block.push('| field | before | after |', '|---|---|---|');
      for (const l of b.leaves) {
        block.push(
          `| ${cellCode(l.path)}${l.forcesReplacement ? ' **(forces replacement)**' : ''} | ${valueCell(l.before, o.maxValueChars)} | ${valueCell(l.after, o.maxValueChars)} |`,
        );
      }
      block.push('');
    }
    if (used() + block.join('\n').length > o.maxChars) {
      const left = groups.slice(n).reduce((k, x) => k + x.objects.length, 0);
      out.push(
        `_… and ${plural(left, 'more object')}: the comment is cut to fit; the saved plan (\`edgeform plan --out\`, \`edgeform show\`) has every change._`,
        '',
      );
      break;
    }
    out.push(...block);
  }
  out.push('</details>', ...tail);
  return `${out.join('\n')}\n`;
}

/**
 * The edges of the step order with every edge implied by a longer path removed (the transitive
 * reduction): `a → b → c` does not also draw `a → c`. As step indexes, `from` before `to`.
 */
export function orderEdges(plan: Pick<Plan, 'steps'>): [number, number][] {
  const index = new Map(plan.steps.map((s, i) => [s.id, i]));
  const deps = plan.steps.map((s) => [
    ...new Set(s.dependsOn.filter((d) => index.has(d)).map((d) => index.get(d)!)),
  ]);
  // Ancestors of each step (steps are in a topological order, so one pass suffices).
  const ancestors: Set<number>[] = [];
  for (const [i, ds] of deps.entries()) {
    const all = new Set<number>();
    for (const d of ds) {
      all.add(d);
      for (const a of ancestors[d] ?? []) all.add(a);
    }
    ancestors[i] = all;
  }
  const edges: [number, number][] = [];
  for (const [i, ds] of deps.entries()) {
    for (const d of ds) {
      // Implied when another direct dependency already has d among its ancestors.
      if (!ds.some((other) => other !== d && ancestors[other]!.has(d))) edges.push([d, i]);
    }
  }
  return edges;
}

function mermaid(plan: Plan, edges: readonly [number, number][]): string[] {
  // Ids by position: step ids may hold characters Mermaid reads as syntax, or words like `end`.
  const lines = ['```mermaid', 'graph TD'];
  for (const [i, s] of plan.steps.entries()) {
    const label = `${i + 1}. ${s.action} (${plural(s.addresses.length, 'object')})${s.destructive ? ' ⚠️' : ''}`;
    lines.push(`  s${i + 1}["${label.replace(/["\\`]/g, "'").replace(/[<>]/g, '')}"]`);
  }
  for (const [from, to] of edges) lines.push(`  s${from + 1} --> s${to + 1}`);
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
