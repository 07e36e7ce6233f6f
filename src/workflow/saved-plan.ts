import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { EdgeformError } from '../core/errors.js';
import { isPlainObject, stableStringify } from '../core/json.js';
import { packageFile } from '../core/package-files.js';
import { PLAN_FORMAT_VERSION, type Plan, type PlanStep } from '../planner/plan-types.js';

/**
 * A saved plan is an artifact passed between CI jobs, so `apply PLAN` trusts nothing in it before
 * any write: its structure (schemas/plan.schema.json), its digest, its dependency graph, and then
 * — after re-planning — that every step is exactly what the stack plans now (run-plan.ts executes
 * the fresh steps, so no edited ID or payload is ever sent, and every object a step touches is
 * re-proved owned by the fresh read).
 */

export const PLAN_SCHEMA_FILE = 'plan.schema.json';
/** Far above any real plan (10,000 resources take a few MB), far below what would hurt. */
export const MAX_PLAN_BYTES = 64 * 1024 * 1024;

/** The text `plan --out` writes: the plan with its digest. */
export function planFileText(plan: Plan): string {
  const { digest: _old, ...rest } = plan;
  const body = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
  return `${JSON.stringify({ ...body, digest: digestOf(body) }, null, 2)}\n`;
}

function digestOf(body: Record<string, unknown>): string {
  return `sha256:${createHash('sha256').update(stableStringify(body)).digest('hex')}`;
}

function invalid(path: string, problems: string[]): EdgeformError {
  return new EdgeformError({
    code: 'PLAN_INVALID',
    message: `plan file ${path} is not a plan edgeform can apply`,
    details: problems.slice(0, 10),
    resolution: 'pass a file written by `edgeform plan --out FILE`, unmodified; or make the plan again',
  });
}

export function readPlanFile(path: string): Plan {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw invalid(path, ['not a regular file']);
    if (st.size > MAX_PLAN_BYTES) throw invalid(path, [`larger than ${MAX_PLAN_BYTES} bytes`]);
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    if (cause instanceof EdgeformError) throw cause;
    throw new EdgeformError({
      code: 'PLAN_UNREADABLE',
      message: `cannot read plan file ${path}`,
      resolution: 'pass a file written by `edgeform plan --out FILE`',
      cause,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new EdgeformError({
      code: 'PLAN_UNREADABLE',
      message: `plan file ${path} is not JSON`,
      resolution: 'pass a file written by `edgeform plan --out FILE`',
      cause,
    });
  }
  const major = isPlainObject(parsed) ? String(parsed.formatVersion ?? '').split('.')[0] : '';
  if (isPlainObject(parsed) && major !== PLAN_FORMAT_VERSION.split('.')[0]) {
    throw new EdgeformError({
      code: 'PLAN_VERSION_UNSUPPORTED',
      message: `plan file ${path} has format version ${String(parsed.formatVersion)}; this edgeform reads ${PLAN_FORMAT_VERSION}`,
      resolution: 'make the plan again with this version of edgeform (`edgeform plan --out FILE`)',
    });
  }
  const schemaProblems = validateAgainstSchema(parsed);
  if (schemaProblems.length > 0) throw invalid(path, schemaProblems);
  const plan = parsed as Plan & Record<string, unknown>;
  const { digest, ...body } = plan;
  if (digest !== digestOf(body)) {
    throw new EdgeformError({
      code: 'PLAN_TAMPERED',
      message: `plan file ${path} was modified after \`edgeform plan\` wrote it (its digest does not match)`,
      resolution: 'apply the plan file exactly as written, or make the plan again',
    });
  }
  const graph = graphProblems(plan.steps);
  if (graph.length > 0) throw invalid(path, graph);
  return plan;
}

/** Unique step ids, no dangling or self dependency, no cycle. */
export function graphProblems(steps: readonly PlanStep[]): string[] {
  const problems: string[] = [];
  const index = new Map<string, number>();
  for (const [i, s] of steps.entries()) {
    if (index.has(s.id)) problems.push(`steps[${i}]: step id ${s.id} appears twice`);
    index.set(s.id, i);
  }
  for (const [i, s] of steps.entries()) {
    for (const d of s.dependsOn) {
      if (!index.has(d))
        problems.push(`steps[${i}] (${s.id}) depends on ${d}, which is not a step of the plan`);
      if (d === s.id) problems.push(`steps[${i}] (${s.id}) depends on itself`);
    }
  }
  if (problems.length > 0) return problems;
  // Kahn: whatever never becomes ready is on a cycle.
  const waiting = new Map(steps.map((s) => [s.id, new Set(s.dependsOn)]));
  const ready = steps.filter((s) => s.dependsOn.length === 0).map((s) => s.id);
  const dependents = new Map<string, string[]>();
  for (const s of steps) for (const d of s.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), s.id]);
  while (ready.length > 0) {
    const id = ready.pop()!;
    waiting.delete(id);
    for (const next of dependents.get(id) ?? []) {
      const deps = waiting.get(next);
      deps?.delete(id);
      if (deps && deps.size === 0) ready.push(next);
    }
  }
  if (waiting.size > 0)
    problems.push(`dependsOn forms a cycle through ${[...waiting.keys()].slice(0, 5).join(', ')}`);
  return problems;
}

/**
 * The saved steps must be the steps the stack plans now, field for field (secrets compared by
 * reference and keyed fingerprint). Anything else — an edited ID, address, provider, payload or
 * dependency, or a YAML or secret changed since — refuses the plan before any write.
 */
export function assertSameSteps(saved: Plan, fresh: Plan): void {
  const norm = (steps: readonly PlanStep[]) =>
    steps.map((s) => stableStringify(JSON.parse(JSON.stringify(s))));
  const a = norm(saved.steps);
  const b = norm(fresh.steps);
  const differing: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) differing.push(saved.steps[i]?.id ?? fresh.steps[i]?.id ?? String(i));
  }
  if (differing.length === 0) return;
  throw new EdgeformError({
    code: 'PLAN_STALE',
    message: `the saved plan's steps are not what the stack plans now (${a.length} saved, ${b.length} now; differing: ${differing.slice(0, 5).join(', ')}${differing.length > 5 ? ', …' : ''}): the YAML, a secret or the plan file changed since it was made`,
    resolution: 'run `edgeform plan --out PLAN` again, review it, and apply the new plan',
  });
}

let validator: ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};

function validateAgainstSchema(data: unknown): string[] {
  if (!validator) {
    const require = createRequire(import.meta.url);
    const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
    validator = ajv.compile(JSON.parse(readFileSync(packageFile(join('schemas', PLAN_SCHEMA_FILE)), 'utf8')));
  }
  if (validator(data)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '(the file)'}: ${e.message ?? 'invalid'}`);
}
