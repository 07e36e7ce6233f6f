import { setMaxListeners } from 'node:events';
import PQueue from 'p-queue';
import { toEdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import type { Plan, PlanStep } from '../planner/plan-types.js';
import type { Provider, StepOutcome } from '../planner/provider-types.js';
import type { ApplyResult, StepReport } from './executor-types.js';

export interface ExecuteOptions {
  providers: ReadonlyMap<string, Provider>;
  events: EventSink;
  /** Global cap on steps in flight. */
  parallelism: number;
  /** Aborting stops scheduling; steps in flight finish. */
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * Runs a plan's steps along its dependency graph. Every step is pending → running → done | failed,
 * or skipped (a dependency failed or was skipped, or the run was interrupted before it started).
 * Independent branches run side by side, bounded by a global cap and by each provider's own cap;
 * rate limits are the providers' clients' business, so a throttled vendor never blocks another.
 */
export async function executePlan(plan: Plan, opts: ExecuteOptions): Promise<ApplyResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  const steps = plan.steps;
  // Every step in flight waits on the one signal (rate-limiter slots, requests, backoff sleeps),
  // each adding a listener it removes when done: more than Node's default of 10 at once is the
  // design, not a leak, and the warning would land on the user's terminal.
  if (opts.signal) setMaxListeners(Math.max(10, 8 * opts.parallelism), opts.signal);
  const reports = new Map<string, StepReport>(
    steps.map((s) => [
      s.id,
      {
        id: s.id,
        provider: s.provider,
        action: s.action,
        summary: s.summary,
        addresses: s.addresses,
        state: 'pending',
      },
    ]),
  );
  const outcomes = new Map<string, StepOutcome>();
  const dependents = new Map<string, PlanStep[]>();
  for (const s of steps) for (const d of s.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), s]);

  const global = new PQueue({ concurrency: Math.max(1, opts.parallelism) });
  const perProvider = new Map<string, PQueue>();
  const providerQueue = (id: string): PQueue => {
    let q = perProvider.get(id);
    if (!q) {
      q = new PQueue({ concurrency: opts.providers.get(id)?.limits.concurrency ?? 1 });
      perProvider.set(id, q);
    }
    return q;
  };

  let inFlight = 0;
  let calls = 0;
  const counts = { done: 0, failed: 0, skipped: 0 };
  let finishedMs = 0;
  const progress = () => {
    const etaMs = estimateEta();
    opts.events({
      kind: 'progress',
      ...counts,
      total: steps.length,
      inFlight,
      ...(etaMs === undefined ? {} : { etaMs }),
    });
  };
  /**
   * The larger of two estimates: what the vendors' rate limits leave for the remaining calls, and
   * what the steps finished so far took on average, spread over the parallelism.
   */
  const estimateEta = (): number | undefined => {
    const remaining = steps.filter((s) => reports.get(s.id)!.state === 'pending');
    if (remaining.length === 0) return 0;
    const byProvider = new Map<string, PlanStep[]>();
    for (const s of remaining) byProvider.set(s.provider, [...(byProvider.get(s.provider) ?? []), s]);
    let limits = 0;
    for (const [id, list] of byProvider) {
      try {
        limits = Math.max(limits, opts.providers.get(id)?.estimateRemainingMs?.(list) ?? 0);
      } catch {
        // An estimate is never worth failing a run for (e.g. credentials not set yet).
      }
    }
    const finished = counts.done + counts.failed;
    if (finished === 0) return limits > 0 ? limits : undefined;
    const observed =
      (remaining.length * (finishedMs / finished)) /
      Math.max(1, Math.min(opts.parallelism, remaining.length));
    return Math.round(Math.max(limits, observed));
  };

  const skip = (step: PlanStep, reason: string) => {
    const r = reports.get(step.id)!;
    if (r.state !== 'pending') return;
    r.state = 'skipped';
    r.reason = reason;
    counts.skipped++;
    opts.events({ kind: 'step-skipped', stepId: step.id, summary: step.summary, reason });
    for (const d of dependents.get(step.id) ?? []) skip(d, `depends on ${step.id}, which did not complete`);
  };

  const ready = (step: PlanStep) => step.dependsOn.every((d) => reports.get(d)!.state === 'done');

  let finishAll: () => void = () => {};
  const allSettled = new Promise<void>((resolve) => {
    finishAll = resolve;
  });
  const settledCount = () => counts.done + counts.failed + counts.skipped;
  const maybeFinish = () => {
    if (settledCount() === steps.length) finishAll();
  };

  const run = async (step: PlanStep): Promise<void> => {
    const r = reports.get(step.id)!;
    if (r.state !== 'pending') return;
    if (opts.signal?.aborted) {
      skip(step, 'interrupted before it started');
      maybeFinish();
      return;
    }
    const provider = opts.providers.get(step.provider);
    r.state = 'running';
    inFlight++;
    const t0 = now();
    opts.events({ kind: 'step-start', stepId: step.id, summary: step.summary });
    progress();
    try {
      if (!provider) throw new Error(`no provider ${step.provider} for step ${step.id}`);
      const outcome = await provider.execute(step, {
        events: opts.events,
        outcomes,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      outcomes.set(step.id, outcome);
      calls += outcome.calls;
      r.durationMs = now() - t0;
      finishedMs += r.durationMs;
      r.calls = outcome.calls;
      if (Object.keys(outcome.outputs).length > 0) r.outputs = outcome.outputs;
      if (outcome.partialFailures && outcome.partialFailures.length > 0) {
        r.state = 'failed';
        r.partialFailures = outcome.partialFailures;
        const first = outcome.partialFailures[0]!;
        r.error = {
          code: first.code,
          message: outcome.partialFailures.map((f) => `${f.addresses.join(', ')}: ${f.error}`).join('; '),
        };
        counts.failed++;
        opts.events({
          kind: 'step-failed',
          stepId: step.id,
          summary: step.summary,
          error: r.error.message,
          code: r.error.code,
        });
      } else {
        r.state = 'done';
        counts.done++;
        opts.events({ kind: 'step-done', stepId: step.id, summary: step.summary, durationMs: r.durationMs });
      }
    } catch (e) {
      const err = toEdgeformError(e);
      r.state = 'failed';
      r.durationMs = now() - t0;
      r.error = {
        code: err.code,
        message: err.message,
        ...(err.resolution ? { resolution: err.resolution } : {}),
      };
      counts.failed++;
      opts.events({
        kind: 'step-failed',
        stepId: step.id,
        summary: step.summary,
        error: err.message,
        code: err.code,
      });
    } finally {
      inFlight--;
    }
    for (const d of dependents.get(step.id) ?? []) {
      if (r.state !== 'done') skip(d, `depends on ${step.id}, which failed`);
      else if (ready(d) && reports.get(d.id)!.state === 'pending') schedule(d);
    }
    progress();
    maybeFinish();
  };

  const schedule = (step: PlanStep) => {
    void global.add(() => providerQueue(step.provider).add(() => run(step)));
  };

  const onAbort = () => {
    // Steps still queued are skipped when they come up; nothing new is started.
    for (const s of steps) if (reports.get(s.id)!.state === 'pending' && !ready(s)) skip(s, 'interrupted');
    maybeFinish();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  if (steps.length === 0) finishAll();
  for (const s of steps) if (s.dependsOn.length === 0) schedule(s);
  await allSettled;
  await global.onIdle();
  opts.signal?.removeEventListener('abort', onAbort);

  const list = steps.map((s) => reports.get(s.id)!);
  return {
    steps: list,
    done: counts.done,
    failed: counts.failed,
    skipped: counts.skipped,
    interrupted: opts.signal?.aborted ?? false,
    durationMs: now() - started,
    calls,
  };
}
