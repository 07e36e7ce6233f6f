import type { SecretValue } from '../core/secrets.js';
import type { SourceLocation } from './source-location.js';

/**
 * The GAAP part of the desired state, as the loader hands it over (validated by the schema).
 * Objects are keyed by logical name; nesting follows the estate: listeners inside their proxy,
 * domains inside their listener, rules inside their domain. Shared objects (real servers,
 * certificates, proxy groups) are declared once at the top and referenced by name.
 */
export interface GaapDesired {
  /** Project of every object created (ProjectId). Default 0. */
  projectId?: number;
  proxyGroups?: Record<string, ProxyGroupDesired>;
  proxies?: Record<string, ProxyDesired>;
  realServers?: Record<string, RealServerDesired>;
  certificates?: Record<string, CertificateDesired>;
  globalDomains?: Record<string, GlobalDomainDesired>;
  /** Filled by the loader: where each named object was declared (`proxies.web` → location). */
  sources?: Record<string, SourceLocation>;
}

export interface Protectable {
  /** Refuse to delete or replace this object. */
  protect?: boolean;
}

/** A taggable root (proxy, proxy group, real server, global domain). */
export interface Taggable {
  /**
   * User tags (TagSet), key → value; keys beginning with `edgeform:` are edgeform's own. Not
   * declared = not managed; declared = exactly these user tags.
   */
  tags?: Record<string, string>;
}

/** Tag keys edgeform reserves for its own tags (ownership, protect). */
export const RESERVED_TAG_PREFIX = 'edgeform:';

/** A root edgeform did not create, bound to this declaration by its live ID. */
export interface Adoptable {
  /** Live ID of an existing object (hand-made, or another tool's) this declaration manages. */
  adopt?: string;
}

export interface AccessRegionDesired {
  region: string;
  bandwidth: number;
  concurrent: number;
  networkType?: 'normal' | 'cn2';
}

export interface ProxyGroupDesired extends Protectable, Adoptable, Taggable {
  name?: string;
  realServerRegion: string;
  accessRegions?: AccessRegionDesired[];
  ipVersion?: 'IPv4' | 'IPv6';
  packageType?: 'Thunder' | 'Accelerator';
  /** false = every proxy of the group closed (CloseProxyGroup): no traffic, still billed. Default true. */
  enabled?: boolean;
  /**
   * Listeners of the group (GroupId), served by every proxy of it. TCP and UDP only: GAAP does not
   * support HTTP/HTTPS listeners on proxy groups.
   */
  listeners?: L4ListenerDesired[];
}

export interface ProxyDesired extends Protectable, Adoptable, Taggable {
  name?: string;
  accessRegion: string;
  /** Required unless `group` is set (the group then decides the origin region). */
  realServerRegion?: string;
  /** Mbps. */
  bandwidth: number;
  /** Units of 10,000 concurrent connections. */
  concurrent: number;
  group?: string;
  ipVersion?: 'IPv4' | 'IPv6';
  networkType?: 'normal' | 'cn2' | 'triple';
  packageType?: 'Thunder' | 'Accelerator' | 'CrossBorder';
  billingType?: 0 | 1;
  /** false = closed (CloseProxies): no traffic, still billed. Default true. Not for a proxy of a group. */
  enabled?: boolean;
  listeners?: ListenerDesired[];
  securityPolicy?: SecurityPolicyDesired;
}

export interface RealServerDesired extends Protectable, Adoptable, Taggable {
  /** An IP address or a domain name. */
  address: string;
  name?: string;
  /**
   * Not owned by this stack (another stack's, or made by hand): found live by its address, used by
   * bindings, never changed or deleted.
   */
  external?: boolean;
}

export interface BindingDesired {
  /** Logical name of a real server. */
  realServer: string;
  port: number;
  weight?: number;
  /** master | slave; needs `failover: true` on the listener. */
  role?: 'master' | 'slave';
}

export interface HealthCheckL4 {
  enabled: boolean;
  delayLoop?: number;
  connectTimeout?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  /** UDP only. */
  checkType?: 'PORT' | 'PING';
  checkPort?: number;
  contextType?: 'TEXT';
  sendContext?: string;
  recvContext?: string;
}

export type ListenerDesired = L4ListenerDesired | L7ListenerDesired;

export interface L4ListenerDesired extends Protectable {
  protocol: 'TCP' | 'UDP';
  /** One port, or several sharing every other setting (created in one batch call). */
  port?: number;
  ports?: number[];
  name?: string;
  scheduler?: 'rr' | 'wrr' | 'lc' | 'lrtt';
  realServerType?: 'IP' | 'DOMAIN';
  healthCheck?: HealthCheckL4;
  /** TCP only: 0 TOA, 1 Proxy Protocol. */
  clientIpMethod?: 0 | 1;
  failover?: boolean;
  realServers?: BindingDesired[];
}

export interface L7ListenerDesired extends Protectable {
  protocol: 'HTTP' | 'HTTPS';
  port: number;
  name?: string;
  /** HTTPS: certificate name (type server). */
  certificate?: string;
  /** HTTPS: HTTP or HTTPS towards the origin. */
  forwardProtocol?: 'HTTP' | 'HTTPS';
  /** HTTPS: client CA certificate names; presence turns on mutual authentication. */
  clientCertificates?: string[];
  http3?: boolean;
  /** HTTPS: TLS versions and cipher suite offered to clients (SetTlsVersion); managed only when declared. */
  tls?: TlsSettingsDesired;
  domains?: L7DomainDesired[];
}

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export type TlsCiphers = 'GAAP_TLS_CIPHERS_STRICT' | 'GAAP_TLS_CIPHERS_GENERAL' | 'GAAP_TLS_CIPHERS_WIDE';

export interface TlsSettingsDesired {
  versions: TlsVersion[];
  /** Default GAAP_TLS_CIPHERS_WIDE, the documented default of SetTlsVersion. */
  ciphers?: TlsCiphers;
}

/** SetTlsVersion: "GAAP_TLS_CIPHERS_WIDE (default)". */
export const DEFAULT_TLS_CIPHERS: TlsCiphers = 'GAAP_TLS_CIPHERS_WIDE';

export interface L7DomainDesired extends Protectable {
  domain: string;
  certificate?: string;
  clientCertificates?: string[];
  isDefaultServer?: boolean;
  /** HTTPS: authentication of the domain (SetAuthentication); managed only when declared. */
  auth?: DomainAuthDesired;
  rules?: RuleDesired[];
}

/** Each part absent = off. Certificates by logical name. */
export interface DomainAuthDesired {
  /** A basic-auth certificate (`user:hash` lines): clients must log in (BasicAuth). */
  basic?: string;
  /** A gaap certificate (with its key) GAAP presents to the origin, which verifies it (GaapAuth). */
  gaapCertificate?: string;
  /** origin-ca certificates GAAP verifies the origin's certificate against (RealServerAuth). */
  originCa?: string[];
}

export interface RuleDesired extends Protectable {
  path: string;
  realServerType?: 'IP' | 'DOMAIN';
  scheduler?: 'rr' | 'wrr' | 'lc' | 'lrtt';
  healthCheck?: {
    enabled: boolean;
    delayLoop?: number;
    connectTimeout?: number;
    path?: string;
    method?: 'GET' | 'HEAD';
    statusCodes?: number[];
    domain?: string;
  };
  forwardProtocol?: 'HTTP' | 'HTTPS' | 'default';
  forwardHost?: string;
  sni?: string;
  forcedRedirect?: string;
  realServers?: BindingDesired[];
  /** Custom headers sent to the origin; managed only when declared. */
  headers?: { name: string; value: string }[];
}

export type CertificateType = 'basic-auth' | 'client-ca' | 'server' | 'origin-ca' | 'gaap';

export interface CertificateDesired extends Protectable, Adoptable {
  type: CertificateType;
  /**
   * Display name (CertificateAlias) of an adopted certificate. The ones edgeform creates are named
   * `ef.<stack>.<name>`: that alias is their identity (certificates take no tags).
   */
  name?: string;
  /** PEM (or `user:hash` lines for basic-auth); usually `{file: ...}`. */
  content: string | SecretValue;
  /** server and gaap certificates only; always a secret reference. */
  key?: string | SecretValue;
}

export interface SecurityPolicyDesired extends Protectable {
  defaultAction: 'ACCEPT' | 'DROP';
  rules?: SecurityRuleDesired[];
  /** Default true: open. false keeps the policy closed (a hand-made closed policy, adopted). */
  enabled?: boolean;
}

export interface SecurityRuleDesired {
  cidr: string;
  action: 'ACCEPT' | 'DROP';
  protocol?: 'TCP' | 'UDP' | 'ALL';
  /** "80", "80,443", "3306-20000" or "ALL". */
  ports?: string;
  name?: string;
}

export interface GlobalDomainDesired extends Protectable, Adoptable, Taggable {
  defaultValue: string;
  alias?: string;
  enabled?: boolean;
  dns?: { proxies: string[]; countries: string[] }[];
}

export const CERTIFICATE_TYPE_CODES: Record<CertificateType, number> = {
  'basic-auth': 0,
  'client-ca': 1,
  server: 2,
  'origin-ca': 3,
  gaap: 4,
};
