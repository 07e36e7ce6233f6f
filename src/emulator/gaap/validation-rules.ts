/**
 * Value and cross-field rules the catalog states only in prose. Data, not code: validate.ts applies
 * them to every action generically. Each resource kind declares the rules of its own actions and
 * parameters in its module (`ResourceModule.valueRules`, `crossRules`); this file has the
 * vocabulary and the rules of parameters several kinds share or of actions of no kind. A bare
 * `Param` key applies to that name in every action, whoever declares it; a key is declared once.
 *
 * Keys of VALUE_RULES, most specific first:
 *   `Action.Param`, `Action.Param.Field` (a structure field under that action's parameter),
 *   `Struct.Field` (any use of that structure), `Param` (that name in any action).
 * For arrays a rule applies to every element; `maxItems` applies to the array itself.
 */
export interface ValueRule {
  enum?: readonly (string | number)[];
  min?: number;
  max?: number;
  maxLength?: number;
  ascii?: boolean;
  maxItems?: number;
  /** The enum is matched without regard to case (the handler stores the canonical spelling). */
  ignoreCase?: boolean;
  /** Error code when the rule fails (default InvalidParameterValue). */
  code?: string;
}

export const ZERO_ONE = [0, 1] as const;

/** Rules of parameters several kinds share, or of actions of no kind. */
export const SHARED_VALUE_RULES: Readonly<Record<string, ValueRule>> = {
  // Listener and health-check settings (CreateTCPListeners / CreateUDPListeners / Modify*).
  Scheduler: { enum: ['rr', 'wrr', 'lc', 'lrtt'] },
  RealServerType: { enum: ['IP', 'DOMAIN'] },
  HealthCheck: { enum: ZERO_ONE },
  'RealServerBindSetReq.RealServerPort': { min: 1, max: 65535 },
  'RealServerBindSetReq.RealServerWeight': { min: 1, max: 100 },
  'RealServerBindSetReq.RealServerFailoverRole': { enum: ['master', 'slave'] },
  // Layer 7.
  ForwardProtocol: { enum: ['HTTP', 'HTTPS'] },
  Http3Supported: { enum: ZERO_ONE },
  TLSSupportVersion: { enum: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] },
  TLSCiphers: { enum: ['GAAP_TLS_CIPHERS_STRICT', 'GAAP_TLS_CIPHERS_GENERAL', 'GAAP_TLS_CIPHERS_WIDE'] },
  // Proxies and groups.
  IPAddressVersion: { enum: ['IPv4', 'IPv6'] },
  PackageType: { enum: ['Thunder', 'Accelerator', 'CrossBorder'] },
  NetworkType: { enum: ['normal', 'cn2', 'triple'] },
  // CheckProxyCreate's table: "normal、cn2" (no triple).
  'CheckProxyCreate.NetworkType': { enum: ['normal', 'cn2'] },
  BillingType: { enum: ZERO_ONE },
  Bandwidth: { min: 1 },
  Concurrent: { min: 1 },
  ClientToken: { maxLength: 64, ascii: true },
  Force: { enum: ZERO_ONE },
  QualityType: { enum: ZERO_ONE },
  ProjectId: { min: 0 },
  'DescribeProxyAndStatisticsListeners.ProjectId': { min: -1 },
  'DescribeGroupAndStatisticsProxy.ProjectId': { min: -1 },
  // Tags and look-ups.
  'DescribeResourcesByTag.ResourceType': { enum: ['Proxy', 'ProxyGroup', 'RealServer'] },
  'DescribeListenerStatistics.Granularity': { enum: [300, 3600, 86400] },
  'DescribeProxyStatistics.Granularity': { enum: [60, 300, 3600, 86400] },
  'DescribeProxyGroupStatistics.Granularity': { enum: [60, 300, 3600, 86400] },
  'DescribeRealServerStatistics.Granularity': { enum: [60, 300] },
  'DescribeRealServerStatistics.WithinTime': { enum: [1, 3, 6, 12, 24] },
  // Paging and list sizes.
  Offset: { min: 0 },
  Limit: { min: 0 },
  'Filter.Values': { maxItems: 5 },
};

/** Rules spanning several parameters. Paths may name structure fields (`CheckParams.DelayLoop`). */
export type CrossRule =
  /** Exactly one of the fields (`optional`: at most one). */
  | { kind: 'xor'; actions: readonly string[]; fields: readonly [string, string]; optional?: boolean }
  /** At least one of the fields. */
  | { kind: 'anyOf'; actions: readonly string[]; fields: readonly string[] }
  /** `field` is required unless `unless` is given. */
  | { kind: 'requiredUnless'; actions: readonly string[]; field: string; unless: string }
  /** `field` is required when `when` has value `equals`. */
  | { kind: 'requiredWhen'; actions: readonly string[]; field: string; when: string; equals: unknown }
  /** Both given → `field` must be strictly less than `than`. */
  | { kind: 'lessThan'; actions: readonly string[]; field: string; than: string };

/** Cross-field rules of actions of no kind. */
export const SHARED_CROSS_RULES: readonly CrossRule[] = [
  { kind: 'anyOf', actions: ['InquiryPriceCreateProxy'], fields: ['Concurrent', 'Concurrency'] },
  { kind: 'anyOf', actions: ['DescribeTaskStatus'], fields: ['TaskId'] },
];
