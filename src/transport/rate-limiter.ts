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
   * in the same server window. Default 0.02 (20 ms of a GAAP second, 1.2 s of a Baishan minute).
   */
  marginRatio?: number;
}

export type AcquirePriority = 'normal' | 'low';

interface Turn {
  priority: AcquirePriority;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
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
  #lastDecrease = Number.NEGATIVE_INFINITY;
  /** Callers waiting for a slot: every normal turn before any low one, each in arrival order. */
  #turns: Turn[] = [];
  #sleeping = false;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #marginMs: number;

  constructor(opts: RateLimiterOptions) {
    if (!(opts.limit > 0) || !(opts.windowMs > 0))
      throw new RangeError('rate limit and window must be positive');
    this.limit = opts.limit;
    this.windowMs = opts.windowMs;
    this.#effectiveLimit = opts.limit;
    this.#now = opts.now ?? (() => Date.now());
    this.#sleep = opts.sleep ?? defaultSleep;
    // A share of the window, so a window scaled down for a benchmark keeps the same proportions
    // (a fixed floor of 10 ms was a fifth of a 50 ms scaled GAAP second).
    this.#marginMs = opts.windowMs * (opts.marginRatio ?? 0.02);
  }

  get effectiveLimit(): number {
    return this.#effectiveLimit;
  }

  /**
   * Waits for a slot. Callers are served first come, first served, except that `low` callers
   * (status polls) wait while any `normal` caller (a write) waits for the same budget.
   */
  acquire(signal?: AbortSignal, priority: AcquirePriority = 'normal'): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const turn: Turn = { priority, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        turn.onAbort = () => {
          const i = this.#turns.indexOf(turn);
          if (i >= 0) this.#turns.splice(i, 1);
          reject(signal.reason);
          this.#serve();
        };
        signal.addEventListener('abort', turn.onAbort, { once: true });
      }
      if (priority === 'normal') {
        const firstLow = this.#turns.findIndex((t) => t.priority === 'low');
        if (firstLow < 0) this.#turns.push(turn);
        else this.#turns.splice(firstLow, 0, turn);
      } else {
        this.#turns.push(turn);
      }
      this.#serve();
    });
  }

  /**
   * Takes a slot if one is free now and nobody waits for one: answers 0. Otherwise takes nothing
   * and answers the milliseconds until a slot may free (the executor then starts other work).
   */
  tryTake(): number {
    const t = this.#now();
    const wait = this.#turns.length > 0 ? Math.max(1, this.#waitMs(t)) : this.#waitMs(t);
    if (wait > 0) return wait;
    this.#log.push(t);
    return 0;
  }

  /** Ms until a slot is free at `t` (0: free now). Drops log entries that left the window. */
  #waitMs(t: number): number {
    this.#recover(t);
    if (this.#pausedUntil > t) return Math.ceil(this.#pausedUntil - t);
    const horizon = t - this.windowMs - this.#marginMs;
    let drop = 0;
    while (drop < this.#log.length && this.#log[drop]! <= horizon) drop++;
    if (drop > 0) this.#log.splice(0, drop);
    if (this.#log.length < this.#effectiveLimit) return 0;
    const oldest = this.#log[this.#log.length - this.#effectiveLimit]!;
    return Math.max(1, Math.ceil(oldest + this.windowMs + this.#marginMs - t));
  }

  /** Grants slots to waiting callers in order; sleeps (one sleeper at a time) when none is free. */
  #serve(): void {
    if (this.#sleeping) return;
    while (this.#turns.length > 0) {
      const t = this.#now();
      const wait = this.#waitMs(t);
      if (wait > 0) {
        this.#sleeping = true;
        this.#sleep(wait).then(
          () => {
            this.#sleeping = false;
            this.#serve();
          },
          () => {
            this.#sleeping = false;
            this.#serve();
          },
        );
        return;
      }
      const turn = this.#turns.shift()!;
      if (turn.signal && turn.onAbort) turn.signal.removeEventListener('abort', turn.onAbort);
      this.#log.push(t);
      turn.resolve();
    }
  }

  /** The server throttled us: pause everyone for `waitMs` and slow down. */
  penalize(waitMs: number, _reason = 'throttled'): void {
    const t = this.#now();
    this.#pausedUntil = Math.max(this.#pausedUntil, t + Math.max(0, waitMs));
    // One decrease per window: calls sent together are refused together, and their answers all
    // tell of the same server window. A decrease per answer took a burst of ten refusals from
    // 20 calls a window to 2 (bench, 200 proxies), and the budget back took ten windows.
    if (t - this.#lastDecrease >= this.windowMs) {
      this.#effectiveLimit = Math.max(1, Math.floor(this.#effectiveLimit * 0.8));
      this.#lastDecrease = t;
    }
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
