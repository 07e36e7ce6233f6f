import { EdgeformError, toEdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import type { JsonValue } from '../core/json-types.js';
import type { Provider, StepWait, WaitPacing, WaitReading } from '../planner/provider-types.js';

/** Used when a provider does not say how to pace its polls. */
export const DEFAULT_PACING: WaitPacing = { firstMs: 500, minMs: 500, maxMs: 5_000 };

/**
 * Once the first poll of a kind is learned, later polls come at this share of it: a wait then
 * ends at most an eighth of the object's usual delay after the object is ready.
 */
const STEADY_SHARE = 1 / 8;

/**
 * A read that answers several waits (one DescribeProxies for up to 100 proxies) may come as many
 * times more often than `maxMs`, up to this many: its calls per wait stay those of a lone wait
 * read every `maxMs`. A long wait (a proxy, 60 s) is then read at most a quarter of `maxMs`
 * after its object is ready, when many share it: every listener below the proxies waits for that.
 */
const MAX_SHARING = 4;

interface Waiter {
  stepId: string;
  wait: StepWait;
  since: number;
  /** When this waiter next needs a read. */
  dueAt: number;
  polls: number;
  lastSeen?: string;
  /** ms after `since` of the last read that saw it not ready yet. */
  lastPendingAfter?: number;
  /**
   * Registered while another wait of its kind (the scout) was finding the kind's delay: not read
   * on a schedule of its own until the scout ends (see #scouts).
   */
  follows?: boolean;
}

/**
 * A kind's delay as the run has seen it: every wait that ended was seen not ready `lo` ms after
 * its write (the latest such read; 0 when its first read found it ready) and ready `hi` ms after.
 */
interface Learned {
  lo: number;
  hi: number;
  /** When the next wait of the kind is first read, ms after its write. */
  firstMs: number;
}

interface Watcher {
  providerId: string;
  scope: string;
  waiters: Map<string, Waiter>;
  timer: ReturnType<typeof setTimeout> | undefined;
  timerAt: number | undefined;
  polling: boolean;
}

export interface WatchersHost {
  providers: ReadonlyMap<string, Provider>;
  events: EventSink;
  now: () => number;
  signal?: AbortSignal;
  /** The wait ended: the object is ready (with values read from it, if the provider read any). */
  ready(stepId: string, outputs?: Record<string, JsonValue>): void;
  /** The wait ended badly: a failed state, a timeout, a read that cannot succeed. */
  failed(stepId: string, error: EdgeformError): void;
  /** API calls the watchers made. */
  counted(calls: number): void;
}

/**
 * Asynchronous waits, held apart from the slots. One watcher per provider scope answers all of
 * its waiters with one `watch` (the provider makes the fewest calls its API allows, e.g. one
 * DescribeProxies for up to 100 proxies). Each kind's first poll comes at the delay the run has
 * learned from that kind's earlier transitions, then polls are steady.
 */
export class WaitWatchers {
  readonly #host: WatchersHost;
  readonly #watchers = new Map<string, Watcher>();
  /** What the run has seen of each provider and kind's delay (see #learn). */
  readonly #learned = new Map<string, Learned>();
  /**
   * Per provider and kind not learned yet, the one wait that polls on the growing schedule to find
   * the kind's delay. The waits of that kind registered meanwhile follow it: a burst of creates
   * of one kind (every proxy's listeners at once) would otherwise each be read at 25, 62, 119,
   * 203 ms... before the first of them ends, several reads a wait. When the scout ends ready the
   * kind is learned and its followers are re-timed to their own write plus the learned delay
   * (#retime); when it ends otherwise, they go back to a schedule of their own.
   */
  readonly #scouts = new Map<string, Waiter>();
  readonly #inFlight = new Set<Promise<void>>();
  #count = 0;
  #closed = false;

  constructor(host: WatchersHost) {
    this.#host = host;
  }

  /** Steps waiting now. */
  get size(): number {
    return this.#count;
  }

  register(providerId: string, stepId: string, wait: StepWait): void {
    const t = this.#host.now();
    const key = `${providerId}\0${wait.scope}`;
    let w = this.#watchers.get(key);
    if (!w) {
      w = {
        providerId,
        scope: wait.scope,
        waiters: new Map(),
        polling: false,
        timer: undefined,
        timerAt: undefined,
      };
      this.#watchers.set(key, w);
    }
    const kindKey = `${providerId}\0${wait.kind}`;
    const learned = this.#learned.get(kindKey)?.firstMs;
    const x: Waiter = {
      stepId,
      wait,
      since: t,
      dueAt: t + (learned ?? this.#pacing(providerId).firstMs),
      polls: 0,
    };
    if (learned === undefined) {
      if (this.#scouts.has(kindKey)) {
        x.follows = true;
        x.dueAt = Number.POSITIVE_INFINITY;
      } else {
        this.#scouts.set(kindKey, x);
      }
    }
    w.waiters.set(stepId, x);
    this.#count++;
    this.#host.events({ kind: 'step-wait', stepId, waitingFor: wait.what });
    this.#arm(w);
  }

  /** Stops every wait (an interrupted run) and returns what was being waited for. */
  abandon(): { stepId: string; what: string; lastSeen?: string }[] {
    this.#closed = true;
    const out: { stepId: string; what: string; lastSeen?: string }[] = [];
    for (const w of this.#watchers.values()) {
      if (w.timer) clearTimeout(w.timer);
      for (const x of w.waiters.values())
        out.push({ stepId: x.stepId, what: x.wait.what, ...(x.lastSeen ? { lastSeen: x.lastSeen } : {}) });
      w.waiters.clear();
    }
    this.#watchers.clear();
    this.#count = 0;
    return out;
  }

  /** Resolves once no poll is in flight (an interrupted run lets them finish). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  #pacing(providerId: string): WaitPacing {
    return this.#host.providers.get(providerId)?.waitPacing ?? DEFAULT_PACING;
  }

  #arm(w: Watcher): void {
    if (w.polling || this.#closed) return;
    if (w.waiters.size === 0) {
      if (w.timer) clearTimeout(w.timer);
      this.#watchers.delete(`${w.providerId}\0${w.scope}`);
      return;
    }
    let due = Number.POSITIVE_INFINITY;
    for (const x of w.waiters.values()) due = Math.min(due, x.dueAt);
    if (w.timer && w.timerAt === due) return;
    if (w.timer) clearTimeout(w.timer);
    w.timer = undefined;
    w.timerAt = undefined;
    // Only followers: their scout's end re-times them.
    if (due === Number.POSITIVE_INFINITY) return;
    w.timerAt = due;
    w.timer = setTimeout(
      () => {
        w.timer = undefined;
        w.timerAt = undefined;
        const p = this.#poll(w).finally(() => this.#inFlight.delete(p));
        this.#inFlight.add(p);
      },
      Math.max(0, due - this.#host.now()),
    );
  }

  async #poll(w: Watcher): Promise<void> {
    const provider = this.#host.providers.get(w.providerId);
    const waiters = [...w.waiters.values()];
    w.polling = true;
    const startedAt = this.#host.now();
    let readings: WaitReading[];
    try {
      if (!provider?.watch) throw new Error(`provider ${w.providerId} declared a wait it cannot watch`);
      const answer = await provider.watch(
        w.scope,
        waiters.map((x) => x.wait),
        { events: this.#host.events, ...(this.#host.signal ? { signal: this.#host.signal } : {}) },
      );
      this.#host.counted(answer.calls);
      readings = answer.readings;
    } catch (e) {
      if (this.#closed) return;
      const error = toEdgeformError(e);
      readings = waiters.map(() => ({ kind: 'failed', error }));
    } finally {
      w.polling = false;
    }
    if (this.#closed) return;
    const pacing = this.#pacing(w.providerId);
    const t = this.#host.now();
    const sharing = Math.min(MAX_SHARING, waiters.length);
    waiters.forEach((x, i) => {
      if (!w.waiters.has(x.stepId)) return;
      const r = readings[i] ?? { kind: 'unknown' };
      x.polls++;
      switch (r.kind) {
        case 'ready':
          this.#learn(w.providerId, x, startedAt - x.since, pacing);
          this.#end(w, x);
          this.#host.ready(x.stepId, r.outputs);
          return;
        case 'failed':
          this.#end(w, x);
          this.#host.failed(x.stepId, toEdgeformError(r.error));
          return;
        case 'pending':
          x.lastPendingAfter = startedAt - x.since;
          if (r.seen !== x.lastSeen)
            this.#host.events({
              kind: 'step-wait',
              stepId: x.stepId,
              waitingFor: x.wait.what,
              lastSeen: r.seen,
            });
          x.lastSeen = r.seen;
          break;
        case 'unknown':
          break;
        default: {
          const never: never = r;
          void never;
        }
      }
      if (t - x.since > x.wait.timeoutMs) {
        this.#end(w, x);
        this.#host.failed(
          x.stepId,
          new EdgeformError({
            code: 'WAIT_TIMEOUT',
            message: `timed out after ${Math.round(x.wait.timeoutMs / 1000)}s waiting for ${x.wait.what}; last state seen: ${x.lastSeen ?? 'absent'}`,
            source: 'remote',
            resolution:
              'the change may still complete: run `edgeform plan` later to see whether anything remains',
          }),
        );
        return;
      }
      if (!x.follows) x.dueAt = Math.max(x.dueAt, t + this.#interval(w.providerId, x, pacing, sharing));
    });
    this.#arm(w);
  }

  /**
   * How long until this waiter's next read. Until the run has learned its kind's delay, the
   * interval grows by half from the first delay (a wait ends at most a third late); after, it is a
   * steady share of the learned delay; at most `maxMs`, divided among the waits one read answers
   * (`sharing`, see MAX_SHARING).
   */
  #interval(providerId: string, x: Waiter, pacing: WaitPacing, sharing: number): number {
    const learned = this.#learned.get(`${providerId}\0${x.wait.kind}`)?.firstMs;
    const raw =
      learned === undefined ? pacing.firstMs * 1.5 ** Math.min(x.polls, 30) : learned * STEADY_SHARE;
    // Never under minMs, however many waits one read answers.
    return Math.min(Math.max(pacing.minMs, pacing.maxMs / sharing), Math.max(pacing.minMs, raw));
  }

  /**
   * The first poll of a kind should come just as its objects become ready. Each wait that ended
   * bounds the delay: above by when it was read ready, below by when it was last read not ready.
   * While the bounds of all the kind's waits agree (one delay explains them all), the tightest are
   * kept and the first poll comes at the upper one: a wait of that delay is then read once. When
   * they disagree (the delay varies), the latest wait's bounds replace them. A wait ready at its
   * first read gives no lower bound: the next first poll comes a little earlier, to find one.
   * The first time a kind is learned, the waits of that kind already registered are re-timed.
   */
  #learn(providerId: string, x: Waiter, readyAfter: number, pacing: WaitPacing): void {
    const key = `${providerId}\0${x.wait.kind}`;
    const lo = x.lastPendingAfter ?? 0;
    const before = this.#learned.get(key);
    let next: Learned;
    if (before && Math.max(before.lo, lo) < Math.min(before.hi, readyAfter)) {
      next = { lo: Math.max(before.lo, lo), hi: Math.min(before.hi, readyAfter), firstMs: 0 };
    } else {
      next = { lo, hi: readyAfter, firstMs: 0 };
    }
    next.firstMs = Math.max(
      Math.min(pacing.minMs, pacing.firstMs),
      next.lo > 0 ? next.hi : Math.min(next.hi, readyAfter) * 0.9,
    );
    this.#learned.set(key, next);
    if (!before) this.#retime(providerId, x.wait.kind, next.firstMs);
  }

  /** Waits of a kind just learned are read when their objects should be ready, if that is sooner. */
  #retime(providerId: string, kind: string, firstMs: number): void {
    const t = this.#host.now();
    for (const w of this.#watchers.values()) {
      if (w.providerId !== providerId) continue;
      let moved = false;
      for (const y of w.waiters.values()) {
        if (y.wait.kind !== kind) continue;
        y.follows = false;
        const due = Math.max(t, y.since + firstMs);
        if (due < y.dueAt) {
          y.dueAt = due;
          moved = true;
        }
      }
      if (moved) this.#arm(w);
    }
  }

  #end(w: Watcher, x: Waiter): void {
    w.waiters.delete(x.stepId);
    this.#count--;
    const kindKey = `${w.providerId}\0${x.wait.kind}`;
    if (this.#scouts.get(kindKey) !== x) return;
    this.#scouts.delete(kindKey);
    // Ready, the kind is learned by now and its followers re-timed; ended otherwise (failed,
    // timed out), they go back to a schedule of their own.
    if (!this.#learned.has(kindKey)) this.#release(w.providerId, x.wait.kind);
  }

  /** The followers of a kind whose scout ended without learning it: polled on their own. */
  #release(providerId: string, kind: string): void {
    const t = this.#host.now();
    const pacing = this.#pacing(providerId);
    for (const w of this.#watchers.values()) {
      if (w.providerId !== providerId) continue;
      let moved = false;
      for (const y of w.waiters.values()) {
        if (!y.follows || y.wait.kind !== kind) continue;
        y.follows = false;
        y.dueAt = Math.max(t, y.since + pacing.firstMs);
        moved = true;
      }
      if (moved) this.#arm(w);
    }
  }
}
