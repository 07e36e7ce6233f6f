/**
 * Value and cross-field rules the catalog states only in prose. Data, not code: validate.ts applies
 * them to every action generically.
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

const ZERO_ONE = [0, 1] as const;

export const VALUE_RULES: Readonly<Record<string, ValueRule>> = {
  // Listener and health-check settings (CreateTCPListeners / CreateUDPListeners / Modify*).
  Scheduler: { enum: ['rr', 'wrr', 'lc', 'lrtt'] },
  // NOTE: CreateRule documents rr|wrr|lc only; ModifyRuleAttribute adds lrtt.
  'CreateRule.Scheduler': { enum: ['rr', 'wrr', 'lc'] },
  RealServerType: { enum: ['IP', 'DOMAIN'] },
  HealthCheck: { enum: ZERO_ONE },
  DelayLoop: { min: 5, max: 300 },
  ConnectTimeout: { min: 2, max: 60 },
  HealthyThreshold: { min: 1, max: 10 },
  UnhealthyThreshold: { min: 1, max: 10 },
  FailoverSwitch: { enum: ZERO_ONE },
  ClientIPMethod: { enum: ZERO_ONE },
  CheckType: { enum: ['PORT', 'PING'] },
  ContextType: { enum: ['TEXT'] },
  CheckPort: { min: 1, max: 65535 },
  // NOTE: the doc gives no port range; 1-65535 is the transport's own.
  Ports: { min: 1, max: 65535, code: 'InvalidParameterValue.InvalidListenerPort' },
  Port: { min: 1, max: 65535, code: 'InvalidParameterValue.InvalidListenerPort' },
  RealServerPorts: { min: 1, max: 65535 },
  'RealServerBindSetReq.RealServerPort': { min: 1, max: 65535 },
  'RealServerBindSetReq.RealServerWeight': { min: 1, max: 100 },
  'RealServerBindSetReq.RealServerFailoverRole': { enum: ['master', 'slave'] },

  // Layer 7.
  ForwardProtocol: { enum: ['HTTP', 'HTTPS'] },
  // NOTE: ModifyRuleAttribute accepts `default` (= the listener's protocol); CreateRule does not say so.
  'ModifyRuleAttribute.ForwardProtocol': { enum: ['HTTP', 'HTTPS', 'default'] },
  AuthType: { enum: ZERO_ONE },
  Http3Supported: { enum: ZERO_ONE },
  ServerNameIndicationSwitch: { enum: ['ON', 'OFF'] },
  'RuleCheckParams.Method': { enum: ['GET', 'HEAD'] },
  'RuleCheckParams.StatusCode': { enum: [100, 200, 300, 400, 500] },
  'RuleCheckParams.DelayLoop': { min: 1 },
  'RuleCheckParams.ConnectTimeout': { min: 1 },
  TLSSupportVersion: { enum: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] },
  TLSCiphers: { enum: ['GAAP_TLS_CIPHERS_STRICT', 'GAAP_TLS_CIPHERS_GENERAL', 'GAAP_TLS_CIPHERS_WIDE'] },
  BasicAuth: { enum: ZERO_ONE },
  GaapAuth: { enum: ZERO_ONE },
  RealServerAuth: { enum: ZERO_ONE },
  ErrorNos: { min: 100, max: 599 },
  NewErrorNo: { min: 100, max: 599 },

  // Certificates.
  CertificateType: { enum: [0, 1, 2, 3, 4] },
  'DescribeCertificates.CertificateType': { enum: [-1, 0, 1, 2, 3, 4] },
  CertificateAlias: { maxLength: 50 },

  // Proxies and groups.
  IPAddressVersion: { enum: ['IPv4', 'IPv6'] },
  PackageType: { enum: ['Thunder', 'Accelerator', 'CrossBorder'] },
  'CreateProxyGroup.PackageType': { enum: ['Thunder', 'Accelerator'] },
  NetworkType: { enum: ['normal', 'cn2', 'triple'] },
  'AccessConfiguration.NetworkType': { enum: ['normal', 'cn2'] },
  // CheckProxyCreate's table: "normal、cn2" (no triple).
  'CheckProxyCreate.NetworkType': { enum: ['normal', 'cn2'] },
  BillingType: { enum: ZERO_ONE },
  Bandwidth: { min: 1 },
  Concurrent: { min: 1 },
  // NOTE: 32 is documented on ModifyProxiesAttribute only; applied to CreateProxy too.
  ProxyName: { maxLength: 32 },
  // NOTE: 30 is documented on ModifyProxyGroupAttribute ("longer names fail"); applied to create too.
  GroupName: { maxLength: 30 },
  ClientToken: { maxLength: 64, ascii: true },
  Force: { enum: ZERO_ONE },
  Independent: { enum: ZERO_ONE },
  Order: { enum: ['asc', 'desc'] },
  OrderField: { enum: ['create_time', 'proxy_id', 'bandwidth', 'concurrent_connections'] },
  QualityType: { enum: ZERO_ONE },
  ProjectId: { min: 0 },
  // -1 = all projects on these reads.
  'DescribeRealServers.ProjectId': { min: -1 },
  'DescribeProxyGroupList.ProjectId': { min: -1 },
  'DescribeGlobalDomains.ProjectId': { min: -1 },
  'DescribeProxyAndStatisticsListeners.ProjectId': { min: -1 },
  'DescribeGroupAndStatisticsProxy.ProjectId': { min: -1 },

  // Security policies.
  // NOTE: the table says "ACCEPT或DROP" but its example value and request example send `Accept`.
  DefaultAction: { enum: ['ACCEPT', 'DROP'], ignoreCase: true },
  'SecurityPolicyRuleIn.Action': { enum: ['ACCEPT', 'DROP'] },
  'SecurityPolicyRuleIn.Protocol': { enum: ['TCP', 'UDP', 'ALL'] },
  'ModifySecurityRule.RuleAction': { enum: ['ACCEPT', 'DROP'] },
  'ModifySecurityRule.Protocol': { enum: ['TCP', 'UDP', 'ALL'] },

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
  'DescribeProxies.Limit': { min: 0, max: 100 },
  'DescribeProxyGroupList.Limit': { min: 0, max: 100 },
  'DescribeRealServers.Limit': { min: 0, max: 50 },
  'DescribeRuleRealServers.Limit': { min: 0, max: 1000 },
  'DescribeProxies.ProxyIds': { maxItems: 100 },
  'DescribeProxies.InstanceIds': { maxItems: 100 },
  'DescribeProxies.Filters': { maxItems: 10 },
  'DescribeProxies.Filters.Name': {
    enum: ['ProjectId', 'AccessRegion', 'RealServerRegion', 'GroupId', 'IPAddressVersion', 'PackageType'],
  },
  'DescribeProxyGroupList.Filters.Name': { enum: ['RealServerRegion', 'PackageType'] },
  'DescribeRealServers.Filters.Name': { enum: ['RealServerName', 'RealServerIP'] },
  'Filter.Values': { maxItems: 5 },
  'DescribeProxies.TagSet': { maxItems: 5 },
  'DescribeProxyGroupList.TagSet': { maxItems: 5 },
  'DescribeRealServers.TagSet': { maxItems: 5 },
  'DescribeGlobalDomains.TagSet': { maxItems: 5 },
  'DescribeRulesByRuleIds.RuleIds': { maxItems: 10 },
  'DescribeDomainErrorPageInfoByIds.ErrorPageIds': { maxItems: 10 },
  'DescribeSecurityRules.SecurityRuleIds': { maxItems: 20 },
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

const L4_ACTIONS = [
  'CreateTCPListeners',
  'CreateUDPListeners',
  'ModifyTCPListenerAttribute',
  'ModifyUDPListenerAttribute',
];

/** "SearchValue …该参数不能与ListenerName和Port同时使用" (not said for HTTPS listeners). */
const SEARCH_VALUE_EXCLUSIVE = ['DescribeTCPListeners', 'DescribeUDPListeners', 'DescribeHTTPListeners'];

export const CROSS_RULES: readonly CrossRule[] = [
  { kind: 'xor', actions: SEARCH_VALUE_EXCLUSIVE, fields: ['SearchValue', 'Port'], optional: true },
  { kind: 'xor', actions: SEARCH_VALUE_EXCLUSIVE, fields: ['SearchValue', 'ListenerName'], optional: true },
  {
    kind: 'xor',
    actions: [
      'CreateTCPListeners',
      'CreateUDPListeners',
      'CreateHTTPListener',
      'CreateHTTPSListener',
      'DeleteListeners',
      'ModifyTCPListenerAttribute',
      'ModifyUDPListenerAttribute',
      'CreateSecurityPolicy',
    ],
    fields: ['ProxyId', 'GroupId'],
  },
  {
    kind: 'xor',
    actions: [
      'DescribeTCPListeners',
      'DescribeUDPListeners',
      'DescribeHTTPListeners',
      'DescribeHTTPSListeners',
    ],
    fields: ['ProxyId', 'GroupId'],
    optional: true,
  },
  {
    kind: 'anyOf',
    actions: [
      'DescribeTCPListeners',
      'DescribeUDPListeners',
      'DescribeHTTPListeners',
      'DescribeHTTPSListeners',
    ],
    fields: ['ProxyId', 'GroupId', 'ListenerId'],
  },
  { kind: 'requiredUnless', actions: ['CreateProxy'], field: 'RealServerRegion', unless: 'GroupId' },
  { kind: 'xor', actions: ['DescribeProxies'], fields: ['ProxyIds', 'Filters'], optional: true },
  { kind: 'xor', actions: ['DescribeProxies'], fields: ['InstanceIds', 'Filters'], optional: true },
  {
    kind: 'anyOf',
    actions: [
      'OpenProxies',
      'CloseProxies',
      'DestroyProxies',
      'ModifyProxiesAttribute',
      'ModifyProxiesProject',
    ],
    fields: ['ProxyIds', 'InstanceIds'],
  },
  { kind: 'anyOf', actions: ['ModifyProxyConfiguration'], fields: ['ProxyId', 'InstanceId'] },
  { kind: 'anyOf', actions: ['ModifyProxyConfiguration'], fields: ['Bandwidth', 'Concurrent'] },
  { kind: 'anyOf', actions: ['InquiryPriceCreateProxy'], fields: ['Concurrent', 'Concurrency'] },
  { kind: 'anyOf', actions: ['DescribeTaskStatus'], fields: ['TaskId'] },
  // The seed's own examples send ProxyId alone: the proxy's policy is meant.
  { kind: 'anyOf', actions: ['OpenSecurityPolicy', 'CloseSecurityPolicy'], fields: ['PolicyId', 'ProxyId'] },
  { kind: 'lessThan', actions: L4_ACTIONS, field: 'ConnectTimeout', than: 'DelayLoop' },
  {
    kind: 'lessThan',
    actions: ['CreateRule', 'ModifyRuleAttribute'],
    field: 'CheckParams.ConnectTimeout',
    than: 'CheckParams.DelayLoop',
  },
  {
    kind: 'requiredWhen',
    actions: ['CreateRule', 'ModifyRuleAttribute'],
    field: 'ServerNameIndication',
    when: 'ServerNameIndicationSwitch',
    equals: 'ON',
  },
  // Inference: a rule with health checks on needs its check parameters.
  { kind: 'requiredWhen', actions: ['CreateRule'], field: 'CheckParams', when: 'HealthCheck', equals: 1 },
  {
    kind: 'requiredWhen',
    actions: ['CreateHTTPSListener'],
    field: 'ClientCertificateId|PolyClientCertificateIds',
    when: 'AuthType',
    equals: 1,
  },
];
