import type { JsonValue } from '../../../core/json-types.js';

/**
 * GAAP objects are the planner's nodes (planner/diff-types.ts): a desired node carries its kind's
 * `Spec`, a live node its kind's `Raw`; IDs not yet created are `IdRef` placeholders.
 */
export type { DesiredNode, IdRef, LiveNode } from '../../../planner/diff-types.js';

/** One API call of a step, with placeholders for IDs produced earlier in the run. */
export interface GaapCallSpec {
  action: string;
  params: Record<string, unknown>;
  /** Stable per logical operation, for the actions that accept ClientToken. */
  clientToken?: string;
  /** Response paths to publish as outputs, e.g. `{ ProxyId: 'InstanceId' }`, `{ id0: 'ListenerIds.0' }`. */
  outputs?: Record<string, string>;
  /**
   * How to find the object if the call's outcome is unknown (timeout, dropped connection after
   * sending): a read that returns it when the create did happen. Never blindly re-sent.
   */
  lookup?: LookupSpec;
  /**
   * The answer carries no ID (CreateGlobalDomainDns): once the call succeeded, `lookup` is run
   * and its outputs published; not finding the object then is an error.
   */
  outputsFromLookup?: boolean;
  /** Treat these error codes as success (already in the desired state). */
  okCodes?: string[];
  /**
   * A Create/Add that sets a whole value rather than making a new object (CreateCustomHeader sets
   * a rule's header list): repeated after an uncertain answer like a Modify.
   */
  repeatable?: boolean;
  /**
   * Response lists of a batch call that name the IDs it failed for (OpenProxies'
   * OperationFailedInstanceSet): the call answered, but an ID listed there makes the step fail.
   */
  failedIn?: string[];
}

export interface LookupSpec {
  action: string;
  params: Record<string, unknown>;
  /** Array field of the response to search (of the `within` item when given). */
  items: string;
  /**
   * Search inside the first item of this list that matches (a rule lives in its domain's entry of
   * DescribeRules: `{ items: 'DomainRuleSet', match: { Domain } }`, then `items: 'RuleSet'`).
   */
  within?: { items: string; match: Record<string, unknown> };
  /** Field → value an item must match. */
  match: Record<string, unknown>;
  /**
   * Field → values an item must not have: the live object a replacement replaces (same alias and
   * type) is never taken for the new one.
   */
  exclude?: Record<string, JsonValue[]>;
  /**
   * `Array[].field` → values: the item's array, mapped to that field, holds exactly these values in
   * any order (a DNS record is found by its set of countries).
   */
  matchSets?: Record<string, JsonValue[]>;
  /**
   * Further items that must all exist for the object to count as found: a batch create is
   * all-or-nothing, so it is adopted only when every object of the batch is there.
   */
  also?: Record<string, unknown>[];
  /** Output name → field of the matched item. An empty value (`''`, null) counts as not found. */
  outputs: Record<string, string>;
  /**
   * For a batch that publishes several IDs: further items, each with its own outputs (the second
   * port's listener → `id1`). All must be found for the batch to count as found.
   */
  alsoOutputs?: { match: Record<string, unknown>; outputs: Record<string, string> }[];
}

/**
 * The asynchronous state a step's write leaves its object in, and how to read it. The step
 * declares it; the executor waits (holding no slot) and the provider's watcher reads it, one read
 * for every wait of the same scope (the same action and parameters, `batch` aside).
 */
export interface WaitSpec {
  action: string;
  params: Record<string, unknown>;
  /** Path to the status value in the response (of the `item` when given), e.g. `Status`. */
  statusPath: string;
  /**
   * Read the status from the item of a list that matches (e.g. the listener in
   * DescribeHTTPListeners of its proxy); `statusPath` is then relative to that item, and a
   * missing item has no status (gone).
   */
  item?: { items: string; match: Record<string, unknown> };
  /**
   * `params[param]` is a list of one ID: waits that differ only there are read together, with up
   * to `max` IDs a call (DescribeProxies takes 100 ProxyIds, DescribeRulesByRuleIds 10 RuleIds).
   */
  batch?: { param: string; max: number };
  /** The list is paged with Offset/Limit this size; pages are read until every item is found. */
  pageLimit?: number;
  ready: JsonValue[];
  /** A value meaning "this will never become ready". */
  failed?: JsonValue[];
  /** Ready also when the item is missing (waiting for a delete). */
  goneIsReady?: boolean;
  what: string;
  timeoutMs: number;
  /**
   * Step outputs read from the answer that found the object ready (relative to the matched item
   * when `item` is given; `A[].B` maps a list): a new proxy's access domain and IPs, which only
   * exist once it runs. Costs no call: the wait reads the object anyway.
   */
  outputs?: Record<string, string>;
}

export interface GaapStepPayload {
  calls: GaapCallSpec[];
  wait?: WaitSpec;
  /**
   * Which of the step's outputs are whose outputs (ResourceOutputs): address → output key → step
   * output name. Lets the apply result show what a create produced without another read.
   */
  outputsOf?: Record<string, Record<string, string>>;
}
