import { setMaxListeners } from 'node:events';
import { EdgeformError, toEdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import type { Plan, PlanStep } from '../planner/plan-types.js';
import type { Provider, StepCost, StepOutcome } from '../planner/provider-types.js';
import type { ApplyResult, StepReport, StepState } from './executor-types.js';
import { ProgressTracker } from './progress-tracker.js';
import { ReadyPool } from './ready-pool.js';
import { WaitWatchers } from './wait-watchers.js';

export interface ExecuteOptions {
  providers: ReadonlyMap<string, Provider>;
  events: EventSink;
  /** Global cap on steps holding a slot (steps waiting for an asynchronous state hold none). */
  parallelism: number;
  /** Aborting stops scheduling; calls in flight finish, waits are abandoned. */
  signal?: AbortSignal;
  now?: () => number;
  /** How often a `progress` event is emitted while the run goes on (default 500 ms). */
  progressEveryMs?: number;
  /**
   * Limit of one step's execution (its calls, lookups and retries; not its wait for an
   * asynchronous state, which has its own): its signal is aborted with STEP_TIMEOUT, which ends
   * its waits, sleeps and reads; a write in flight ends within the clients' call limit.
   */
  stepTimeoutMs?: number;
}

interface Node {
  step: PlanStep;
  state: StepState;
  /** Dependencies not done yet. */
  blockers: number;
  dependents: Node[];
  report: StepReport;
  startedAt?: number;
  outcome?: StepOutcome;
}

/**
 * Runs a plan's steps along its dependency graph: a hand-written work graph (see NOTE below).
 * Steps whose dependencies are done wait in one ready pool; a step takes a slot only when the
 * global cap, its provider's cap and its first call's rate budget all allow it now, so a step that
 * cannot start holds nothing and a throttled vendor never blocks another. A step whose change
 * leaves an object in an asynchronous state gives its slot back and waits with the provider's
 * watcher for its scope. Every transition costs O(1) (plus the pool's O(providers × budgets)).
 *
 * NOTE: hand-written rather than p-queue: p-queue admits a task to a slot before knowing whether
 * the task can make progress (its vendor's budget may be spent), and a queued task cannot leave
 * its slot while it waits for an asynchronous state and come back later. The nested queues this
 * replaces let throttled Baishan steps hold the global slots that ready GAAP steps needed.
 */
export async function executePlan(plan: Plan, opts: ExecuteOptions): Promise<ApplyResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  const events = opts.events;
  const parallelism = Math.max(1, opts.parallelism);
  // Every step in flight waits on the one signal (rate-limiter slots, requests, backoff sleeps),
  // each adding a listener it removes when done: more than Node's default of 10 at once is the
  // design, not a leak, and the warning would land on the user's terminal.
  if (opts.signal) setMaxListeners(Math.max(10, 8 * parallelism + 64), opts.signal);

  const nodes = new Map<string, Node>();
  for (const s of plan.steps) {
    nodes.set(s.id, {
      step: s,
      state: 'pending',
      blockers: s.dependsOn.length,
      dependents: [],
      report: {
        id: s.id,
        provider: s.provider,
        action: s.action,
        summary: s.summary,
        addresses: s.addresses,
        state: 'pending',
      },
    });
  }
  for (const n of nodes.values()) {
    for (const d of n.step.dependsOn) {
      const dep = nodes.get(d);
      if (dep) dep.dependents.push(n);
      else n.blockers--; // Not in this plan (a targeted plan): nothing to wait for.
    }
  }

  const rank = remainingTime(nodes, opts.providers);
  const outcomes = new Map<string, StepOutcome>();
  const pool = new ReadyPool(opts.providers, now);
  const progress = new ProgressTracker(plan.steps, opts.providers, now);
  let calls = 0;
  let running = 0;
  let settledCount = 0;
  let finishAll: () => void = () => {};
  const allSettled = new Promise<void>((resolve) => {
    finishAll = resolve;
  });
  const inFlight = new Set<Promise<void>>();
  const emitProgress = () => events(progress.event(pool.budgetWait()));

  const settle = (n: Node, state: 'done' | 'failed' | 'skipped') => {
    n.state = state;
    n.report.state = state;
    progress.settled(n.step, state);
    settledCount++;
  };

  const skip = (first: Node, reason: string) => {
    // Iterative, so a long chain of dependents never overflows the stack.
    const stack: [Node, string][] = [[first, reason]];
    while (stack.length > 0) {
      const [n, why] = stack.pop()!;
      if (n.state !== 'pending' && n.state !== 'ready') continue;
      n.report.reason = why;
      settle(n, 'skipped');
      events({ kind: 'step-skipped', stepId: n.step.id, summary: n.step.summary, reason: why });
      for (const d of n.dependents) stack.push([d, `depends on ${n.step.id}, which did not complete`]);
    }
  };

  const makeReady = (n: Node) => {
    n.state = 'ready';
    pool.add(n.step, rank.get(n) ?? 1);
  };

  const succeed = (n: Node) => {
    const outcome = n.outcome!;
    outcomes.set(n.step.id, outcome);
    if (Object.keys(outcome.outputs).length > 0) n.report.outputs = outcome.outputs;
    n.report.durationMs = now() - n.startedAt!;
    settle(n, 'done');
    events({
      kind: 'step-done',
      stepId: n.step.id,
      summary: n.step.summary,
      durationMs: n.report.durationMs,
    });
    for (const d of n.dependents) {
      if (d.state === 'pending' && --d.blockers === 0) makeReady(d);
    }
  };

  const fail = (n: Node, error: { code: string; message: string; resolution?: string }) => {
    n.report.durationMs = now() - (n.startedAt ?? now());
    n.report.error = error;
    settle(n, 'failed');
    events({
      kind: 'step-failed',
      stepId: n.step.id,
      summary: n.step.summary,
      error: error.message,
      code: error.code,
    });
    for (const d of n.dependents) skip(d, `depends on ${n.step.id}, which failed`);
  };

  const errorOf = (e: unknown) => {
    const err = toEdgeformError(e);
    return {
      code: err.code,
      message: err.message,
      ...(err.resolution ? { resolution: err.resolution } : {}),
    };
  };

  const watchers = new WaitWatchers({
    providers: opts.providers,
    events,
    now,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ready: (id, outputs) => {
      const n = nodes.get(id)!;
      progress.waiting--;
      // Values only the ready object carries (a new proxy's access domain), read by the watcher.
      if (outputs) n.outcome = { ...n.outcome!, outputs: { ...n.outcome!.outputs, ...outputs } };
      succeed(n);
      pump();
    },
    failed: (id, error) => {
      const n = nodes.get(id)!;
      progress.waiting--;
      fail(n, errorOf(error));
      pump();
    },
    counted: (c) => {
      calls += c;
    },
  });

  const finished = (n: Node, outcome: StepOutcome) => {
    n.outcome = outcome;
    calls += outcome.calls;
    n.report.calls = outcome.calls;
    if (outcome.partialFailures && outcome.partialFailures.length > 0) {
      n.report.partialFailures = outcome.partialFailures;
      fail(n, {
        code: outcome.partialFailures[0]!.code,
        message: outcome.partialFailures.map((f) => `${f.addresses.join(', ')}: ${f.error}`).join('; '),
      });
    } else if (outcome.wait) {
      if (opts.signal?.aborted) {
        abandon(n, outcome.wait.what);
      } else {
        n.state = 'waiting';
        progress.waiting++;
        watchers.register(n.step.provider, n.step.id, outcome.wait);
      }
    } else {
      succeed(n);
    }
  };

  const start = (n: Node, claimed: boolean) => {
    n.state = 'running';
    n.startedAt = now();
    running++;
    progress.started();
    events({ kind: 'step-start', stepId: n.step.id, summary: n.step.summary });
    const provider = opts.providers.get(n.step.provider);
    const limit = stepLimit(n.step, opts.stepTimeoutMs);
    const signal =
      limit && opts.signal ? AbortSignal.any([opts.signal, limit.signal]) : (limit?.signal ?? opts.signal);
    const run = (async () => {
      if (!provider) throw new Error(`no provider ${n.step.provider} for step ${n.step.id}`);
      return provider.execute(n.step, {
        events,
        outcomes,
        ...(claimed ? { startClaimed: true } : {}),
        ...(signal ? { signal } : {}),
      });
    })().finally(() => limit?.dispose());
    const p = run
      .then(
        (outcome) => {
          release(n);
          finished(n, outcome);
        },
        (e: unknown) => {
          release(n);
          fail(n, errorOf(e));
        },
      )
      .finally(() => {
        inFlight.delete(p);
        pump();
      });
    inFlight.add(p);
  };

  const release = (n: Node) => {
    running--;
    progress.running--;
    pool.release(n.step.provider);
  };

  let wake: ReturnType<typeof setTimeout> | undefined;
  let wakeAt: number | undefined;
  /** Starts every ready step that may start now; arms a timer for the earliest blocked budget. */
  const pump = () => {
    if (!opts.signal?.aborted) {
      while (running < parallelism) {
        const taken = pool.take();
        if (!taken) break;
        start(nodes.get(taken.step.id)!, taken.claimed);
      }
      const at = running < parallelism ? pool.nextUnblock() : undefined;
      if (at !== wakeAt) {
        if (wake) clearTimeout(wake);
        wake = undefined;
        wakeAt = at;
        if (at !== undefined) {
          wake = setTimeout(
            () => {
              wake = undefined;
              wakeAt = undefined;
              pump();
            },
            Math.max(1, at - now()),
          );
        }
      }
    }
    if (settledCount === nodes.size) finishAll();
  };

  const abandon = (n: Node, what: string, lastSeen?: string) => {
    n.report.durationMs = now() - (n.startedAt ?? now());
    fail(n, {
      code: 'WAIT_ABANDONED',
      message: `interrupted while waiting for ${what}${lastSeen ? ` (last state seen: ${lastSeen})` : ''}; the change was sent and may still complete`,
      resolution: 'run `edgeform plan` to see what remains',
    });
  };

  const onAbort = () => {
    // Nothing new starts; ready and pending steps are skipped; waits are abandoned (the change
    // each waited for was sent); calls in flight finish and settle their steps.
    for (const s of pool.drain()) skip(nodes.get(s.id)!, 'interrupted before it started');
    for (const w of watchers.abandon()) {
      progress.waiting--;
      abandon(nodes.get(w.stepId)!, w.what, w.lastSeen);
    }
    for (const n of nodes.values()) if (n.state === 'pending') skip(n, 'interrupted');
    if (wake) clearTimeout(wake);
    wake = undefined;
    pump();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  const ticker = setInterval(emitProgress, opts.progressEveryMs ?? 500);
  emitProgress();
  for (const n of nodes.values()) if (n.state === 'pending' && n.blockers === 0) makeReady(n);
  pump();
  try {
    await allSettled;
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    await watchers.idle();
  } finally {
    clearInterval(ticker);
    if (wake) clearTimeout(wake);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  emitProgress();

  return {
    steps: [...nodes.values()].map((n) => n.report),
    done: progress.done,
    failed: progress.failed,
    skipped: progress.skipped,
    interrupted: opts.signal?.aborted ?? false,
    durationMs: now() - started,
    calls,
  };
}

/**
 * Each step's rank for the ready pool: the least time from its start to the end of the plan, from
 * the providers' step costs (see `StepCost`), taking the graph and the rate budgets together. A
 * step's rank is the larger of (a) its own time plus its highest-ranked dependent's rank, and
 * (b) its time to the end along the graph alone plus the whole backlog of its budget: every call
 * of that budget must be sent before the last one's tail can run. So a step feeding a long
 * rate-bound phase (a listener create whose 800 bindings need 2 s of their budget) ranks above
 * one heading a longer chain of unconstrained steps. Computed once per plan, O(steps +
 * dependencies); without costs, every step takes one unit and (b) is never the larger, so the
 * rank is the number of steps on the longest chain.
 */
function remainingTime(
  nodes: ReadonlyMap<string, Node>,
  providers: ReadonlyMap<string, Provider>,
): Map<Node, number> {
  const cost = new Map<Node, StepCost>();
  const backlog = new Map<string, number>();
  const keyOf = new Map<Node, string>();
  for (const n of nodes.values()) {
    const p = providers.get(n.step.provider);
    const c = p?.stepCost?.(n.step) ?? { ms: 1, budgetMs: 0 };
    cost.set(n, c);
    const key = `${n.step.provider}\0${p?.budgetKey?.(n.step) ?? ''}`;
    keyOf.set(n, key);
    backlog.set(key, (backlog.get(key) ?? 0) + c.budgetMs);
  }
  const tail = new Map<Node, number>();
  const rank = new Map<Node, number>();
  const open = new Map<Node, number>();
  const stack: Node[] = [];
  for (const n of nodes.values()) {
    open.set(n, n.dependents.length);
    if (n.dependents.length === 0) stack.push(n);
  }
  while (stack.length > 0) {
    const n = stack.pop()!;
    const c = cost.get(n)!;
    let t = 0;
    let r = 0;
    for (const d of n.dependents) {
      t = Math.max(t, tail.get(d) ?? 0);
      r = Math.max(r, rank.get(d) ?? 0);
    }
    tail.set(n, c.ms + t);
    // (b): the budget's other steps need `others` of it first, and the last still has a tail.
    const others = c.budgetMs > 0 ? backlog.get(keyOf.get(n)!)! - c.budgetMs : 0;
    rank.set(n, Math.max(c.ms + r, c.ms + t + others));
    for (const id of n.step.dependsOn) {
      const dep = nodes.get(id);
      if (!dep) continue;
      const left = open.get(dep)! - 1;
      open.set(dep, left);
      if (left === 0) stack.push(dep);
    }
  }
  return rank;
}

function stepLimit(
  step: PlanStep,
  ms: number | undefined,
): { signal: AbortSignal; dispose(): void } | undefined {
  if (!ms) return undefined;
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new EdgeformError({
          code: 'STEP_TIMEOUT',
          message: `step ${step.id} (${step.summary}) took longer than its limit of ${ms / 1000} s (EDGEFORM_STEP_TIMEOUT)`,
          resolution:
            'run `edgeform plan` to see what remains; raise EDGEFORM_STEP_TIMEOUT if the API is slow',
        }),
      ),
    ms,
  );
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}
