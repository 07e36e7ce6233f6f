import type { PlanStep } from '../planner/plan-types.js';
import type { Provider } from '../planner/provider-types.js';

/**
 * Ready steps of one budget, the most urgent first: the highest rank (the least time from the
 * step's start to the plan's end, see execute-plan.ts `remainingTime`), then the one ready first.
 * A binary heap: O(log n) a push or a take.
 */
class RankQueue {
  #a: Entry[] = [];

  get size(): number {
    return this.#a.length;
  }

  push(x: Entry): void {
    const a = this.#a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  peek(): Entry | undefined {
    return this.#a[0];
  }

  shift(): Entry | undefined {
    const a = this.#a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }

  drain(): Entry[] {
    const rest = this.#a;
    this.#a = [];
    return rest;
  }
}

/** Whether x starts before y: the higher rank, then the earlier ready. */
function before(x: Entry, y: Entry): boolean {
  return x.rank > y.rank || (x.rank === y.rank && x.seq < y.seq);
}

interface Entry {
  step: PlanStep;
  /** The least time from this step's start to the end of the plan (`remainingTime`). */
  rank: number;
  /** Order in which steps became ready. */
  seq: number;
}

/** Ready steps of one provider drawing on one rate budget. */
interface Bucket {
  queue: RankQueue;
  /** The budget is spent until then (ms on the executor's clock). */
  blockedUntil: number;
}

/** One provider's ready steps and slots. */
interface Lane {
  provider: Provider | undefined;
  cap: number;
  running: number;
  ready: number;
  buckets: Map<string, Bucket>;
}

export interface Taken {
  step: PlanStep;
  /** The provider took the budget of the step's first call for it. */
  claimed: boolean;
}

export interface BudgetWait {
  provider: string;
  key: string;
  /** How long until the earliest blocked budget frees. */
  ms: number;
}

/**
 * The ready steps of a run, and the slots they may take. A step is taken only when its provider
 * is under its cap and its first call's rate budget is available now, so a step that cannot start
 * holds nothing: steps of other providers, and of the same provider's other budgets, start at once.
 * Among the steps that may start, the one with the longest time still to run after it starts
 * first (list scheduling by critical path, the rate budgets' backlogs counted: a proxy that takes
 * a minute to create, with listeners below it, goes before a real server only a binding waits
 * for; a listener create whose bindings are the longest rate-bound phase before a layer-7
 * listener), then the one ready first. Every operation is O(providers × budget keys + log
 * steps), never O(steps).
 */
export class ReadyPool {
  readonly #lanes = new Map<string, Lane>();
  readonly #order: Lane[] = [];
  #ready = 0;
  #seq = 0;
  readonly #now: () => number;

  constructor(providers: ReadonlyMap<string, Provider>, now: () => number) {
    this.#now = now;
    for (const [id, provider] of providers) this.#lane(id, provider);
  }

  get size(): number {
    return this.#ready;
  }

  /** A step whose dependencies are done; `rank` is its remaining time (higher starts first). */
  add(step: PlanStep, rank = 1): void {
    const lane = this.#lane(step.provider);
    const key = lane.provider?.budgetKey?.(step) ?? '';
    let bucket = lane.buckets.get(key);
    if (!bucket) {
      bucket = { queue: new RankQueue(), blockedUntil: 0 };
      lane.buckets.set(key, bucket);
    }
    bucket.queue.push({ step, rank, seq: this.#seq++ });
    lane.ready++;
    this.#ready++;
  }

  /**
   * The step that became ready first among those that may start now (their provider under its
   * cap, their budget free), or undefined when none may. Its provider slot is counted as taken.
   * A budget found spent is not asked again until it may have freed.
   */
  take(): Taken | undefined {
    const t = this.#now();
    for (;;) {
      let best: { lane: Lane; bucket: Bucket; entry: Entry } | undefined;
      for (const lane of this.#order) {
        if (lane.ready === 0 || lane.running >= lane.cap) continue;
        for (const [key, bucket] of lane.buckets) {
          const entry = bucket.queue.peek();
          if (!entry) {
            lane.buckets.delete(key);
            continue;
          }
          if (bucket.blockedUntil > t) continue;
          if (!best || before(entry, best.entry)) best = { lane, bucket, entry };
        }
      }
      if (!best) return undefined;
      const { lane, bucket, entry } = best;
      const waitMs = lane.provider?.claimStart ? lane.provider.claimStart(entry.step) : 0;
      if (waitMs > 0) {
        bucket.blockedUntil = t + waitMs;
        continue;
      }
      bucket.blockedUntil = 0;
      bucket.queue.shift();
      lane.running++;
      lane.ready--;
      this.#ready--;
      return { step: entry.step, claimed: lane.provider?.claimStart !== undefined };
    }
  }

  /** A step of this provider left its slot (finished, failed, or went waiting). */
  release(providerId: string): void {
    const lane = this.#lanes.get(providerId);
    if (lane) lane.running--;
  }

  /** When a blocked budget may free, if some ready step waits for one (for the wake-up timer). */
  nextUnblock(): number | undefined {
    let at: number | undefined;
    for (const lane of this.#order) {
      if (lane.running >= lane.cap) continue;
      for (const b of lane.buckets.values()) {
        if (b.queue.size > 0 && b.blockedUntil > 0 && (at === undefined || b.blockedUntil < at))
          at = b.blockedUntil;
      }
    }
    return at;
  }

  /** The ready steps' longest wait for a vendor's budget right now, if any are blocked on one. */
  budgetWait(): BudgetWait | undefined {
    const t = this.#now();
    let worst: BudgetWait | undefined;
    for (const [id, lane] of this.#lanes) {
      for (const [key, b] of lane.buckets) {
        if (b.queue.size === 0 || b.blockedUntil <= t) continue;
        const ms = b.blockedUntil - t;
        if (!worst || ms > worst.ms) worst = { provider: id, key, ms };
      }
    }
    return worst;
  }

  /** Empties the pool (an interrupted run): the steps that were ready. */
  drain(): PlanStep[] {
    const out: PlanStep[] = [];
    for (const lane of this.#order) {
      for (const b of lane.buckets.values()) out.push(...b.queue.drain().map((e) => e.step));
      lane.buckets.clear();
      lane.ready = 0;
    }
    this.#ready = 0;
    return out;
  }

  #lane(id: string, provider?: Provider): Lane {
    let lane = this.#lanes.get(id);
    if (!lane) {
      lane = {
        provider,
        cap: Math.max(1, provider?.limits.concurrency ?? 1),
        running: 0,
        ready: 0,
        buckets: new Map(),
      };
      this.#lanes.set(id, lane);
      this.#order.push(lane);
    }
    return lane;
  }
}
