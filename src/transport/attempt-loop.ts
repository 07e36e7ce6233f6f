import { sleep as defaultSleep } from './backoff.js';

/** What one attempt of a call gave: the answer, or a failure for the vendor's retry policy. */
export type AttemptOutcome<T, F> = { ok: true; value: T } | { ok: false; failure: F };

/**
 * A vendor retry policy's answer to one failure. `throttled`: the vendor's rate window refused the
 * call; the wait is imposed on the shared rate limiter (every caller pauses), not slept here.
 */
export type RetryVerdict<E> =
  | { kind: 'fail'; error: E }
  | { kind: 'retry'; waitMs: number; reason: string; throttled: boolean };

/** The vendor-specific parts of one call: budget, attempt, retry decision and reporting. */
export interface AttemptPlan<T, F, E> {
  /** Waits for the budget of attempt `n` (1-based): the rate limiter, or nothing. */
  acquire(n: number, signal: AbortSignal | undefined): Promise<void>;
  attempt(n: number, signal: AbortSignal | undefined): Promise<AttemptOutcome<T, F>>;
  /** The vendor's retry policy: `elapsedMs` since the first attempt began. */
  decide(failure: F, n: number, elapsedMs: number): RetryVerdict<E>;
  /** Reports a throttled attempt and imposes `waitMs` on the limiter. */
  onThrottled(n: number, waitMs: number, reason: string): void;
  /** Reports a retry about to wait `waitMs`. */
  onRetry(n: number, waitMs: number, reason: string): void;
}

export interface AttemptLoopOptions {
  signal?: AbortSignal | undefined;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * The one attempt loop of every vendor client: take the budget, try, ask the vendor's policy, wait,
 * again. Cancellable everywhere: an aborted signal ends the budget wait and the backoff sleep with
 * the signal's reason, and no attempt starts after it (whether an attempt already sent is cut off
 * is the client's choice: `attempt` gets the signal).
 */
export async function runAttempts<T, F, E>(
  plan: AttemptPlan<T, F, E>,
  opts: AttemptLoopOptions = {},
): Promise<T> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const { signal } = opts;
  const started = now();
  for (let n = 1; ; n++) {
    signal?.throwIfAborted();
    await plan.acquire(n, signal);
    const outcome = await plan.attempt(n, signal);
    if (outcome.ok) return outcome.value;
    const verdict = plan.decide(outcome.failure, n, now() - started);
    if (verdict.kind === 'fail') throw verdict.error;
    if (verdict.throttled) {
      plan.onThrottled(n, verdict.waitMs, verdict.reason);
    } else {
      plan.onRetry(n, verdict.waitMs, verdict.reason);
      await sleep(verdict.waitMs, signal);
    }
  }
}
