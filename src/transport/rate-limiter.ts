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
  /**
   * The shortest round trip seen, shared by the limiters of one endpoint (one per action): every
   * action's requests travel the same path, and the more samples, the closer to the real floor.
   */
  roundTrip?: RoundTrip;
}

/**
 * The shortest round trip of the requests to one endpoint: the part of a round trip no request
 * escapes (travel, the server's fixed work). Queueing only lengthens a round trip, so the least
 * seen is an estimate of that part from above — too long when every sample so far queued a
 * little (a run's first calls on a loaded machine: 24.7 ms seen for a 20 ms floor, and a request
 * sent on it landed 2.6 ms inside the window it was meant to miss). So four fifths of it are
 * used (bench, 50 proxies, load 4–7: 11 refusals in 12 plans with the whole, none with 4/5), and
 * a refusal halves it.
 */
export class RoundTrip {
  #minMs = Number.POSITIVE_INFINITY;

  /** The part of a round trip counted on: 4/5 of the shortest seen (0 before any). */
  get minMs(): number {
    return Number.isFinite(this.#minMs) ? this.#minMs * 0.8 : 0;
  }

  observe(ms: number): void {
    if (ms >= 0 && ms < this.#minMs) this.#minMs = ms;
  }

  /** A refusal: the estimate was too long. */
  shorten(): void {
    if (Number.isFinite(this.#minMs)) this.#minMs /= 2;
  }
}

export type AcquirePriority = 'normal' | 'low';

/**
 * A slot taken for one request whose answer the caller reports (`RateLimiter.acquireSlot`,
 * `RateLimiter.claimed`). The limiter then knows when the request may have reached the server.
 */
export interface RateSlot {
  /** The server answered (success or any error but a rate-limit refusal), or the call failed. */
  answered(): void;
  /**
   * The server refused the request for its rate limit: it did not count there, so its slot is
   * given back, and the limiter stops trusting the send times of the requests still in its
   * window (see `RateLimiter`).
   */
  refused(): void;
}

/**
 * No entry counts longer than this many windows past its send + window + margin: a call that hangs
 * (up to its deadline) or whose answer is never reported does not hold its slot for good. A call
 * in flight holds it until its answer otherwise: under load the bench saw answers 300 ms (six
 * scaled windows) after the send, and a cap of two windows let the next burst out while the
 * previous one still queued at the server.
 */
const HOLD_CAP_WINDOWS = 30;

interface Turn {
  priority: AcquirePriority;
  resolve: (entry: Entry) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * One request in the window. `answeredAt`: NaN while in flight. `tracked`: the caller reports the
 * answer (else only the send time is known, and the entry holds its slot one window from it).
 * `strict`: sent before a refusal, so its answer time alone bounds its arrival.
 */
interface Entry {
  sentAt: number;
  answeredAt: number;
  tracked: boolean;
  strict: boolean;
}

/**
 * Client-side limiter: at most `limit` requests in any sliding window of `windowMs`, counted at
 * the server. Any fixed window the server counts in is also a sliding window, so staying under
 * this bound never trips the vendor's limit, whatever its windows' alignment.
 *
 * NOTE: what counts is when a request *arrives*, which the client does not see: between its send
 * and its answer. Counting send times alone (as this limiter did) is wrong by the spread of the
 * requests' travel and queueing times: requests sent together are handled one after another, so
 * the first of a burst can open the server's window late, and the next burst, sent one window
 * after the first, arrives inside it (bench, 50 proxies: 188 refusals in five plans at a 2 %
 * margin). So a request whose answer is reported (`acquireSlot`) holds its slot until both
 *   - its send + window + margin (as before), and
 *   - its answer − the shortest round trip seen + window + margin: it arrived at the latest one
 *     return trip before its answer, and a request sent now arrives at the earliest one outward
 *     trip from now; the shortest round trip is the least those two trips can add up to;
 * and while in flight it holds it until its answer: the server may count it any moment before it
 * answers. A slow answer (a queue at the server) thus delays the next request just as much, and a
 * steady round trip costs a fifth of itself (the part of the round trip not counted on). A
 * refusal shows the model wrong for the requests still in the window: for them the answer time
 * alone counts (no round trip subtracted), which is when the server's window that refused surely
 * ended — the refused call is retried then, not after a fixed backoff. No entry
 * holds its slot longer than HOLD_CAP_WINDOWS windows past its window (an answer never reported, a
 * call that hangs).
 *
 * Adaptive: the server can lower the allowance (X-Ratelimit-Limit), ask for a pause
 * (X-Ratelimit-Remaining 0 / X-Retry-After), refusals lower it once per window, and the limiter
 * recovers step by step once a couple of windows pass without complaint.
 */
export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  #effectiveLimit: number;
  /** Requests that may still count in the server's window, in send order. */
  #log: Entry[] = [];
  /** Slots the scheduler took with `tryTake`, not yet bound to a call by `claimed()`. */
  #claims: Entry[] = [];
  readonly #roundTrip: RoundTrip;
  #pausedUntil = 0;
  #lastPenalty = Number.NEGATIVE_INFINITY;
  #lastDecrease = Number.NEGATIVE_INFINITY;
  /** Callers waiting for a slot: every normal turn before any low one, each in arrival order. */
  #turns: Turn[] = [];
  /** Ends the current sleep early (a refusal or an answer can free a slot sooner). */
  #wake: AbortController | undefined;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #marginMs: number;

  constructor(opts: RateLimiterOptions) {
    if (!(opts.limit > 0) || !(opts.windowMs > 0))
      throw new RangeError('rate limit and window must be positive');
    this.limit = opts.limit;
    this.windowMs = opts.windowMs;
    this.#effectiveLimit = opts.limit;
    // Sub-millisecond: Date.now's whole milliseconds misplace sends and answers by up to 1 ms
    // each, as much as the whole margin of a 50 ms scaled window.
    this.#now = opts.now ?? (() => performance.now());
    this.#roundTrip = opts.roundTrip ?? new RoundTrip();
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
   * (status polls) wait while any `normal` caller (a write) waits for the same budget. The slot
   * counts from now for one window; use `acquireSlot` to report the answer.
   */
  async acquire(signal?: AbortSignal, priority: AcquirePriority = 'normal'): Promise<void> {
    await this.#enqueue(signal, priority);
  }

  /** `acquire`, for a request whose answer the caller reports on the slot. */
  async acquireSlot(signal?: AbortSignal, priority: AcquirePriority = 'normal'): Promise<RateSlot> {
    const entry = await this.#enqueue(signal, priority);
    entry.tracked = true;
    return this.#slotOf(entry);
  }

  #enqueue(signal: AbortSignal | undefined, priority: AcquirePriority): Promise<Entry> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Entry>((resolve, reject) => {
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
   * The call made on a slot taken here gets it with `claimed()`.
   */
  tryTake(): number {
    const t = this.#now();
    const wait = this.#turns.length > 0 ? Math.max(1, this.#waitMs(t)) : this.#waitMs(t);
    if (wait > 0) return wait;
    const entry = this.#record(t);
    this.#claims.push(entry);
    return 0;
  }

  /**
   * The slot `tryTake` took for the call now being made (the oldest one not yet claimed); a slot
   * of its own, taken without waiting, if there is none (as the scheduler's claim says there is).
   */
  claimed(): RateSlot {
    const t = this.#now();
    const horizon = t - (1 + HOLD_CAP_WINDOWS) * this.windowMs - this.#marginMs;
    let entry: Entry | undefined;
    while (this.#claims.length > 0 && entry === undefined) {
      const c = this.#claims.shift()!;
      if (c.sentAt > horizon) entry = c;
    }
    entry ??= this.#record(t);
    entry.tracked = true;
    return this.#slotOf(entry);
  }

  /** Ms until a slot may be free (0: now), taking nothing. */
  freeInMs(): number {
    return this.#waitMs(this.#now());
  }

  #record(t: number): Entry {
    const entry: Entry = { sentAt: t, answeredAt: Number.NaN, tracked: false, strict: false };
    this.#log.push(entry);
    return entry;
  }

  #slotOf(entry: Entry): RateSlot {
    let reported = false;
    return {
      answered: () => {
        if (reported) return;
        reported = true;
        const t = this.#now();
        entry.answeredAt = t;
        this.#roundTrip.observe(t - entry.sentAt);
        // A slot held only by this call being in flight may be free now.
        this.#rouse();
      },
      refused: () => {
        if (reported) return;
        reported = true;
        const t = this.#now();
        this.#roundTrip.observe(t - entry.sentAt);
        this.#roundTrip.shorten();
        const i = this.#log.indexOf(entry);
        if (i >= 0) this.#log.splice(i, 1);
        // Our requests that may have been in the window that refused: at most that many fit there.
        let ours = 0;
        for (const e of this.#log) {
          e.strict = true;
          if (this.#expiry(e, t) > t) ours++;
        }
        this.#slowDown(t);
        // NOTE: the server allows fewer than we thought (a stricter limit than documented, or
        // another client spending the budget). A share off per window (slowDown) took several
        // windows of refusals to get from 30 believed to 20 allowed; the count is evidence at once.
        this.#effectiveLimit = Math.max(1, Math.min(this.#effectiveLimit, ours));
        this.#rouse();
      },
    };
  }

  /**
   * When `e` stops counting, as far as is known at `t` (for one in flight: at the earliest, were it
   * answered now); `strict`: from its answer alone, the latest it may count anywhere (entries are
   * kept that long, so a refusal can tell how many of ours were in the server's window).
   */
  #expiry(e: Entry, t: number, strict = e.strict): number {
    const byWindow = e.sentAt + this.windowMs + this.#marginMs;
    if (!e.tracked) return byWindow;
    const trip = strict ? 0 : this.#roundTrip.minMs;
    const answered = Number.isNaN(e.answeredAt) ? t : e.answeredAt;
    const byAnswer = answered - trip + this.windowMs + this.#marginMs;
    return Math.min(Math.max(byWindow, byAnswer), this.#capOf(e));
  }

  #capOf(e: Entry): number {
    return e.sentAt + (1 + HOLD_CAP_WINDOWS) * this.windowMs + this.#marginMs;
  }

  /** Ms until a slot is free at `t` (0: free now). Drops entries that stopped counting. */
  #waitMs(t: number): number {
    this.#recover(t);
    if (this.#pausedUntil > t) return Math.ceil(this.#pausedUntil - t);
    // Fewer entries than the allowance: free, whatever they hold (dropped once there are enough).
    if (this.#log.length < this.#effectiveLimit) return 0;
    const live: number[] = [];
    let kept = 0;
    for (const e of this.#log) {
      if (this.#expiry(e, t, true) <= t) continue;
      this.#log[kept++] = e;
      let until = this.#expiry(e, t);
      // NOTE: a call in flight counts until its answer (or the cap), whatever the round trips
      // seen: the server may count it any moment before it answers. Crediting the round trip from
      // `now` freed its slot while it still queued there once that estimate passed a window (bench,
      // 50 proxies on a loaded machine: answers 260 ms after the send, 30 refusals in one plan).
      // Its answer wakes the waiting callers (`answered`); the estimate below is only when to look
      // again without one (a scheduler's `tryTake`): a window (a twentieth woke every sleeper 400
      // times a second per action while answers queued: +20 % of the client's CPU at load 6).
      if (e.tracked && Number.isNaN(e.answeredAt)) {
        until = Math.min(Math.max(until, t + this.windowMs), this.#capOf(e));
      }
      if (until > t) live.push(until);
    }
    this.#log.length = kept;
    if (live.length < this.#effectiveLimit) return 0;
    // The slot frees when all but limit − 1 of the counting entries have stopped counting.
    live.sort((a, b) => a - b);
    return Math.max(1, Math.ceil(live[live.length - this.#effectiveLimit]! - t));
  }

  /** Grants slots to waiting callers in order; sleeps (one sleeper at a time) when none is free. */
  #serve(): void {
    if (this.#wake) return;
    while (this.#turns.length > 0) {
      const t = this.#now();
      const wait = this.#waitMs(t);
      if (wait > 0) {
        const wake = new AbortController();
        this.#wake = wake;
        const again = () => {
          if (this.#wake !== wake) return;
          this.#wake = undefined;
          this.#serve();
        };
        this.#sleep(wait, wake.signal).then(again, again);
        return;
      }
      const turn = this.#turns.shift()!;
      if (turn.signal && turn.onAbort) turn.signal.removeEventListener('abort', turn.onAbort);
      turn.resolve(this.#record(t));
    }
  }

  /** Ends the current sleep: the slots are counted again at once. */
  #rouse(): void {
    const wake = this.#wake;
    if (!wake) return;
    this.#wake = undefined;
    wake.abort();
    this.#serve();
  }

  /** The server asked for a pause (X-Retry-After, or a backoff after repeated refusals). */
  penalize(waitMs: number, _reason = 'throttled'): void {
    const t = this.#now();
    this.#pausedUntil = Math.max(this.#pausedUntil, t + Math.max(0, waitMs));
    this.#slowDown(t);
  }

  #slowDown(t: number): void {
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
