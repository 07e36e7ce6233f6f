import type { GaapApiOptions } from '../api-options.js';

/**
 * Everything the GAAP emulator knows, as plain JSON so snapshot()/restore() are trivial.
 * Transitional states are stored as `busy: { status, until }` and evaluated lazily against the
 * clock on every read (no timers), so tests can fake time through `opts.now`.
 */
export interface Busy<S> {
  status: S;
  until: number;
}

export interface TagPair {
  TagKey: string;
  TagValue: string;
}

export interface Binding {
  RealServerId: string;
  RealServerIP: string;
  RealServerPort: number;
  RealServerWeight: number;
  RealServerFailoverRole?: string;
}

export type ProxyStable = 'RUNNING' | 'CLOSED' | 'DESTROYED';
export type ProxyBusy = 'CREATING' | 'ADJUSTING' | 'CLOSING' | 'OPENING' | 'DESTROYING';

export interface ProxyRec {
  seq: number;
  ProxyId: string;
  ProxyName: string;
  ProjectId: number;
  AccessRegion: string;
  RealServerRegion: string;
  Bandwidth: number;
  Concurrent: number;
  GroupId: string;
  BillingType: number;
  IPAddressVersion: string;
  NetworkType: string;
  PackageType: string;
  Http3Supported: number;
  Version: string;
  TagSet: TagPair[];
  CreateTime: number;
  ModifyConfigTime: number;
  IP: string;
  stable: ProxyStable;
  busy?: Busy<ProxyBusy>;
}

export interface GroupRec {
  seq: number;
  GroupId: string;
  GroupName: string;
  ProjectId: number;
  RealServerRegion: string;
  AccessRegionSet: { AccessRegion: string; Bandwidth: number; Concurrent: number; NetworkType?: string }[];
  IPAddressVersion: string;
  PackageType: string;
  Http3Supported: number;
  TagSet: TagPair[];
  CreateTime: number;
  stable: 'RUNNING' | 'CLOSED' | 'DESTROYED';
  busy?: Busy<'CREATING' | 'DESTROYING'>;
}

export interface RealServerRec {
  seq: number;
  RealServerId: string;
  RealServerIP: string;
  RealServerName: string;
  ProjectId: number;
  TagSet: TagPair[];
}

export type ListenerProtocol = 'TCP' | 'UDP' | 'HTTP' | 'HTTPS';

export interface ListenerRec {
  seq: number;
  ListenerId: string;
  Protocol: ListenerProtocol;
  ListenerName: string;
  Port: number;
  /** Exactly one of ProxyId / GroupId is non-empty. */
  ProxyId: string;
  GroupId: string;
  CreateTime: number;
  /** 0 running; busy 1 creating, 3 binding, 4 modifying. */
  busy?: Busy<1 | 3 | 4>;
  bindings: Binding[];
  // layer 4
  RealServerType: string;
  RealServerPort: number;
  Scheduler: string;
  HealthCheck: number;
  DelayLoop: number;
  ConnectTimeout: number;
  HealthyThreshold: number;
  UnhealthyThreshold: number;
  FailoverSwitch: number;
  ClientIPMethod: number;
  CheckType: string;
  CheckPort: number;
  ContextType: string;
  SendContext: string;
  RecvContext: string;
  // layer 7 (HTTPS)
  CertificateId: string;
  ForwardProtocol: string;
  AuthType: number;
  ClientCertificateId: string;
  PolyClientCertificateIds: string[];
  Http3Supported: number;
  TLSSupportVersion: string[];
  TLSCiphers: string;
}

export interface DomainRec {
  seq: number;
  ListenerId: string;
  Domain: string;
  CertificateId: string;
  ClientCertificateId: string;
  PolyClientCertificateIds: string[];
  Http3Supported: number;
  IsDefaultServer: boolean;
  BasicAuth: number;
  BasicAuthConfId: string;
  GaapAuth: number;
  GaapCertificateId: string;
  RealServerAuth: number;
  RealServerCertificateId: string;
  RealServerCertificateDomain: string;
  PolyRealServerCertificateIds: string[];
  TLSSupportVersion: string[];
  TLSCiphers: string;
  /** 0 running; busy 1 changing. */
  busy?: Busy<1>;
}

export interface RuleCheckParams {
  DelayLoop: number;
  ConnectTimeout: number;
  Path: string;
  Method: string;
  StatusCode: number[];
  Domain?: string;
  FailedCountInter?: number;
  FailedThreshold?: number;
  BlockInter?: number;
}

export interface RuleRec {
  seq: number;
  RuleId: string;
  ListenerId: string;
  Domain: string;
  Path: string;
  RealServerType: string;
  Scheduler: string;
  HealthCheck: number;
  CheckParams: RuleCheckParams | null;
  ForwardProtocol: string;
  ForwardHost: string;
  ServerNameIndicationSwitch: string;
  ServerNameIndication: string;
  ForcedRedirect: string;
  headers: { HeaderName: string; HeaderValue: string }[];
  bindings: Binding[];
  /** 0 running; busy 1 creating, 3 binding, 4 modifying. */
  busy?: Busy<1 | 3 | 4>;
}

export interface CertificateRec {
  seq: number;
  CertificateId: string;
  CertificateType: number;
  CertificateAlias: string;
  CertificateContent: string;
  CertificateKey: string;
  CreateTime: number;
  BeginTime: number;
  EndTime: number;
  IssuerCN: string;
  SubjectCN: string;
}

export interface PolicyRec {
  seq: number;
  PolicyId: string;
  ProxyId: string;
  GroupId: string;
  DefaultAction: string;
  stable: 'BOUND' | 'UNBIND';
  busy?: Busy<'BINDING' | 'UNBINDING'>;
}

export interface SecurityRuleRec {
  seq: number;
  RuleId: string;
  PolicyId: string;
  SourceCidr: string;
  Action: string;
  AliasName: string;
  Protocol: string;
  DestPortRange: string;
}

export interface ErrorPageRec {
  seq: number;
  ErrorPageId: string;
  ListenerId: string;
  Domain: string;
  ErrorNos: number[];
  NewErrorNo: number;
  ClearHeaders: string[];
  SetHeaders: { HeaderName: string; HeaderValue: string }[];
  Body: string;
}

export interface GlobalDomainRec {
  seq: number;
  DomainId: string;
  ProjectId: number;
  DefaultValue: string;
  Alias: string;
  TagSet: TagPair[];
  CreateTime: number;
  UpdateTime: number;
  /** 0 enabled, 1 disabled; busy 2 disabling, 3 enabling. */
  stable: 0 | 1;
  busy?: Busy<2 | 3>;
}

export interface DnsRecordRec {
  seq: number;
  DnsRecordId: number;
  DomainId: string;
  ProxyIdList: string[];
  NationCountryInnerCodes: string[];
  /** 1 running; busy 2 creating, 3 modifying. */
  busy?: Busy<2 | 3>;
}

export interface TaskRec {
  TaskId: string;
  until: number;
}

/** A ClientToken already used: the answer is replayed for an identical request. */
export interface TokenRec {
  fingerprint: string;
  output: Record<string, unknown>;
}

export interface GaapState {
  seq: number;
  nextDnsRecordId: number;
  groups: Record<string, GroupRec>;
  proxies: Record<string, ProxyRec>;
  realServers: Record<string, RealServerRec>;
  listeners: Record<string, ListenerRec>;
  /** Keyed by `${ListenerId}|${Domain}`: layer-7 domains have no ID of their own. */
  domains: Record<string, DomainRec>;
  rules: Record<string, RuleRec>;
  certificates: Record<string, CertificateRec>;
  policies: Record<string, PolicyRec>;
  securityRules: Record<string, SecurityRuleRec>;
  errorPages: Record<string, ErrorPageRec>;
  globalDomains: Record<string, GlobalDomainRec>;
  dnsRecords: Record<string, DnsRecordRec>;
  tasks: Record<string, TaskRec>;
  clientTokens: Record<string, TokenRec>;
}

export function emptyState(): GaapState {
  return {
    seq: 0,
    nextDnsRecordId: 100,
    groups: {},
    proxies: {},
    realServers: {},
    listeners: {},
    domains: {},
    rules: {},
    certificates: {},
    policies: {},
    securityRules: {},
    errorPages: {},
    globalDomains: {},
    dnsRecords: {},
    tasks: {},
    clientTokens: {},
  };
}

import type { AsyncKind } from '../emulator-types.js';

export type Params = Record<string, unknown>;
export type Output = Record<string, unknown>;

/** What a handler sees: the state, the request's clock reading and helpers. */
export interface Ctx {
  state: GaapState;
  /** ms, from opts.now() once per request. */
  now: number;
  opts: GaapApiOptions;
  /** This request's RequestId (DescribeTaskStatus accepts it as a TaskId). */
  requestId: string;
  newId(prefix: string): string;
  nextSeq(): number;
}

export type Handler = (ctx: Ctx, p: Params) => Output;

/** Current status of anything with a stable value and an optional transition. */
export function current<S, B>(rec: { busy?: Busy<B> | undefined }, stable: S, now: number): S | B {
  return rec.busy && now < rec.busy.until ? rec.busy.status : stable;
}

/** A transitional state of an object of this kind, for the kind's asynchronous delay. */
export function startBusy<B>(ctx: Ctx, status: B, kind: AsyncKind): Busy<B> {
  return { status, until: ctx.now + (ctx.opts.asyncDelayByKindMs?.[kind] ?? ctx.opts.asyncDelayMs) };
}

export const secondsOf = (ms: number) => Math.floor(ms / 1000);

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `prefix-` + 8 lowercase alphanumerics, like `link-nphqtout`. */
export function randomId(prefix: string, random: () => number): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return `${prefix}-${s}`;
}

/** Records of a table in creation order. */
export function ordered<T extends { seq: number }>(table: Record<string, T>): T[] {
  return Object.values(table).sort((a, b) => a.seq - b.seq);
}

export function page<T>(items: T[], p: Params, defaultLimit = 20): T[] {
  const offset = typeof p.Offset === 'number' ? p.Offset : 0;
  const limit = typeof p.Limit === 'number' ? p.Limit : defaultLimit;
  return items.slice(offset, offset + limit);
}

// Typed accessors for already-validated parameters.
export const str = (p: Params, k: string): string | undefined =>
  typeof p[k] === 'string' ? p[k] : undefined;
export const num = (p: Params, k: string): number | undefined =>
  typeof p[k] === 'number' ? p[k] : undefined;
export const bool = (p: Params, k: string): boolean | undefined =>
  typeof p[k] === 'boolean' ? p[k] : undefined;
export function list<T = string>(p: Params, k: string): T[] | undefined {
  return Array.isArray(p[k]) ? (p[k] as T[]) : undefined;
}
export const has = (p: Params, k: string): boolean => p[k] !== undefined && p[k] !== null;

/** Tag filter semantics of every Describe* with TagSet: a resource matches if it has any one tag. */
export function matchesAnyTag(tags: TagPair[], wanted: TagPair[] | undefined): boolean {
  if (!wanted || wanted.length === 0) return true;
  return wanted.some((w) => tags.some((t) => t.TagKey === w.TagKey && t.TagValue === w.TagValue));
}
