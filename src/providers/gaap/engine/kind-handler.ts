import type { JsonValue } from '../../../core/json-types.js';
import type { ChangeKind, PlanStep } from '../../../planner/plan-types.js';
import type { DesiredNode, GaapCallSpec, IdRef, LiveNode, WaitSpec } from './node-types.js';

/**
 * What the engine needs to know about one GAAP resource kind. Everything vendor-specific about a
 * kind — which fields the API can change in place, which calls create, change and delete it —
 * lives in its handler; the engine only matches, classifies and orders.
 */
export interface KindHandler<Spec = unknown, Raw = unknown> {
  type: string;
  /**
   * Attribute → update group. Attributes in one group change in one call (ModifyProxiesAttribute
   * changes the name; ModifyProxyConfiguration bandwidth and concurrency). An attribute that is
   * not listed cannot be changed in place: changing it forces replacement.
   */
  updatable: Readonly<Record<string, string>>;
  /** Deleting an object of this kind removes everything under it (DestroyProxies Force=1, ...). */
  cascades: boolean;
  /**
   * Replacement order. `delete-first` where the old and new objects would collide on their
   * natural key (a listener's port); `create-first` where the old one must keep serving until the
   * new one is in place (certificate rotation: create → repoint → delete).
   */
  replaceOrder: 'delete-first' | 'create-first';
  /**
   * Objects of this kind under one parent collide on a key that is not their address (error pages
   * of one domain on a shared status code): a create then waits for its siblings' deletes.
   */
  createAfterSiblingDeletes?: boolean;
  /**
   * Server-assigned values a user needs (the ID, a proxy's access domain and IPs, a CNAME target):
   * their names, shown `(known after apply)` in a create, and how to read them from a live object.
   * A create publishes each under the same name, from its calls' or its wait's outputs.
   */
  outputs?: OutputSpec<Raw>;
  create(node: DesiredNode<Spec>, b: StepBuilder): void;
  update(node: DesiredNode<Spec>, live: LiveNode<Raw>, groups: readonly string[], b: StepBuilder): void;
  /** Not called when an ancestor that cascades is deleted in the same plan. */
  delete(live: LiveNode<Raw>, b: StepBuilder): void;
}

export interface OutputSpec<Raw = unknown> {
  names: readonly string[];
  of(live: LiveNode<Raw>): Record<string, JsonValue>;
}

export interface StepDraft {
  operation: PlanStep['operation'];
  summary: string;
  calls: GaapCallSpec[];
  wait?: WaitSpec;
  destructive?: boolean;
  /** Addresses this step realises; default: the node's own. */
  addresses?: string[];
  /**
   * IDs this step creates for other nodes, address → output name (a batch call such as
   * CreateTCPListeners with several ports). Those nodes' later steps and dependents use them.
   */
  publishes?: Record<string, string>;
  /**
   * Order against every step of the objects under this node (by address) and under `also`:
   * `first` = they wait for this step (a proxy is opened before anything on it changes), `last` =
   * this step waits for them (a proxy is closed once everything on it is done: a closed proxy
   * refuses writes). The node's own steps keep the order they were added in.
   */
  around?: { order: 'first' | 'last'; also?: readonly string[] };
}

export interface StepBuilder {
  /** The live ID of an object, or a reference to the output of the step that creates it. */
  idOf(address: string): string | IdRef;
  /** The stack name, for ownership tags and names. */
  readonly stack: string;
  readonly projectId: number;
  /** Registers a step for the node being built; returns its id. `id` output names the node's ID. */
  add(draft: StepDraft): string;
  /** A ClientToken stable for this logical operation (same plan → same token on every attempt). */
  clientToken(purpose: string): string;
  /**
   * What the plan does to another object (undefined: not in the plan). Lets a kind batch siblings
   * into one call: the first new rule of a policy creates them all, the others add no step.
   */
  verdictOf(address: string): ChangeKind | undefined;
}
