import { fail, notFound } from '../errors.js';
import {
  type Busy,
  type Ctx,
  current,
  type Handler,
  has,
  list,
  type ResourceModule,
  recordsWhere,
  startBusy,
  str,
} from '../state.js';
import { type ValueRule, ZERO_ONE } from '../validation-rules.js';
import { certAlias, getCertificate } from './certificate.js';
import { getListener, type ListenerRec, requireListenerIdle, requireParentRunning } from './listener.js';
import { getProxy } from './proxy.js';

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

declare module '../state.js' {
  interface GaapTables {
    /** Keyed by `${ListenerId}|${Domain}`: layer-7 domains have no ID of their own. */
    domains: Record<string, DomainRec>;
  }
}

/** Doc (CreateDomain): at most 100 domains per listener. */
const MAX_DOMAINS_PER_LISTENER = 100;

export const domainKey = (listenerId: string, domain: string) => `${listenerId}|${domain}`;

export function l7Listener(ctx: Ctx, id: string): ListenerRec {
  const l = getListener(ctx, id);
  if (l.Protocol !== 'HTTP' && l.Protocol !== 'HTTPS') {
    fail('FailedOperation.InvalidListenerProtocol', `Listener ${id} is ${l.Protocol}, not HTTP/HTTPS.`);
  }
  return l;
}

export function getDomain(ctx: Ctx, listenerId: string, domain: string): DomainRec {
  const d = ctx.state.domains[domainKey(listenerId, domain)];
  if (!d) notFound('domain', domain);
  return d;
}

export function domainStatus(ctx: Ctx, d: DomainRec): number {
  return current(d, 0, ctx.now);
}

export function requireDomainIdle(ctx: Ctx, d: DomainRec): void {
  if (domainStatus(ctx, d) !== 0) {
    fail('FailedOperation.DomainStatusNotInRunning', `The domain ${d.Domain} is being changed.`);
  }
}

/** `default` means "the listener's certificate", stored as an empty ID. */
export function certOrDefault(ctx: Ctx, id: string, type: number): string {
  if (id === 'default' || id === '') return '';
  const c = getCertificate(ctx, id, 'InvalidParameterValue.InvalidCertificateId');
  if (c.CertificateType !== type) {
    fail('InvalidParameterValue.InvalidCertificateId', `Certificate ${id} is not of type ${type}.`);
  }
  return id;
}

/** DomainRuleSet without its RuleSet (rule.ts adds it: the rules are its kind's). */
export function domainOut(ctx: Ctx, d: DomainRec) {
  const alias = (id: string) => ({ CertificateId: id, CertificateAlias: certAlias(ctx, id) });
  return {
    Domain: d.Domain,
    CertificateId: d.CertificateId || 'default',
    CertificateAlias: certAlias(ctx, d.CertificateId),
    ClientCertificateId: d.ClientCertificateId || 'default',
    ClientCertificateAlias: certAlias(ctx, d.ClientCertificateId),
    BasicAuthConfId: d.BasicAuthConfId,
    BasicAuth: d.BasicAuth,
    BasicAuthConfAlias: certAlias(ctx, d.BasicAuthConfId),
    RealServerCertificateId: d.RealServerCertificateId,
    RealServerAuth: d.RealServerAuth,
    RealServerCertificateAlias: certAlias(ctx, d.RealServerCertificateId),
    GaapCertificateId: d.GaapCertificateId,
    GaapAuth: d.GaapAuth,
    GaapCertificateAlias: certAlias(ctx, d.GaapCertificateId),
    RealServerCertificateDomain: d.RealServerCertificateDomain,
    PolyClientCertificateAliasInfo: d.PolyClientCertificateIds.map(alias),
    PolyRealServerCertificateAliasInfo: d.PolyRealServerCertificateIds.map(alias),
    DomainStatus: domainStatus(ctx, d),
    BanStatus: 'RECOVER',
    Http3Supported: d.Http3Supported,
    IsDefaultServer: d.IsDefaultServer,
    TLSCiphers: d.TLSCiphers,
    TLSSupportVersion: d.TLSSupportVersion,
  };
}

/** The common gate of L7 writes: parent running, listener idle. */
export function writableL7(ctx: Ctx, listenerId: string): ListenerRec {
  const l = l7Listener(ctx, listenerId);
  requireParentRunning(ctx, l, 'write');
  requireListenerIdle(ctx, l);
  return l;
}

const actions: Record<string, Handler> = {
  CreateDomain: (ctx, p) => {
    const l = writableL7(ctx, p.ListenerId as string);
    if (l.ProxyId && getProxy(ctx, l.ProxyId).Version !== '3.0') {
      fail('FailedOperation.ProxyVersionNotSupport', 'Layer-7 domains need a version 3.0 proxy.');
    }
    const domain = p.Domain as string;
    if (ctx.state.domains[domainKey(l.ListenerId, domain)]) {
      fail('FailedOperation.DomainAlreadyExisted', `Domain ${domain} already exists on ${l.ListenerId}.`);
    }
    const count = recordsWhere(ctx.state.domains, 'ListenerId', l.ListenerId).length;
    // NOTE: the doc states the limit of 100 but no code for CreateDomain; the common LimitExceeded is used.
    if (count >= MAX_DOMAINS_PER_LISTENER)
      fail('LimitExceeded', `A listener has at most ${MAX_DOMAINS_PER_LISTENER} domains.`);
    const isHttps = l.Protocol === 'HTTPS';
    const d: DomainRec = {
      seq: ctx.nextSeq(),
      ListenerId: l.ListenerId,
      Domain: domain,
      CertificateId: isHttps ? certOrDefault(ctx, str(p, 'CertificateId') ?? '', 2) : '',
      ClientCertificateId: isHttps ? certOrDefault(ctx, str(p, 'ClientCertificateId') ?? '', 1) : '',
      PolyClientCertificateIds: isHttps
        ? (list<string>(p, 'PolyClientCertificateIds') ?? []).map((id) => certOrDefault(ctx, id, 1))
        : [],
      Http3Supported: (p.Http3Supported as number | undefined) ?? 0,
      IsDefaultServer: (p.IsDefaultServer as boolean | undefined) ?? false,
      BasicAuth: 0,
      BasicAuthConfId: '',
      GaapAuth: 0,
      GaapCertificateId: '',
      RealServerAuth: 0,
      RealServerCertificateId: '',
      RealServerCertificateDomain: '',
      PolyRealServerCertificateIds: [],
      TLSSupportVersion: l.TLSSupportVersion,
      TLSCiphers: l.TLSCiphers,
      busy: startBusy(ctx, 1, 'domain'),
    };
    ctx.state.domains[domainKey(l.ListenerId, domain)] = d;
    return {};
  },

  ModifyDomain: (ctx, p) => {
    const l = writableL7(ctx, p.ListenerId as string);
    const d = getDomain(ctx, l.ListenerId, p.OldDomain as string);
    requireDomainIdle(ctx, d);
    const next = p.NewDomain as string;
    if (next !== d.Domain && ctx.state.domains[domainKey(l.ListenerId, next)]) {
      fail('FailedOperation.DomainAlreadyExisted', `Domain ${next} already exists on ${l.ListenerId}.`);
    }
    // Certificates: omitted = keep, `default` = the listener's.
    if (l.Protocol === 'HTTPS') {
      const cert = str(p, 'CertificateId');
      if (cert !== undefined) d.CertificateId = certOrDefault(ctx, cert, 2);
      const client = str(p, 'ClientCertificateId');
      if (client !== undefined) d.ClientCertificateId = certOrDefault(ctx, client, 1);
      const poly = list<string>(p, 'PolyClientCertificateIds');
      if (poly) d.PolyClientCertificateIds = poly.map((id) => certOrDefault(ctx, id, 1));
    }
    if (has(p, 'IsDefaultServer')) d.IsDefaultServer = p.IsDefaultServer as boolean;
    if (next !== d.Domain) {
      delete ctx.state.domains[domainKey(l.ListenerId, d.Domain)];
      ctx.rel.moveChildren('domains', domainKey(l.ListenerId, d.Domain), domainKey(l.ListenerId, next));
      d.Domain = next;
      ctx.state.domains[domainKey(l.ListenerId, next)] = d;
    }
    d.busy = startBusy(ctx, 1, 'domain');
    return {};
  },

  ModifyCertificate: (ctx, p) => {
    const l = writableL7(ctx, p.ListenerId as string);
    if (l.Protocol !== 'HTTPS')
      fail('FailedOperation.InvalidListenerProtocol', 'Certificates need an HTTPS listener.');
    const d = getDomain(ctx, l.ListenerId, p.Domain as string);
    requireDomainIdle(ctx, d);
    d.CertificateId = certOrDefault(ctx, p.CertificateId as string, 2);
    const client = str(p, 'ClientCertificateId');
    if (client !== undefined) d.ClientCertificateId = certOrDefault(ctx, client, 1);
    const poly = list<string>(p, 'PolyClientCertificateIds');
    if (poly) d.PolyClientCertificateIds = poly.map((id) => certOrDefault(ctx, id, 1));
    d.busy = startBusy(ctx, 1, 'domain');
    return {};
  },

  SetAuthentication: (ctx, p) => {
    const l = writableL7(ctx, p.ListenerId as string);
    const d = getDomain(ctx, l.ListenerId, p.Domain as string);
    requireDomainIdle(ctx, d);
    if (has(p, 'BasicAuth')) d.BasicAuth = p.BasicAuth as number;
    if (has(p, 'GaapAuth')) d.GaapAuth = p.GaapAuth as number;
    if (has(p, 'RealServerAuth')) d.RealServerAuth = p.RealServerAuth as number;
    const basic = str(p, 'BasicAuthConfId');
    if (basic !== undefined) d.BasicAuthConfId = certOrDefault(ctx, basic, 0);
    const gaap = str(p, 'GaapCertificateId');
    if (gaap !== undefined) d.GaapCertificateId = certOrDefault(ctx, gaap, 4);
    const rs = str(p, 'RealServerCertificateId');
    if (rs !== undefined) d.RealServerCertificateId = certOrDefault(ctx, rs, 3);
    const polyRs = list<string>(p, 'PolyRealServerCertificateIds');
    if (polyRs) d.PolyRealServerCertificateIds = polyRs.map((id) => certOrDefault(ctx, id, 3));
    if (has(p, 'RealServerCertificateDomain'))
      d.RealServerCertificateDomain = p.RealServerCertificateDomain as string;
    if (has(p, 'TLSSupportVersion')) d.TLSSupportVersion = p.TLSSupportVersion as string[];
    if (has(p, 'TLSCiphers')) d.TLSCiphers = p.TLSCiphers as string;
    if (d.BasicAuth === 1 && !d.BasicAuthConfId)
      fail('MissingParameter', 'BasicAuth=1 needs BasicAuthConfId.');
    if (d.GaapAuth === 1 && !d.GaapCertificateId)
      fail('MissingParameter', 'GaapAuth=1 needs GaapCertificateId.');
    if (d.RealServerAuth === 1 && !d.RealServerCertificateId && d.PolyRealServerCertificateIds.length === 0) {
      fail(
        'MissingParameter',
        'RealServerAuth=1 needs RealServerCertificateId or PolyRealServerCertificateIds.',
      );
    }
    d.busy = startBusy(ctx, 1, 'domain');
    return {};
  },

  DeleteDomain: (ctx, p) => {
    const l = l7Listener(ctx, p.ListenerId as string);
    requireParentRunning(ctx, l, 'delete');
    requireListenerIdle(ctx, l);
    const d = getDomain(ctx, l.ListenerId, p.Domain as string);
    requireDomainIdle(ctx, d);
    const key = domainKey(l.ListenerId, d.Domain);
    if (p.Force === 0 && ctx.rel.usesBelow('domains', [key], 'realServers', false)) {
      fail('FailedOperation.RealServerAlreadyBound', 'A rule of this domain still has real servers bound.');
    }
    // Its rules and error pages go with it.
    ctx.rel.remove('domains', [key]);
    return {};
  },
};

/** Value rules of its parameters (validation-rules.ts). */
const valueRules: Readonly<Record<string, ValueRule>> = {
  BasicAuth: { enum: ZERO_ONE },
  GaapAuth: { enum: ZERO_ONE },
  RealServerAuth: { enum: ZERO_ONE },
};

/** Layer-7 domains of HTTP/HTTPS listeners; rules and error pages hang off them. */
export const l7DomainResource: ResourceModule<'domains'> = {
  table: 'domains',
  noun: 'domain',
  key: ['ListenerId', 'Domain'],
  actions,
  parents: [{ table: 'listeners', fields: ['ListenerId'] }],
  references: {
    certificates: [
      'CertificateId',
      'ClientCertificateId',
      'BasicAuthConfId',
      'GaapCertificateId',
      'RealServerCertificateId',
      'PolyClientCertificateIds',
      'PolyRealServerCertificateIds',
    ],
  },
  status: domainStatus,
  busyName: 'domain',
  valueRules,
};
