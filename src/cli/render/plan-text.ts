import type { ChangeKind, Plan, ResourceChange } from '../../planner/plan-types.js';
import { hasChanges } from '../../planner/plan-types.js';
import type { Colors } from '../colors.js';
import { leafChanges, resourceName } from './display-values.js';

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
  for (const change of plan.changes) {
    if (change.kind === 'no-op') continue;
    out.push(...renderChange(change, c, paint), '');
  }

  out.push(c.bold('Steps, in order:'));
  const width = String(plan.steps.length).length;
  plan.steps.forEach((s, i) => {
    const deps = s.dependsOn.length ? c.dim(` (after ${s.dependsOn.join(', ')})`) : '';
    const flag = s.destructive ? ` ${c.red('[destructive]')}` : '';
    out.push(`  ${String(i + 1).padStart(width)}. ${s.summary}${flag}${deps}`);
  });
  out.push('');
  const { add, change, destroy } = plan.summary;
  out.push(`${c.bold('Plan:')} ${add} to add, ${change} to change, ${destroy} to destroy.`);
  return `${out.join('\n')}\n`;
}

function renderChange(
  change: ResourceChange,
  c: Colors,
  paint: (kind: ChangeKind | '+' | '-' | '~', s: string) => string,
): string[] {
  const kind = change.kind as Exclude<ChangeKind, 'no-op'>;
  const lines = [c.bold(`  # ${change.address} ${HEADLINE[kind]}`)];
  if (change.reason) lines.push(c.dim(`  # (${change.reason})`));
  if (change.busy) lines.push(c.yellow(`  # (busy: ${change.busy}; its live values may still change)`));
  lines.push(`  ${paint(kind, SYMBOL[kind])} ${change.type} "${resourceName(change.address)}" {`);
  const leaves = change.attributes.flatMap(leafChanges);
  const pad = Math.min(40, Math.max(0, ...leaves.map((l) => l.path.length)));
  for (const l of leaves) {
    const name = l.path.padEnd(pad);
    const force = l.forcesReplacement ? c.red(' # forces replacement') : '';
    if (l.op === '+') lines.push(`      ${paint('+', '+')} ${name} = ${l.after}${force}`);
    else if (l.op === '-')
      lines.push(`      ${paint('-', '-')} ${name} = ${l.before} ${c.dim('-> null')}${force}`);
    else lines.push(`      ${paint('~', '~')} ${name} = ${l.before} -> ${l.after}${force}`);
  }
  lines.push('    }');
  return lines;
}
