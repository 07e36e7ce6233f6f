import type { EventSink } from '../core/event-types.js';
import type { JsonValue } from '../core/json-types.js';
import type { PlanStep, PlanWarning, ResourceChange } from './plan-types.js';

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
}

export interface ProviderLimits {
  /** Maximum steps of this provider in flight at once. */
  concurrency: number;
}
