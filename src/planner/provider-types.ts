import type { EventSink } from '../core/event-types.js';
import type { JsonValue } from '../core/json-types.js';
import type { Plan, PlanStep, PlanWarning, ResourceChange, ResourceOutputs } from './plan-types.js';

/**
 * The one small interface through which a vendor plugs into the planner and executor.
 * The planner and executor know nothing else about a vendor.
 *
 * `Live` is what the provider reads and diffs, `Payload` what its steps carry: both are the
 * provider's own types, opaque to the planner and executor, which hand each live state and each
 * step back to the provider that produced it (a step names its provider). A `Provider` without
 * arguments is any provider.
 */
export interface Provider<Live = unknown, Payload = unknown> {
  readonly id: string;
  /** True when the desired state declares anything for this provider. */
  readonly hasDesired: boolean;
  /** Reads the live state relevant to the desired state, with the fewest calls the API allows. */
  read(ctx: ProviderContext): Promise<ProviderLive<Live>>;
  /** Diffs desired against live: typed changes, plus the concrete API steps that realise them. */
  plan(live: ProviderLive<Live>, ctx: ProviderContext): ProviderPlan<Payload>;
  /** Executes one step of a plan this provider produced. */
  execute(step: PlanStep<Payload>, ctx: StepContext): Promise<StepOutcome>;
  /**
   * Fingerprints of the live objects named by `addresses` as they are now, for the saved-plan
   * staleness check. Same function as used to fill `Plan.liveFingerprints`.
   */
  fingerprints(live: ProviderLive<Live>, addresses: readonly string[]): Record<string, string>;
  /** Execution limits the executor honours for this provider's steps. */
  readonly limits: ProviderLimits;
  /**
   * The least time the vendor's rate limits allow for the calls of these (not yet run) steps, at
   * the allowance the client currently has. Feeds the ETA of the progress view.
   */
  estimateRemainingMs?(steps: readonly PlanStep<Payload>[]): number;
  /**
   * The rate budget a step's first call draws on (GAAP: its action). Ready steps of one key queue
   * together, so a key whose budget is spent never holds up the provider's other keys.
   */
  budgetKey?(step: PlanStep<Payload>): string;
  /**
   * Takes the budget of the step's first call if it is available now and answers 0: the executor
   * then starts the step at once, and the step's first call does not wait for the budget again.
   * Otherwise answers the milliseconds until it may be, and takes nothing: a step that cannot
   * start holds no slot.
   */
  claimStart?(step: PlanStep<Payload>): number;
  /**
   * What a step is expected to cost, for the order ready steps start in (see `StepCost`). Without
   * it every step counts as one unit of time and no budget's backlog, so steps are ranked by the
   * number of steps on their longest chain.
   */
  stepCost?(step: PlanStep<Payload>): StepCost;
  /**
   * Reads the states of waits of one scope (see `StepWait.scope`) with the fewest calls the API
   * allows; one reading per wait, in order.
   */
  watch?(scope: string, waits: readonly StepWait[], ctx: ProviderContext): Promise<WatchAnswer>;
  /**
   * Poll pacing: before the run has seen a wait of some kind end, its first poll comes `firstMs`
   * after the write; later polls come at least `minMs` and at most `maxMs` apart.
   */
  readonly waitPacing?: WaitPacing;
  /**
   * Server-assigned values of the objects the stack owns, from a read; with `run`, as they are after
   * that run (created objects from the values its steps produced, deleted ones left out).
   */
  outputs?(live: ProviderLive<Live>, run?: AppliedRun): ResourceOutputs[];
}

/** What an apply did, as `Provider.outputs` needs it. */
export interface AppliedRun {
  plan: Plan;
  /** Values each step that finished produced, by step id. */
  stepOutputs: ReadonlyMap<string, Record<string, JsonValue>>;
}

export interface WaitPacing {
  firstMs: number;
  minMs: number;
  maxMs: number;
}

export interface ProviderContext {
  events: EventSink;
  signal?: AbortSignal;
}

export interface StepContext extends ProviderContext {
  /** Outcomes of steps already done in this run, by step id (e.g. to pick up created IDs). */
  outcomes: ReadonlyMap<string, StepOutcome>;
  /** True when `claimStart` took the budget of the step's first call for it. */
  startClaimed?: boolean;
}

/** Opaque to the planner: whatever the provider needs to diff. */
export interface ProviderLive<Live = unknown> {
  provider: string;
  data: Live;
  /** API calls made to read it (for the API-economy figures). */
  calls: number;
  warnings: PlanWarning[];
}

export interface ProviderPlan<Payload = unknown> {
  changes: ResourceChange[];
  steps: PlanStep<Payload>[];
  warnings: PlanWarning[];
  liveFingerprints: Record<string, string>;
}

export interface StepOutcome {
  /** Values the step produced (created IDs), readable by dependent steps. */
  outputs: Record<string, JsonValue>;
  /** API calls the step made, including retries and splits. */
  calls: number;
  /** For a batched step that was split after a failure: which parts failed. */
  partialFailures?: { addresses: string[]; error: string; code: string }[];
  /**
   * The step's change was accepted and its object is now in an asynchronous state. The executor
   * waits for it holding no slot, asks the provider's `watch` for its state, and counts the step
   * done (with these outputs) once it is ready.
   */
  wait?: StepWait;
}

/** A wait the provider declares and the executor carries out. `Detail` is the provider's own. */
export interface StepWait<Detail = unknown> {
  /**
   * Waits of one scope are answered together by one watcher, e.g. `DescribeProxies` (one call for
   * up to 100 proxies) or `DescribeHTTPListeners lnk-1` (every listener of one proxy).
   */
  scope: string;
  /** The object and the state waited for, e.g. `proxy web RUNNING` (progress and timeouts name it). */
  what: string;
  /** The first poll's delay is learned per kind of object, e.g. GAAP's read action `DescribeProxies`. */
  kind: string;
  timeoutMs: number;
  /** Provider-private: what its watcher reads. */
  detail: Detail;
}

export type WaitReading =
  /** Ready; `outputs`: step outputs read from the ready object (values it has only once ready). */
  | { kind: 'ready'; outputs?: Record<string, JsonValue> }
  /** Not there yet; `seen` is the state read (shown in progress and in a timeout). */
  | { kind: 'pending'; seen: string }
  /** The object reached a state from which it will not become ready. */
  | { kind: 'failed'; error: Error }
  /** The read failed (after the client's retries): the last state seen still stands. */
  | { kind: 'unknown' };

export interface WatchAnswer {
  readings: WaitReading[];
  calls: number;
}

/**
 * A step's expected cost, in ms of the executor's clock: `ms` from its start until its dependents
 * may start (its calls and its wait for an asynchronous state); `budgetMs`, the share of its
 * budget's throughput its calls use (calls × window ÷ calls allowed a window), so that a budget's
 * steps together take at least the sum of theirs.
 */
export interface StepCost {
  ms: number;
  budgetMs: number;
}

export interface ProviderLimits {
  /** Maximum steps of this provider in flight at once. */
  concurrency: number;
}
