import { backoffDelay } from '../../transport/backoff.js';
import { isClosedClient } from '../../transport/closed-client.js';
import { type BaishanErrorClass, isRetryable } from './baishan-errors.js';

/**
 * When a failed Baishan call is tried again, and after how long. Pure: the client's attempt loop
 * (transport/attempt-loop.ts) asks it once per failure.
 */
export interface BaishanRetryPolicy {
  /** Attempts in all, the first included (1 = never retry). */
  maxAttempts: number;
  /** The same for a read (GET domain/config); see BAISHAN_READ_MAX_ATTEMPTS. */
  readMaxAttempts: number;
  /** No retry once this much time has passed since the first attempt. */
  maxElapsedMs: number;
  baseMs: number;
  maxMs: number;
  /** Jitter added to the server's X-Retry-After, so parallel clients do not stampede. */
  retryAfterJitterMs: number;
  /**
   * How long one second of X-Retry-After lasts: 1000, or a 60th of a scaled rate window
   * (EDGEFORM_RATE_WINDOW_SCALE, with the emulator's matching window); the jitter scales with it.
   */
  secondMs?: number;
}

/**
 * NOTE: attempts of a read (GET domain/config): it changes nothing and a plan cannot go on without
 * its answer, so it is tried until the call's time (maxElapsedMs) is spent, up to this many
 * (8 left about one plan in 1,000 failing under 24 % faults).
 */
export const BAISHAN_READ_MAX_ATTEMPTS = 24;

export const DEFAULT_BAISHAN_RETRY_POLICY: BaishanRetryPolicy = {
  maxAttempts: 8,
  readMaxAttempts: BAISHAN_READ_MAX_ATTEMPTS,
  maxElapsedMs: 10 * 60_000,
  baseMs: 500,
  maxMs: 15_000,
  retryAfterJitterMs: 250,
};

export interface BaishanFailure {
  errorClass: BaishanErrorClass;
  /** The X-Retry-After header, in seconds, when the answer had one. */
  retryAfterSeconds?: number;
  /** What the transport threw, for a failure without an answer. */
  cause?: unknown;
  /** The call was a read (GET domain/config): readMaxAttempts bounds it, not maxAttempts. */
  read?: boolean;
}

export type BaishanRetryDecision = { kind: 'fail' } | { kind: 'retry'; waitMs: number; throttled: boolean };

/**
 * NOTE: every write edgeform sends is a cover/reset form or a toggle computed from the live state,
 * so a POST that failed with a 5xx or a dropped connection is repeated as it is (see postConfig).
 */
export function decideBaishanRetry(
  failure: BaishanFailure,
  attempt: number,
  elapsedMs: number,
  policy: BaishanRetryPolicy = DEFAULT_BAISHAN_RETRY_POLICY,
  random: () => number = Math.random,
): BaishanRetryDecision {
  // This process closed the pool (the run is ending): no attempt can succeed.
  if (isClosedClient(failure.cause)) return { kind: 'fail' };
  const maxAttempts = failure.read ? policy.readMaxAttempts : policy.maxAttempts;
  if (!isRetryable(failure.errorClass) || attempt >= maxAttempts || elapsedMs > policy.maxElapsedMs) {
    return { kind: 'fail' };
  }
  const throttled = failure.errorClass === 'throttled';
  const retryAfter = failure.retryAfterSeconds;
  if (throttled && retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) {
    // Seconds to the window reset, plus a little jitter.
    const second = policy.secondMs ?? 1000;
    return {
      kind: 'retry',
      waitMs: retryAfter * second + Math.round((random() * policy.retryAfterJitterMs * second) / 1000),
      throttled,
    };
  }
  return {
    kind: 'retry',
    waitMs: backoffDelay(attempt - 1, { baseMs: policy.baseMs, maxMs: policy.maxMs, random }),
    throttled,
  };
}
