import type { EdgeformEvent } from '../core/event-types.js';
import type { PlanStep } from '../planner/plan-types.js';
import type { Provider } from '../planner/provider-types.js';
import type { BudgetWait } from './ready-pool.js';

type Settled = 'done' | 'failed' | 'skipped';

interface ProviderTally {
  total: number;
  remaining: number;
  /** The least time the vendor's rate limits allowed for all of this provider's calls, at the start. */
  limitsMs: number;
}

/**
 * Counters and running sums of a run, updated on each event at constant cost: the progress line
 * and its ETA never scan the steps.
 */
export class ProgressTracker {
  readonly total: number;
  done = 0;
  failed = 0;
  skipped = 0;
  running = 0;
  waiting = 0;
  readonly #byProvider = new Map<string, ProviderTally>();
  readonly #now: () => number;
  #firstStart: number | undefined;

  constructor(steps: readonly PlanStep[], providers: ReadonlyMap<string, Provider>, now: () => number) {
    this.total = steps.length;
    this.#now = now;
    const grouped = new Map<string, PlanStep[]>();
    for (const s of steps) {
      let list = grouped.get(s.provider);
      if (!list) {
        list = [];
        grouped.set(s.provider, list);
      }
      list.push(s);
    }
    for (const [id, list] of grouped) {
      let limitsMs = 0;
      try {
        limitsMs = providers.get(id)?.estimateRemainingMs?.(list) ?? 0;
      } catch {
        // An estimate is never worth failing a run for (e.g. credentials not set yet).
      }
      this.#byProvider.set(id, { total: list.length, remaining: list.length, limitsMs });
    }
  }

  started(): void {
    this.#firstStart ??= this.#now();
    this.running++;
  }

  settled(step: PlanStep, how: Settled): void {
    this[how]++;
    const tally = this.#byProvider.get(step.provider);
    if (tally) tally.remaining--;
  }

  /**
   * The larger of two estimates: what the vendors' rate limits leave for the remaining steps
   * (each provider's estimate at the start, in proportion to what remains of its steps), and the
   * pace of the run so far applied to what remains.
   */
  etaMs(): number | undefined {
    const finished = this.done + this.failed + this.skipped;
    const remaining = this.total - finished;
    if (remaining === 0) return 0;
    let limits = 0;
    for (const t of this.#byProvider.values()) {
      if (t.total > 0) limits = Math.max(limits, (t.limitsMs * t.remaining) / t.total);
    }
    const elapsed = this.#firstStart === undefined ? 0 : this.#now() - this.#firstStart;
    if (finished === 0 || elapsed <= 0) return limits > 0 ? Math.round(limits) : undefined;
    const pace = (elapsed / finished) * remaining;
    return Math.round(Math.max(limits, pace));
  }

  event(budget: BudgetWait | undefined): Extract<EdgeformEvent, { kind: 'progress' }> {
    const estimate = this.etaMs();
    // While ready steps wait for a vendor's budget, the run cannot end before that budget returns.
    const eta = budget && estimate !== undefined ? Math.max(estimate, budget.ms) : estimate;
    return {
      kind: 'progress',
      done: this.done,
      failed: this.failed,
      skipped: this.skipped,
      total: this.total,
      inFlight: this.running,
      waiting: this.waiting,
      ...(eta === undefined ? {} : { etaMs: eta }),
      ...(budget ? { budgetWait: { provider: budget.provider, what: budget.key, waitMs: budget.ms } } : {}),
    };
  }
}
