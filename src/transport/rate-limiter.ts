import { sleep as defaultSleep } from './backoff.js';

export interface RateLimiterOptions {
  /** Calls allowed per window. */
  limit: number;
  windowMs: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Extra spacing added to the window, as a share of it. Requests leave here and arrive there at
   * slightly different moments; without a margin two calls sent exactly one window apart can land
   * in the same server window.
   */
  marginRatio?: number;
}

/**
 * Client-side limiter: at most `limit` acquisitions in any sliding window of `windowMs`
 * (a sliding log). Any fixed window the server counts in is also a sliding window, so staying
 * under this bound never trips the vendor's fixed-window limit, while using all of it.
 *
 * Adaptive: the server can lower the allowance (X-Ratelimit-Limit), ask for a pause
 * (X-Ratelimit-Remaining 0 / X-Retry-After, RequestLimitExceeded), and the limiter recovers
 * step by step once a couple of windows pass without complaint.
 */
export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  #effectiveLimit: number;
  #log: number[] = [];
  #pausedUntil = 0;
  #lastPenalty = Number.NEGATIVE_INFINITY;
  #tail: Promise<void> = Promise.resolve();
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #marginMs: number;

  constructor(opts: RateLimiterOptions) {
    if (!(opts.limit > 0) || !(opts.windowMs > 0))
      throw new RangeError('rate limit and window must be positive');
    this.limit = opts.limit;
    this.windowMs = opts.windowMs;
    this.#effectiveLimit = opts.limit;
    this.#now = opts.now ?? Date.now;
    this.#sleep = opts.sleep ?? defaultSleep;
    // 2% of the window, but never under 10 ms (loopback jitter under load is of that order),
    // and never over a fifth of it (tests and benchmarks scale windows down to tens of ms).
    const ratio = opts.marginRatio ?? 0.02;
    this.#marginMs = Math.ceil(
      Math.min(Math.max(opts.windowMs * ratio, 10), opts.windowMs * Math.max(ratio, 0.2)),
    );
  }

  get effectiveLimit(): number {
    return this.#effectiveLimit;
  }

  /** Waits for a slot. Callers are served first come, first served. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.#tail.then(() => this.#waitForSlot(signal));
    // A rejected (aborted) turn must not block the callers behind it.
    this.#tail = turn.catch(() => {});
    return turn;
  }

  async #waitForSlot(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const t = this.#now();
      this.#recover(t);
      if (this.#pausedUntil > t) {
        await this.#sleep(this.#pausedUntil - t, signal);
        continue;
      }
      const horizon = t - this.windowMs - this.#marginMs;
      while (this.#log.length > 0 && this.#log[0]! <= horizon) this.#log.shift();
      if (this.#log.length < this.#effectiveLimit) {
        this.#log.push(t);
        return;
      }
      const oldest = this.#log[this.#log.length - this.#effectiveLimit]!;
      await this.#sleep(Math.max(1, oldest + this.windowMs + this.#marginMs - t), signal);
    }
  }

  /** The server throttled us: pause everyone for `waitMs` and slow down. */
  penalize(waitMs: number, _reason = 'throttled'): void {
    const t = this.#now();
    this.#pausedUntil = Math.max(this.#pausedUntil, t + Math.max(0, waitMs));
    this.#effectiveLimit = Math.max(1, Math.floor(this.#effectiveLimit * 0.8));
    this.#lastPenalty = t;
  }

  /** What the server's rate-limit headers said about the current window. */
  observe(info: { limit?: number; remaining?: number; resetInMs?: number }): void {
    if (info.limit !== undefined && info.limit > 0 && info.limit < this.#effectiveLimit) {
      this.#effectiveLimit = info.limit;
    }
    if (info.remaining === 0 && info.resetInMs !== undefined) {
      this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + info.resetInMs);
    }
  }

  /** Milliseconds until `calls` more acquisitions could complete at the current allowance. */
  estimateMs(calls: number): number {
    if (calls <= 0) return 0;
    const perWindow = this.#effectiveLimit;
    const windows = Math.floor((calls - 1) / perWindow);
    return windows * (this.windowMs + this.#marginMs);
  }

  #recover(t: number): void {
    if (this.#effectiveLimit < this.limit && t - this.#lastPenalty > 2 * this.windowMs) {
      this.#effectiveLimit = Math.min(
        this.limit,
        this.#effectiveLimit + Math.max(1, Math.ceil(this.limit / 10)),
      );
      this.#lastPenalty = t - this.windowMs; // one step per window, not all at once
    }
  }
}

/** One limiter per key (GAAP: per action), created on first use. */
export class KeyedRateLimiter {
  readonly #limiters = new Map<string, RateLimiter>();
  constructor(private readonly factory: (key: string) => RateLimiter) {}

  get(key: string): RateLimiter {
    let l = this.#limiters.get(key);
    if (!l) {
      l = this.factory(key);
      this.#limiters.set(key, l);
    }
    return l;
  }
}
