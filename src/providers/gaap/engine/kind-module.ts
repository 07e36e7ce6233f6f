import type { GaapDesired, L7DomainDesired, RuleDesired } from '../../../model/gaap-desired-types.js';
import type { SourceLocation } from '../../../model/source-location.js';
import type { PlanWarning } from '../../../planner/plan-types.js';
import type { GaapCaller } from '../gaap-client.js';
import type { ActionName } from '../gaap-types.js';
import type { KindHandler } from './kind-handler.js';
import type { DesiredNode, LiveNode } from './node-types.js';

/**
 * Tags on every taggable root edgeform creates: the ownership proof (docs/desired-state.md, Identity and
 * ownership).
 */
export const STACK_TAG = 'edgeform:stack';
export const NAME_TAG = 'edgeform:name';

export interface DesiredContext {
  stack: string;
  projectId: number;
  model: GaapDesired;
  source(key: string): SourceLocation | undefined;
}

export interface ReadContext {
  client: GaapCaller;
  stack: string;
  projectId: number;
  model: GaapDesired;
  /** Nodes read by earlier stages. */
  live: LiveNode[];
  /** Live ID → address, for turning IDs in bindings back into logical names. */
  addressOfId: Map<string, string>;
  /** Live references: address → addresses it uses (bindings, certificates, group membership). */
  liveRefs: Map<string, string[]>;
  /**
   * Memoises a read shared by several kinds (DescribeRules returns both the domains and the rules
   * of a listener): the first kind to ask makes the call, the others reuse its answer.
   */
  cached<T>(key: string, read: () => Promise<T>): Promise<T>;
  /** Warnings a read finds (a binding that no longer applies); the plan shows them. */
  warnings: PlanWarning[];
  /**
   * A kind's read found live nodes (before its whole read ends): kinds that read under nodes of
   * their type start those reads now (`GaapKindModule.prefetchUnder`) instead of at their stage.
   * A node may be found before its stage ends, so a read under it goes by its ID, not its address.
   */
  found(...nodes: LiveNode[]): void;
}

/**
 * One GAAP resource kind, pluggable: how it appears in the desired state, how it is read, and its
 * handler. Reading runs in stages so children can be listed under the roots found before them.
 * `Spec` and `Raw` are the kind's own desired and live data: the engine hands each node back to the
 * kind of its `type`, so a kind reads them typed. `GaapKindModule` without arguments is any kind.
 */
export interface GaapKindModule<Spec = unknown, Raw = unknown, Exported = unknown, Parent = unknown> {
  handler: KindHandler<Spec, Raw>;
  /**
   * Reads of one stage run concurrently, after every earlier stage: 1 = independent roots (groups,
   * real servers, certificates); 2 = proxies; 3 = what lives on a proxy (listeners, security
   * policies) and global domains; 4 = what lives on a listener; 5 = what lives on a domain or rule.
   */
  readStage: 1 | 2 | 3 | 4 | 5;
  /**
   * Starts the reads of this kind that need nothing read before them (an account-level list by
   * tag), with the first stage; `read` takes their answers from `ctx.cached` under the same keys.
   * The stages stay for what needs earlier nodes; only the waiting for them goes.
   */
  prefetch?(ctx: ReadContext): Promise<unknown>;
  /**
   * Starts the reads this kind makes under one live node of type `type` as soon as a read finds
   * it (`ctx.found`), through `ctx.cached`: per-listener reads run beside the listener lists of
   * other proxies instead of after all of them. Only reads `read` would make for that node, keyed
   * by its ID.
   */
  prefetchUnder?: { type: string; start(ctx: ReadContext, node: LiveNode): Promise<unknown> };
  /**
   * Every GAAP action the kind's module names (to read, write or look up): the client's per-action
   * error table covers them (gaap-action-errors.ts; a test proves each list equal to its file's).
   */
  apiActions: readonly ActionName[];
  desired(ctx: DesiredContext): DesiredNode<Spec>[];
  read(ctx: ReadContext): Promise<LiveNode<Raw>[]>;
  /** The way back to YAML, for `edgeform export`. */
  export: KindExport<Raw, Exported, Parent>;
}

/** The maps of the `gaap:` section that hold root objects, by logical name. */
export type ExportSection = Exclude<keyof GaapDesired, 'projectId' | 'sources'>;

/**
 * How a live node converts back to its declaration, so that the exported file plans to "No
 * changes". Export walks the live tree parents first: a root's declaration goes into its `section`
 * under its logical name; a child's is attached to its parent's declaration (`Parent`, the parent
 * kind's `Exported`), in registry order, so fields keep the order the parents would write them.
 */
export interface KindExport<Raw, Exported, Parent> {
  /** Root kinds: the map of the `gaap:` section their objects go into. */
  section?: ExportSection;
  /**
   * The kind reads its objects only under domains and rules the model declares (they are managed
   * only there): export reads it with a model declaring every live domain and rule, on which these
   * hooks declare the kind (an empty list: "manage them here").
   */
  readsDeclaredOnly?: DeclaredOnlyRead;
  /**
   * The declaration of one live node, or undefined to leave it out (the kind says why with
   * `ctx.warn`, naming what plan will then propose). Children of a left-out node are left out too.
   */
  toDesired(node: LiveNode<Raw>, ctx: ExportContext): Exported | undefined;
  /** Child kinds: puts the declaration into its parent's. */
  attach?(parent: Parent, declared: Exported): void;
}

/** How a kind read only where declared is declared on every domain and rule export reads. */
export interface DeclaredOnlyRead {
  onDomain?(domain: L7DomainDesired): void;
  onRule?(rule: RuleDesired): void;
}

/** What a kind's export may consult besides its own live node. */
export interface ExportContext {
  /** The node's parent when it is of `kind` (a rule's domain, a domain's listener). */
  parent<Raw>(node: LiveNode, kind: GaapKindModule<unknown, Raw>): LiveNode<Raw> | undefined;
  /** Something the user should know; never a secret value. */
  warn(message: string): void;
  /**
   * A file the declaration references by `{file: path}`, read after the conversion (one API call
   * each, in the order asked).
   */
  file(path: string, read: (client: GaapCaller) => Promise<string>): void;
  /** An environment variable the declaration references for a certificate's key. */
  secret(variable: string, certificate: string): void;
}

/**
 * The live nodes a kind read, with its own live data type: a node's `type` names the kind that
 * read it, and each kind reads nodes of its own type only.
 */
export function liveOfKind<Raw>(
  kind: GaapKindModule<unknown, Raw>,
  nodes: readonly LiveNode[],
): LiveNode<Raw>[] {
  return nodes.filter((n): n is LiveNode<Raw> => n.type === kind.handler.type);
}

export function tagValue(
  tags: readonly { TagKey: string; TagValue: string }[] | null | undefined,
  key: string,
): string | undefined {
  return tags?.find((t) => t.TagKey === key)?.TagValue;
}

export function ownershipTags(stack: string, name: string): { TagKey: string; TagValue: string }[] {
  return [
    { TagKey: STACK_TAG, TagValue: stack },
    { TagKey: NAME_TAG, TagValue: name },
  ];
}

export const addr = {
  proxyGroup: (name: string) => `gaap.proxy_group["${name}"]`,
  proxy: (name: string) => `gaap.proxy["${name}"]`,
  realServer: (name: string) => `gaap.real_server["${name}"]`,
  certificate: (name: string) => `gaap.certificate["${name}"]`,
  globalDomain: (name: string) => `gaap.global_domain["${name}"]`,
  listener: (proxy: string, protocol: string, port: number) =>
    `${addr.proxy(proxy)}.listener["${protocol}:${port}"]`,
  groupListener: (group: string, protocol: string, port: number) =>
    `${addr.proxyGroup(group)}.listener["${protocol}:${port}"]`,
  domain: (listener: string, domain: string) => `${listener}.domain["${domain}"]`,
  rule: (domain: string, path: string) => `${domain}.rule["${path}"]`,
  securityPolicy: (proxy: string) => `${addr.proxy(proxy)}.security_policy`,
};
