import type { EventSink } from '../core/event-types.js';
import type { JsonValue } from '../core/json-types.js';
import type { Plan, PlanStep, PlanWarning, ResourceChange, ResourceOutputs } from './plan-types.js';

/**
 * The one small interface through which a vendor plugs into the planner and executor.
 * The planner and executor know nothing else about a vendor.
 */
export interface Provider {
  readonly id: string;
  /** True when the desired state declares anything for this provider. */
  readonly hasDesired: boolean;
  /** Reads the live state relevant to the desired state, with the fewest calls the API allows. */
  read(ctx: ProviderContext): Promise<ProviderLive>;
  /** Diffs desired against live: typed changes, plus the concrete API steps that realise them. */
  plan(live: ProviderLive, ctx: ProviderContext): ProviderPlan;
  /** Executes one step of a plan this provider produced. */
  execute(step: PlanStep, ctx: StepContext): Promise<StepOutcome>;
  /**
   * Fingerprints of the live objects named by `addresses` as they are now, for the saved-plan
   * staleness check. Same function as used to fill `Plan.liveFingerprints`.
   */
  fingerprints(live: ProviderLive, addresses: readonly string[]): Record<string, string>;
  /** Execution limits the executor honours for this provider's steps. */
  readonly limits: ProviderLimits;
  /**
   * The least time the vendor's rate limits allow for the calls of these (not yet run) steps, at
   * the allowance the client currently has. Feeds the ETA of the progress view.
   */
  estimateRemainingMs?(steps: readonly PlanStep[]): number;
  /**
   * Server-assigned values of the objects the stack owns, from a read; with `run`, as they are after
   * that run (created objects from the values its steps produced, deleted ones left out).
   */
  outputs?(live: ProviderLive, run?: AppliedRun): ResourceOutputs[];
}

/** What an apply did, as `Provider.outputs` needs it. */
export interface AppliedRun {
  plan: Plan;
  /** Values each step that finished produced, by step id. */
  stepOutputs: ReadonlyMap<string, Record<string, JsonValue>>;
}

export interface ProviderContext {
  events: EventSink;
  signal?: AbortSignal;
}

export interface StepContext extends ProviderContext {
  /** Outcomes of steps already done in this run, by step id (e.g. to pick up created IDs). */
  outcomes: ReadonlyMap<string, StepOutcome>;
}

/** Opaque to the planner: whatever the provider needs to diff. */
export interface ProviderLive {
  provider: string;
  data: unknown;
  /** API calls made to read it (for the API-economy figures). */
  calls: number;
  warnings: PlanWarning[];
}

export interface ProviderPlan {
  changes: ResourceChange[];
  steps: PlanStep[];
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
}

export interface ProviderLimits {
  /** Maximum steps of this provider in flight at once. */
  concurrency: number;
}
