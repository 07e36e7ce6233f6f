import { resolve } from 'node:path';
import type { VariableInput } from '../config/variables.js';
import { EdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import { newPlanSalt, useFingerprintSalt } from '../core/secrets.js';
import { executePlan } from '../executor/execute-plan.js';
import type { ApplyResult } from '../executor/executor-types.js';
import { createPlan, type PlanResult } from '../planner/create-plan.js';
import type { Plan, ResourceOutputs } from '../planner/plan-types.js';
import { deadlinesFrom, runDeadline } from './deadlines.js';
import { sweepDuplicates } from './duplicate-sweep.js';
import { checkMaxDestroy, checkNewStack, type PlanGuards } from './guards.js';
import { collectOutputs } from './outputs.js';
import { acquireRunLease } from './run-lease.js';
import { assertSameSteps, readPlanFile } from './saved-plan.js';
import { openSession, type Session } from './session.js';

export interface WorkflowOptions {
  files: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  sandbox: boolean;
  events: EventSink;
  targets?: string[];
  signal?: AbortSignal;
  /** `--var` / `--var-file`: recorded in the plan, so `apply PLAN` plans with the same values. */
  variables?: VariableInput;
  /** `--max-destroy` and `--new-stack`: a plan that fails them is refused before any write. */
  guards?: PlanGuards;
  /** See SessionOptions.planChecks (false for drift). */
  planChecks?: boolean;
}

/** `edgeform plan` and `edgeform drift`: read, diff, assemble; never writes. */
export async function plan(opts: WorkflowOptions): Promise<PlanResult> {
  const keySalt = newPlanSalt();
  useFingerprintSalt(keySalt, opts.env);
  const deadline = runDeadline(deadlinesFrom(opts.env).runMs, opts.events, opts.signal);
  const session = await openSession(opts);
  try {
    const result = await planWith(session, { ...opts, events: deadline.events, signal: deadline.signal });
    checkMaxDestroy(result.plan, opts.guards?.maxDestroy);
    return { ...result, plan: { ...result.plan, keySalt, ...planVariables(opts) } };
  } finally {
    deadline.dispose();
    await session.close();
  }
}

function planWith(session: Session, opts: WorkflowOptions): Promise<PlanResult> {
  return createPlan({
    stack: session.stack.stack,
    sources: session.stack.files,
    providers: session.providers,
    events: opts.events,
    ...(opts.targets ? { targets: opts.targets } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

export interface ApplyOptions extends WorkflowOptions {
  parallelism: number;
  /** A saved plan to execute instead of planning now. */
  planFile?: string;
  /** Called with the fresh plan before anything is changed; return false to stop. */
  confirm?: (plan: Plan) => Promise<boolean>;
}

export interface ApplyOutcome {
  plan: Plan;
  result?: ApplyResult;
  /** Server-assigned values of what the stack owns, as they are after the apply. */
  outputs: ResourceOutputs[];
  /** False when the user declined or there was nothing to do. */
  applied: boolean;
}

/**
 * `edgeform apply`: plan (or load a saved plan and prove it is not stale), confirm, execute.
 */
export async function apply(given: ApplyOptions): Promise<ApplyOutcome> {
  const limits = deadlinesFrom(given.env);
  const deadline = runDeadline(limits.runMs, given.events, given.signal);
  try {
    return await applyWithin({ ...given, events: deadline.events, signal: deadline.signal }, limits.stepMs);
  } finally {
    deadline.dispose();
  }
}

async function applyWithin(opts: ApplyOptions, stepTimeoutMs: number): Promise<ApplyOutcome> {
  const saved = opts.planFile ? readPlanFile(opts.planFile) : undefined;
  // The saved plan's fingerprints are keyed by its salt: the fresh read must use the same key.
  const keySalt = saved?.keySalt ?? newPlanSalt();
  useFingerprintSalt(keySalt, opts.env);
  // A saved plan is applied with the files and variables it was made from, unless given again.
  const given = (opts.variables?.vars?.length ?? 0) + (opts.variables?.varFiles?.length ?? 0) > 0;
  const session = await openSession(
    saved
      ? {
          ...opts,
          files: opts.files.length ? opts.files : saved.sources,
          ...(!given && saved.variables ? { variables: saved.variables } : {}),
        }
      : opts,
  );
  // Before the live state is read: a second run plans against what the first one left.
  const lease = await acquireRunLease({
    stack: session.stack.stack,
    endpoints: session.endpoints,
    env: opts.env,
    events: opts.events,
    ...(opts.signal ? { signal: opts.signal } : {}),
  }).catch(async (e: unknown) => {
    await session.close();
    throw e;
  });
  const signal = opts.signal ? AbortSignal.any([opts.signal, lease.lost]) : lease.lost;
  try {
    let thePlan: Plan;
    let live: PlanResult['live'];
    if (saved) {
      // Used up by its first attempt, even one refused as stale below: a saved plan applies at most once.
      if (saved.digest && saved.steps.length > 0) await lease.claimPlan(saved.digest);
      const fresh = await assertNotStale(session, saved, opts);
      assertSameSteps(saved, fresh.plan);
      // The fresh steps run, not the file's: equal field for field, and made from this read.
      live = fresh.live;
      thePlan = { ...fresh.plan, keySalt, ...(saved.variables ? { variables: saved.variables } : {}) };
    } else {
      const fresh = await planWith(session, opts);
      live = fresh.live;
      thePlan = { ...fresh.plan, keySalt, ...planVariables(opts) };
    }
    const unchanged = () => collectOutputs(session.providers, live);
    if (thePlan.steps.length === 0) return { plan: thePlan, applied: false, outputs: unchanged() };
    checkMaxDestroy(thePlan, opts.guards?.maxDestroy);
    checkNewStack(thePlan, opts.guards ?? {});
    if (opts.confirm && !(await opts.confirm(thePlan)))
      return { plan: thePlan, applied: false, outputs: unchanged() };
    signal.throwIfAborted();
    const executed = await executePlan(thePlan, {
      providers: session.providerMap,
      events: opts.events,
      parallelism: opts.parallelism,
      signal,
      stepTimeoutMs,
    });
    const swept = signal.aborted
      ? undefined
      : await sweepDuplicates(session, { events: opts.events, parallelism: opts.parallelism, signal });
    const result = swept?.result ? mergeResults(executed, swept.result) : executed;
    const outputs = collectOutputs(session.providers, live, { plan: thePlan, result });
    return { plan: thePlan, result, applied: true, outputs };
  } finally {
    await lease.release();
    await session.close();
  }
}

/** Re-reads what the saved plan relied on and refuses it if any of it moved. */
async function assertNotStale(session: Session, saved: Plan, opts: WorkflowOptions): Promise<PlanResult> {
  if (saved.stack !== session.stack.stack) {
    throw new EdgeformError({
      code: 'PLAN_STACK_MISMATCH',
      message: `the plan is for stack ${saved.stack}, the files declare ${session.stack.stack}`,
      resolution: 'apply the plan with the files it was made from, or make a new plan',
    });
  }
  const fresh = await planWith(session, { ...opts, targets: saved.targets });
  const moved: string[] = [];
  for (const [address, fp] of Object.entries(saved.liveFingerprints)) {
    const now = fresh.plan.liveFingerprints[address];
    if (now !== fp) moved.push(address);
  }
  if (moved.length > 0) {
    throw new EdgeformError({
      code: 'PLAN_STALE',
      message: `the live state changed since the plan was made: ${moved.join(', ')}`,
      resolution: 'run `edgeform plan --out PLAN` again, review it, and apply the new plan',
    });
  }
  return fresh;
}

/** The run's result with the duplicate sweep's steps after its own. */
function mergeResults(a: ApplyResult, b: ApplyResult): ApplyResult {
  return {
    steps: [...a.steps, ...b.steps.map((s) => ({ ...s, id: `sweep:${s.id}` }))],
    done: a.done + b.done,
    failed: a.failed + b.failed,
    skipped: a.skipped + b.skipped,
    interrupted: a.interrupted || b.interrupted,
    durationMs: a.durationMs + b.durationMs,
    calls: a.calls + b.calls,
  };
}

/** The variables a plan records: `--var` as given, `--var-file` paths made absolute (like `sources`). */
function planVariables(opts: WorkflowOptions): { variables?: { vars: string[]; varFiles: string[] } } {
  const vars = [...(opts.variables?.vars ?? [])];
  const varFiles = (opts.variables?.varFiles ?? []).map((f) => resolve(opts.cwd, f));
  return vars.length + varFiles.length > 0 ? { variables: { vars, varFiles } } : {};
}
