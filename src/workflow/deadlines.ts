import { setMaxListeners } from 'node:events';
import { EdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import { formatSeconds } from '../transport/call-deadline.js';

/**
 * Every run ends. Three limits, each with a default a user can change (seconds, fractions allowed):
 *
 * | variable | default | bounds |
 * |---|---|---|
 * | EDGEFORM_CALL_TIMEOUT | 60 | one attempt of an API call: connect, headers and whole body. A call's retries stop after 3× (GAAP) or 10× (Baishan, whose throttle windows last a minute) this |
 * | EDGEFORM_STEP_TIMEOUT | 900 | one step's calls, lookups and retries (its wait for an asynchronous state has its own limit); a write in flight then still ends within the call limit |
 * | EDGEFORM_RUN_TIMEOUT | 21600 | a whole plan or apply, reads included; at the limit an apply starts nothing new, like Ctrl-C |
 *
 * Reaching one is an error that names what was slow: the API action and whether headers or body,
 * the step, or the steps in flight when the run's limit came.
 */
export interface Deadlines {
  callMs: number;
  stepMs: number;
  runMs: number;
}

const LIMITS = {
  callMs: { env: 'EDGEFORM_CALL_TIMEOUT', defaultS: 60 },
  stepMs: { env: 'EDGEFORM_STEP_TIMEOUT', defaultS: 900 },
  runMs: { env: 'EDGEFORM_RUN_TIMEOUT', defaultS: 6 * 3600 },
} as const;

export const DEFAULT_DEADLINES: Deadlines = {
  callMs: LIMITS.callMs.defaultS * 1000,
  stepMs: LIMITS.stepMs.defaultS * 1000,
  runMs: LIMITS.runMs.defaultS * 1000,
};

export function deadlinesFrom(env: NodeJS.ProcessEnv): Deadlines {
  const out = { ...DEFAULT_DEADLINES };
  for (const key of Object.keys(LIMITS) as (keyof Deadlines)[]) {
    const { env: name } = LIMITS[key];
    const raw = env[name]?.trim();
    if (!raw) continue;
    const s = Number(raw);
    // setTimeout's own limit is 2^31-1 ms (24.8 days).
    if (!Number.isFinite(s) || s < 0.05 || s > 2_000_000) {
      throw new EdgeformError({
        code: 'DEADLINE_INVALID',
        message: `${name}=${JSON.stringify(raw.slice(0, 20))} is not a number of seconds from 0.05 to 2000000`,
        resolution: `set ${name} to a number of seconds (default ${LIMITS[key].defaultS}), or unset it`,
      });
    }
    out[key] = Math.round(s * 1000);
  }
  return out;
}

/** What a run's limit needs to say which steps were slow. */
export interface RunDeadline {
  signal: AbortSignal;
  /** Passes events on, keeping track of the steps in flight. */
  events: EventSink;
  dispose(): void;
}

/**
 * Aborts at the run's limit with RUN_TIMEOUT, naming the steps in flight (and what they wait
 * for) or, before any step, the reading of the live state.
 */
export function runDeadline(ms: number, events: EventSink, outer: AbortSignal | undefined): RunDeadline {
  const started = Date.now();
  const inFlight = new Map<string, { summary: string; since: number; waitingFor?: string }>();
  const controller = new AbortController();
  const timer = setTimeout(() => {
    const now = Date.now();
    const slow = [...inFlight.values()]
      .sort((a, b) => a.since - b.since)
      .slice(0, 3)
      .map(
        (s) =>
          `${s.summary} (${formatSeconds(Math.round((now - s.since) / 100) * 100)}${s.waitingFor ? `, waiting for ${s.waitingFor}` : ''})`,
      );
    const what =
      slow.length > 0
        ? `in flight: ${slow.join('; ')}${inFlight.size > 3 ? `; and ${inFlight.size - 3} more` : ''}`
        : 'still reading the live state';
    const error = new EdgeformError({
      code: 'RUN_TIMEOUT',
      message: `the run reached its limit of ${formatSeconds(ms)} (EDGEFORM_RUN_TIMEOUT) after ${formatSeconds(now - started)}; ${what}`,
      resolution: 'run `edgeform plan` to see what remains; raise EDGEFORM_RUN_TIMEOUT for a larger estate',
    });
    events({ kind: 'warning', message: `${error.message}: starting nothing new` });
    controller.abort(error);
  }, ms);
  timer.unref?.();
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  // Every read of the live state waits on this one signal (a Baishan estate of 900 domains queues
  // 90 GETs in the rate limiter at once), each adding a listener it removes when done: more than
  // Node's default of 10 is the design, not a leak, and the warning would land on the user's terminal.
  setMaxListeners(0, signal);
  return {
    signal,
    events: (e) => {
      if (e.kind === 'step-start') inFlight.set(e.stepId, { summary: e.summary, since: Date.now() });
      else if (e.kind === 'step-wait') {
        const s = inFlight.get(e.stepId);
        if (s) s.waitingFor = e.waitingFor;
      } else if (e.kind === 'step-done' || e.kind === 'step-failed' || e.kind === 'step-skipped')
        inFlight.delete(e.stepId);
      events(e);
    },
    dispose: () => clearTimeout(timer),
  };
}
