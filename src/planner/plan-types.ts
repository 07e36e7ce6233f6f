import type { JsonValue } from '../core/json-types.js';

/** What a plan does to one resource. */
export type ChangeKind = 'no-op' | 'update' | 'create' | 'replace' | 'delete';

/** A value shown in a plan. Secrets never carry their value, only a marker. */
export type DisplayValue = JsonValue | { $sensitive: true } | { $knownAfterApply: true };

export interface AttributeChange {
  /** Dotted path under the resource, e.g. `referer.list` or `config.origin`. */
  path: string;
  /** Absent when the attribute is being added. */
  before?: DisplayValue;
  /** Absent when the attribute is being removed. */
  after?: DisplayValue;
  forcesReplacement?: boolean;
  sensitive?: boolean;
  /**
   * When `before` and `after` are both lists or both objects: the RFC 6902 operations from one to
   * the other (what changed inside), e.g. `[{ op: 'replace', path: '/0/weight', value: 50 }]`.
   */
  patch?: JsonPatchOp[];
}

/** One RFC 6902 operation (as `fast-json-patch`'s `compare` produces: add, remove, replace). */
export type JsonPatchOp =
  | { op: 'add' | 'replace' | 'test'; path: string; value: DisplayValue }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

export interface ResourceChange {
  kind: ChangeKind;
  /** Stable logical address, e.g. `baishan.domain["img.example.com"]`. */
  address: string;
  provider: string;
  /** Resource type, e.g. `baishan_domain`, `gaap_proxy`. */
  type: string;
  /** Live identifier when it exists (proxy ID, domain ID). */
  id?: string;
  attributes: AttributeChange[];
  /** Why the change is what it is, when that is not obvious (e.g. "removed from the YAML"). */
  reason?: string;
  /**
   * The live object is in a transitional state (CREATING, ADJUSTING, ...): its values may still
   * change on their own, so a difference is not drift.
   */
  busy?: string;
  /** What a created object will cost, when the vendor has a price inquiry (a GAAP proxy). */
  price?: ProxyPrice;
}

/**
 * The list price of a new GAAP proxy (InquiryPriceCreateProxy, discounts applied), per day:
 * `perDay` = `base` (the proxy's daily fee) + `bandwidth` (its bandwidth fee per day); billed by
 * traffic, `perGB` is added per GB transferred and `bandwidth` is absent.
 */
export interface ProxyPrice {
  /** As the API answers it: CNY or USD. */
  currency: string;
  perDay: number;
  base: number;
  bandwidth?: number;
  perGB?: number;
}

/**
 * One concrete API call (or a wait) the executor runs. The payload is provider-specific (its type
 * is the provider's) and JSON-serialisable; secrets inside it are `{ $secret: ref, fingerprint }`
 * placeholders that the provider resolves again at execution time.
 */
export interface PlanStep<Payload = unknown> {
  id: string;
  provider: string;
  /** The API action, e.g. `POST domain/config`, `CreateProxy`. */
  action: string;
  operation: 'create' | 'update' | 'delete';
  /** One human line: what this call does. */
  summary: string;
  /** Addresses of the resources this step realises (a batched call realises several). */
  addresses: string[];
  /** Step ids that must finish first. */
  dependsOn: string[];
  destructive: boolean;
  payload: Payload;
}

/**
 * Server-assigned values of one live object that a user needs: IDs, a proxy's access domain and
 * IPs (the DNS target), a global domain's CNAME target. Shown by `apply` and `edgeform outputs`.
 */
export interface ResourceOutputs {
  address: string;
  provider: string;
  type: string;
  values: Record<string, JsonValue>;
}

export interface PlanWarning {
  message: string;
  address?: string;
  /**
   * A warning a guard acts on: `STACK_OWNS_NOTHING` — the stack owns no live object, while another
   * stack's live objects carry its logical names (a renamed stack); apply then needs a confirmation.
   */
  code?: 'STACK_OWNS_NOTHING';
}

export const PLAN_FORMAT_VERSION = '1.0';

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
  replace: number;
}

export interface Plan {
  formatVersion: string;
  tool: { name: 'edgeform'; version: string };
  createdAt: string;
  stack: string;
  /** Files the desired state came from. */
  sources: string[];
  /** True when --target limited the plan. */
  partial: boolean;
  targets: string[];
  changes: ResourceChange[];
  /** Steps in a valid execution order (a topological order of `dependsOn`). */
  steps: PlanStep[];
  summary: PlanSummary;
  warnings: PlanWarning[];
  /** Per-address fingerprints of the live state the plan was computed from (staleness check). */
  liveFingerprints: Record<string, string>;
  /** Random salt of this plan's keyed fingerprints (core/secrets.ts useFingerprintSalt). */
  keySalt?: string;
  /** `--var` / `--var-file` the plan was made with (never secrets): `apply PLAN` uses them again. */
  variables?: { vars: string[]; varFiles: string[] };
  /** `sha256:` of the saved plan without this field: a modified plan file is refused. */
  digest?: string;
}
