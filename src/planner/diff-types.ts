import type { ErrorCode } from '../core/errors.js';
import type { JsonValue } from '../core/json-types.js';
import type { SourceLocation } from '../model/source-location.js';
import type { ChangeKind, PlanStep, PlanWarning, ResourceChange } from './plan-types.js';

/**
 * An object the desired state declares, identified by its logical address. `Spec` is the kind's
 * own data for its step builders; the engine never reads it.
 */
export interface DesiredNode<Spec = unknown> {
  address: string;
  type: string;
  /** Address of the object it lives under (listener → proxy); deleted with it. */
  parent?: string;
  /** Addresses of objects whose IDs it needs (a real server it binds, a certificate it uses). */
  refs: string[];
  /** Normalised attributes, compared one by one with the live node's. */
  attrs: Record<string, unknown>;
  /** Attributes holding secrets: compared, never displayed. */
  sensitive?: string[];
  protect: boolean;
  /**
   * Not owned by the stack (a real server `external: true`): read for its ID, never created,
   * changed or deleted; absent live, the plan fails.
   */
  external?: boolean;
  source?: SourceLocation;
  /** Kind-specific data the step builders need (the raw declaration, ...). */
  spec: Spec;
}

/**
 * An object found live, under an owned root or carrying the stack's ownership marks. `Raw` is the
 * kind's own live data; the engine never reads it.
 */
export interface LiveNode<Raw = unknown> {
  address: string;
  type: string;
  parent?: string;
  id: string;
  attrs: Record<string, unknown>;
  /** Transitional state (CREATING, ADJUSTING, ...): reported as busy, never as drift. */
  busy?: string;
  /**
   * Protected on the live object itself (a GAAP root's `edgeform:protect` tag): a plan that would
   * delete it fails, even when its declaration is gone.
   */
  protect?: true;
  /** Kind-specific live data (IDs of parents, the raw API object). */
  raw: Raw;
}

/** An ID that a step produces, used by later steps before it exists. */
export interface IdRef {
  $ref: { step: string; output: string };
}

/**
 * What the engine needs to know about one resource kind. Everything vendor-specific about a kind
 * — which fields the API can change in place, which calls create, change and delete it — is here;
 * the engine only matches, classifies and orders. `Builder` is the provider's step builder (the
 * engine's `StepBuilder` plus what its kinds need to name things).
 */
export interface KindDescription<Spec = unknown, Raw = unknown, Builder = StepBuilder> {
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
   * A create publishes each under the same name, from its step's outputs.
   */
  outputs?: OutputSpec<Raw>;
  /**
   * `replaced`: in a replacement, the live object the new one replaces (while both exist, a
   * lookup of the new one must not take the old one for it).
   */
  create(node: DesiredNode<Spec>, b: Builder, replaced?: LiveNode<Raw>): void;
  update(node: DesiredNode<Spec>, live: LiveNode<Raw>, groups: readonly string[], b: Builder): void;
  /** Not called when an ancestor that cascades is deleted in the same plan. */
  delete(live: LiveNode<Raw>, b: Builder): void;
}

export interface OutputSpec<Raw = unknown> {
  names: readonly string[];
  of(live: LiveNode<Raw>): Record<string, JsonValue>;
}

/** The vendor-neutral part of a step a kind drafts; the provider's draft adds its calls. */
export interface StepDraftBase {
  operation: PlanStep['operation'];
  summary: string;
  destructive?: boolean;
  /** Addresses this step realises; default: the node's own. */
  addresses?: string[];
  /**
   * IDs this step creates for other nodes, address → output name (a batch call creating several
   * objects). Those nodes' later steps and dependents use them.
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

/** What a kind's create, update and delete use to emit steps for the node being planned. */
export interface StepBuilder<Draft extends StepDraftBase = StepDraftBase> {
  /** The live ID of an object, or a reference to the output of the step that creates it. */
  idOf(address: string): string | IdRef;
  /** Registers a step for the node being built; returns its id. An `id` output names the node's ID. */
  add(draft: Draft): string;
  /** A token stable for this logical operation (same plan → same token on every attempt). */
  clientToken(purpose: string): string;
  /**
   * What the plan does to another object (undefined: not in the plan). Lets a kind batch siblings
   * into one call: the first new rule of a policy creates them all, the others add no step.
   */
  verdictOf(address: string): ChangeKind | undefined;
}

/** How a provider turns its kinds' drafts into plan steps. */
export interface StepShaper<Draft extends StepDraftBase, Payload> {
  /** The step's `action`, e.g. `CreateProxy + BindRealServers`. */
  action(draft: Draft): string;
  /** Names of the outputs the step produces (from its calls and its wait). */
  outputs(draft: Draft): readonly string[];
  /** Whether the step's calls produce the node's own ID (its create call). */
  createsId(draft: Draft): boolean;
  /**
   * The step's payload. `outputsOf`: which of its outputs are whose (address → output key → step
   * output name), for the apply result.
   */
  payload(draft: Draft, outputsOf: Record<string, Record<string, string>> | undefined): Payload;
}

export interface DiffInput<Draft extends StepDraftBase, Payload, Extra extends object> {
  /** The provider id: steps are `<provider>.<n>` and carry it. */
  provider: string;
  desired: readonly DesiredNode[];
  live: readonly LiveNode[];
  /** Live references: address → addresses of objects it uses (bindings, certificates). */
  liveRefs: ReadonlyMap<string, readonly string[]>;
  kinds: ReadonlyMap<string, KindDescription<unknown, unknown, StepBuilder<Draft> & Extra>>;
  steps: StepShaper<Draft, Payload>;
  /** What the provider's kinds read from their builder besides the engine's part (stack, project). */
  builder: Extra;
  /**
   * Seed of client-token intent labels: the same estate gives the same plan. The token sent may be
   * derived from the label, the step and a nonce of the applying run (the provider's business).
   */
  tokenSeed: string;
  /** The provider's codes for a reference nothing resolves and for a missing external object. */
  codes: { unresolvedReference: ErrorCode; externalMissing: ErrorCode };
}

export interface DiffOutput<Payload> {
  changes: ResourceChange[];
  steps: PlanStep<Payload>[];
  warnings: PlanWarning[];
}
