import type { LeafChange } from '../../planner/display-values.js';
import { hasChanges } from '../../planner/plan-summary.js';
import type { ChangeKind, Plan } from '../../planner/plan-types.js';
import type { Colors } from '../colors.js';
import { type ChangeGroup, groupChanges } from './change-groups.js';
import { formatPrice, pricedCreates } from './prices.js';
import { liveNames, stepSummary } from './step-names.js';

const HEADLINE: Record<Exclude<ChangeKind, 'no-op'>, string> = {
  create: 'will be created',
  update: 'will be updated in place',
  replace: 'must be replaced',
  delete: 'will be destroyed',
};

const SYMBOL: Record<Exclude<ChangeKind, 'no-op'>, string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
};

/** Terraform's familiar plan shape, so reviewers read it without learning a new format. */
export function renderPlanText(plan: Plan, c: Colors): string {
  const out: string[] = [];
  const paint = (kind: ChangeKind | '+' | '-' | '~', s: string) => {
    if (kind === 'create' || kind === '+') return c.green(s);
    if (kind === 'delete' || kind === '-') return c.red(s);
    if (kind === 'replace') return c.magenta(s);
    return c.yellow(s);
  };

  if (plan.partial) {
    out.push(c.yellow(`This is a partial plan, limited to: ${plan.targets.join(', ')}`));
    out.push(c.yellow('Objects outside the targets were not compared and may still differ.'), '');
  }
  for (const w of plan.warnings)
    out.push(`${c.yellow('Warning')}: ${w.address ? `${w.address}: ` : ''}${w.message}`);
  if (plan.warnings.length > 0) out.push('');

  if (!hasChanges(plan)) {
    out.push(c.green('No changes. Live state matches the desired state.'));
    return `${out.join('\n')}\n`;
  }

  out.push('edgeform will perform the following actions:', '');
  for (const group of groupChanges(plan.changes)) out.push(...renderGroup(group, c, paint), '');

  out.push(c.bold('Steps, in order:'));
  const width = String(plan.steps.length).length;
  const names = liveNames(plan);
  plan.steps.forEach((s, i) => {
    const deps = s.dependsOn.length ? c.dim(` (after ${s.dependsOn.join(', ')})`) : '';
    const flag = s.destructive ? ` ${c.red('[destructive]')}` : '';
    out.push(`  ${String(i + 1).padStart(width)}. ${stepSummary(s, names)}${flag}${deps}`);
  });
  out.push('');
  const priced = pricedCreates(plan);
  if (priced.rows.length > 0) {
    out.push(c.bold('New proxies, list price (InquiryPriceCreateProxy):'));
    const pad = Math.max(...priced.rows.map((r) => r.address.length));
    for (const r of priced.rows) out.push(`  ${r.address.padEnd(pad)}  ${formatPrice(r.price)}`);
    if (priced.rows.length > 1) out.push(`  ${'total'.padEnd(pad)}  ${priced.totals.join(', ')}`);
    out.push('');
  }
  const { add, change, destroy } = plan.summary;
  out.push(`${c.bold('Plan:')} ${add} to add, ${change} to change, ${destroy} to destroy.`);
  return `${out.join('\n')}\n`;
}

function renderGroup(
  g: ChangeGroup,
  c: Colors,
  paint: (kind: ChangeKind | '+' | '-' | '~', s: string) => string,
): string[] {
  const lines: string[] = [];
  const single = g.objects.length === 1 ? g.objects[0] : undefined;
  if (single) {
    const id = single.id ? ` (${single.id})` : '';
    lines.push(c.bold(`  # ${single.address}${id} ${HEADLINE[g.kind]}`));
  } else {
    lines.push(c.bold(`  # ${g.objects.length} ${g.addressType} objects ${HEADLINE[g.kind]}`));
  }
  if (g.reason) lines.push(c.dim(`  # (${g.reason})`));
  if (g.busy) lines.push(c.yellow(`  # (busy: ${g.busy}; its live values may still change)`));
  const title = single ? `"${single.name}"` : `× ${g.objects.length}`;
  lines.push(`  ${paint(g.kind, SYMBOL[g.kind])} ${g.type} ${title} {`);
  const pad = Math.min(40, Math.max(0, ...g.blocks.flatMap((b) => b.leaves.map((l) => l.path.length))));
  for (const b of g.blocks) {
    if (!single) {
      const who =
        b.objects.length === g.objects.length
          ? `all ${b.objects.length}`
          : `${b.objects.length}: ${b.objects.map((o) => o.name).join(', ')}`;
      lines.push(...wrap(who, WRAP).map((l, i) => c.dim(`      ${i === 0 ? '#' : ' '} ${l}`)));
    }
    for (const l of b.leaves) lines.push(leafLine(l, pad, c, paint));
    if (b.leaves.length === 0 && g.kind === 'delete') lines.push(c.dim('      (the whole object)'));
  }
  lines.push('    }');
  return lines;
}

const WRAP = 100;

function leafLine(
  l: LeafChange,
  pad: number,
  c: Colors,
  paint: (kind: ChangeKind | '+' | '-' | '~', s: string) => string,
): string {
  const name = l.path.padEnd(pad);
  const force = l.forcesReplacement ? c.red(' # forces replacement') : '';
  if (l.op === '+') return `      ${paint('+', '+')} ${name} = ${l.after}${force}`;
  if (l.op === '-') return `      ${paint('-', '-')} ${name} = ${l.before}${force}`;
  return `      ${paint('~', '~')} ${name} = ${l.before} -> ${l.after}${force}`;
}

/** Comma-separated words into lines of at most `width` characters (a word is never split). */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
