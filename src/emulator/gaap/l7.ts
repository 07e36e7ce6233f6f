import { copyOf } from '../undo-journal.js';
import { getCertificate } from './certificates.js';
import { fail, notFound } from './errors.js';
import { certAlias } from './listeners.js';
import { bindableServers, bindingOut, checkBindSet, realServerOut } from './real-servers.js';
import { BLACK_HEADERS } from './regions.js';
import {
  getListener,
  getProxy,
  requireListenerIdle,
  requireParentRunning,
  requireRuleIdle,
  ruleStatus,
  rulesOfListener,
} from './relations.js';
import {
  type Binding,
  type Ctx,
  current,
  type DomainRec,
  type Handler,
  has,
  type ListenerRec,
  list,
  ordered,
  type Params,
  page,
  type RuleCheckParams,
  type RuleRec,
  startBusy,
  str,
} from './state.js';

/** Doc (CreateDomain): at most 100 domains per listener. */
const MAX_DOMAINS_PER_LISTENER = 100;

const domainKey = (listenerId: string, domain: string) => `${listenerId}|${domain}`;

function l7Listener(ctx: Ctx, id: string): ListenerRec {
  const l = getListener(ctx, id);
  if (l.Protocol !== 'HTTP' && l.Protocol !== 'HTTPS') {
    fail('FailedOperation.InvalidListenerProtocol', `Listener ${id} is ${l.Protocol}, not HTTP/HTTPS.`);
  }
  return l;
}

function getDomain(ctx: Ctx, listenerId: string, domain: string): DomainRec {
  const d = ctx.state.domains[domainKey(listenerId, domain)];
  if (!d) notFound('domain', domain);
  return d;
}

function domainStatus(ctx: Ctx, d: DomainRec): number {
  return current(d, 0, ctx.now);
}

function requireDomainIdle(ctx: Ctx, d: DomainRec): void {
  if (domainStatus(ctx, d) !== 0) {
    fail('FailedOperation.DomainStatusNotInRunning', `The domain ${d.Domain} is being changed.`);
  }
}

function getRule(ctx: Ctx, id: string): RuleRec {
  const r = ctx.state.rules[id];
  if (!r) notFound('rule', id);
  return r;
}

/** `default` means "the listener's certificate", stored as an empty ID. */
function certOrDefault(ctx: Ctx, id: string, type: number): string {
  if (id === 'default' || id === '') return '';
  const c = getCertificate(ctx, id, 'InvalidParameterValue.InvalidCertificateId');
  if (c.CertificateType !== type) {
    fail('InvalidParameterValue.InvalidCertificateId', `Certificate ${id} is not of type ${type}.`);
  }
  return id;
}

function ruleOut(ctx: Ctx, r: RuleRec) {
  return {
    RuleId: r.RuleId,
    ListenerId: r.ListenerId,
    Domain: r.Domain,
    Path: r.Path,
    RealServerType: r.RealServerType,
    Scheduler: r.Scheduler,
    HealthCheck: r.HealthCheck,
    RuleStatus: ruleStatus(ctx, r),
    CheckParams: r.CheckParams,
    RealServerSet: r.bindings.map(bindingOut),
    // NOTE: RuleInfo.BindStatus polarity is 1 = normal (all servers are healthy here).
    BindStatus: 1,
    ForwardHost: r.ForwardHost,
    ServerNameIndicationSwitch: r.ServerNameIndicationSwitch,
    ServerNameIndication: r.ServerNameIndication,
    ForcedRedirect: r.ForcedRedirect,
    // Not in the doc but in the official SDK's RuleInfo.
    ForwardProtocol: r.ForwardProtocol,
  };
}

function domainOut(ctx: Ctx, d: DomainRec) {
  const alias = (id: string) => ({ CertificateId: id, CertificateAlias: certAlias(ctx, id) });
  return {
    Domain: d.Domain,
    RuleSet: ordered(ctx.state.rules)
      .filter((r) => r.ListenerId === d.ListenerId && r.Domain === d.Domain)
      .map((r) => ruleOut(ctx, r)),
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
function writableL7(ctx: Ctx, listenerId: string): ListenerRec {
  const l = l7Listener(ctx, listenerId);
  requireParentRunning(ctx, l, 'write');
  requireListenerIdle(ctx, l);
  return l;
}

function applyRuleFields(r: RuleRec, l: ListenerRec, p: Params, creating: boolean): void {
  if (has(p, 'Scheduler')) r.Scheduler = p.Scheduler as string;
  if (has(p, 'HealthCheck')) r.HealthCheck = p.HealthCheck as number;
  if (has(p, 'CheckParams')) {
    const next = p.CheckParams as RuleCheckParams;
    // NOTE: RuleCheckParams.Domain "cannot be modified by ModifyRuleAttribute", yet the seed's
    // ModifyRuleAttribute example sends it: it is accepted and ignored, the stored value stays.
    r.CheckParams = { ...next, Domain: creating ? (next.Domain ?? '') : (r.CheckParams?.Domain ?? '') };
  }
  if (has(p, 'Path')) r.Path = p.Path as string;
  const fwd = str(p, 'ForwardProtocol');
  if (fwd !== undefined) r.ForwardProtocol = fwd === 'default' ? l.ForwardProtocol : fwd;
  const host = str(p, 'ForwardHost');
  // NOTE: ModifyRuleAttribute says `default` means the rule's domain; CreateRule's default is the
  // client's Host. Both are stored as given and reported back.
  if (host !== undefined) r.ForwardHost = host;
  if (has(p, 'ServerNameIndicationSwitch'))
    r.ServerNameIndicationSwitch = p.ServerNameIndicationSwitch as string;
  if (has(p, 'ServerNameIndication')) r.ServerNameIndication = p.ServerNameIndication as string;
  if (r.ServerNameIndicationSwitch === 'ON' && !r.ServerNameIndication) {
    fail('MissingParameter', 'ServerNameIndication is required when ServerNameIndicationSwitch is ON.');
  }
  if (has(p, 'ForcedRedirect')) r.ForcedRedirect = p.ForcedRedirect as string;
}

export const l7Handlers: Record<string, Handler> = {
  CreateDomain: (ctx, p) => {
    const l = writableL7(ctx, p.ListenerId as string);
    if (l.ProxyId && getProxy(ctx, l.ProxyId).Version !== '3.0') {
      fail('FailedOperation.ProxyVersionNotSupport', 'Layer-7 domains need a version 3.0 proxy.');
    }
    const domain = p.Domain as string;
    if (ctx.state.domains[domainKey(l.ListenerId, domain)]) {
      fail('FailedOperation.DomainAlreadyExisted', `Domain ${domain} already exists on ${l.ListenerId}.`);
    }
    const count = Object.values(ctx.state.domains).filter((d) => d.ListenerId === l.ListenerId).length;
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

  DescribeRules: (ctx, p) => {
    const l = l7Listener(ctx, p.ListenerId as string);
    const domains = ordered(ctx.state.domains).filter((d) => d.ListenerId === l.ListenerId);
    return { DomainRuleSet: domains.map((d) => domainOut(ctx, d)), TotalCount: domains.length };
  },

  DescribeRulesByRuleIds: (ctx, p) => {
    const ids = p.RuleIds as string[];
    const set = ordered(ctx.state.rules)
      .filter((r) => ids.includes(r.RuleId))
      .map((r) => ruleOut(ctx, r));
    return { TotalCount: set.length, RuleSet: set };
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
      for (const r of rulesOfListener(ctx.state, l.ListenerId)) if (r.Domain === d.Domain) r.Domain = next;
      for (const e of Object.values(ctx.state.errorPages)) {
        if (e.ListenerId === l.ListenerId && e.Domain === d.Domain) e.Domain = next;
      }
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
    const rules = rulesOfListener(ctx.state, l.ListenerId).filter((r) => r.Domain === d.Domain);
    if (p.Force === 0 && rules.some((r) => r.bindings.length > 0)) {
      fail('FailedOperation.RealServerAlreadyBound', 'A rule of this domain still has real servers bound.');
    }
    for (const r of rules) delete ctx.state.rules[r.RuleId];
    for (const [k, e] of Object.entries(ctx.state.errorPages)) {
      if (e.ListenerId === l.ListenerId && e.Domain === d.Domain) delete ctx.state.errorPages[k];
    }
    delete ctx.state.domains[domainKey(l.ListenerId, d.Domain)];
    return {};
  },

  CreateRule: (ctx, p) => {
    const l = writableL7(ctx, p.ListenerId as string);
    // NOTE: the doc leaves open whether CreateRule creates the domain implicitly; the emulator
    // requires CreateDomain first (stricter, so a client that works here works either way).
    const d = getDomain(ctx, l.ListenerId, p.Domain as string);
    requireDomainIdle(ctx, d);
    const path = p.Path as string;
    if (rulesOfListener(ctx.state, l.ListenerId).some((r) => r.Domain === d.Domain && r.Path === path)) {
      fail('FailedOperation.RuleAlreadyExisted', `A rule for ${d.Domain}${path} already exists.`);
    }
    const r: RuleRec = {
      seq: ctx.nextSeq(),
      RuleId: ctx.newId('rule'),
      ListenerId: l.ListenerId,
      Domain: d.Domain,
      Path: path,
      RealServerType: p.RealServerType as string,
      Scheduler: 'rr',
      HealthCheck: 0,
      CheckParams: null,
      ForwardProtocol: l.Protocol === 'HTTPS' ? l.ForwardProtocol : 'HTTP',
      ForwardHost: 'default',
      ServerNameIndicationSwitch: 'OFF',
      ServerNameIndication: '',
      ForcedRedirect: '',
      headers: [],
      bindings: [],
      busy: startBusy(ctx, 1, 'rule'),
    };
    applyRuleFields(r, l, p, true);
    ctx.state.rules[r.RuleId] = r;
    return { RuleId: r.RuleId };
  },

  ModifyRuleAttribute: (ctx, p) => {
    const l = writableL7(ctx, p.ListenerId as string);
    const r = getRule(ctx, p.RuleId as string);
    if (r.ListenerId !== l.ListenerId)
      fail('InvalidParameterValue', `Rule ${r.RuleId} is not on ${l.ListenerId}.`);
    requireRuleIdle(ctx, r);
    const draft = copyOf(r);
    applyRuleFields(draft, l, p, false);
    if (
      draft.Path !== r.Path &&
      rulesOfListener(ctx.state, l.ListenerId).some((x) => x.Domain === r.Domain && x.Path === draft.Path)
    ) {
      fail('FailedOperation.RuleAlreadyExisted', `A rule for ${r.Domain}${draft.Path} already exists.`);
    }
    Object.assign(r, draft, { busy: startBusy(ctx, 4, 'rule') });
    return {};
  },

  DeleteRule: (ctx, p) => {
    const l = l7Listener(ctx, p.ListenerId as string);
    requireParentRunning(ctx, l, 'delete');
    const r = getRule(ctx, p.RuleId as string);
    if (r.ListenerId !== l.ListenerId)
      fail('InvalidParameterValue', `Rule ${r.RuleId} is not on ${l.ListenerId}.`);
    requireRuleIdle(ctx, r);
    if (p.Force === 0 && r.bindings.length > 0) {
      fail(
        'FailedOperation.RealServerAlreadyBound',
        'The rule still has real servers bound; unbind them or use Force=1.',
      );
    }
    delete ctx.state.rules[r.RuleId];
    return {};
  },

  BindRuleRealServers: (ctx, p) => {
    const r = getRule(ctx, p.RuleId as string);
    const l = l7Listener(ctx, r.ListenerId);
    requireParentRunning(ctx, l, 'write');
    requireListenerIdle(ctx, l);
    requireDomainIdle(ctx, getDomain(ctx, l.ListenerId, r.Domain));
    requireRuleIdle(ctx, r);
    // Doc: full replace, and omitting RealServerBindSet unbinds every server.
    const set = list<Binding>(p, 'RealServerBindSet') ?? [];
    r.bindings = checkBindSet(ctx, l, r.RealServerType, 0, set);
    r.busy = startBusy(ctx, 3, 'rule');
    return {};
  },

  DescribeRuleRealServers: (ctx, p) => {
    const r = getRule(ctx, p.RuleId as string);
    const l = getListener(ctx, r.ListenerId);
    const bindable = bindableServers(ctx, l, r.RealServerType);
    return {
      TotalCount: bindable.length,
      RealServerSet: page(bindable, p).map(realServerOut),
      BindRealServerTotalCount: r.bindings.length,
      BindRealServerSet: r.bindings.map(bindingOut),
    };
  },

  CreateCustomHeader: (ctx, p) => {
    const r = getRule(ctx, p.RuleId as string);
    writableL7(ctx, r.ListenerId);
    requireRuleIdle(ctx, r);
    const headers = list<{ HeaderName: string; HeaderValue: string }>(p, 'Headers') ?? [];
    const black = new Set(BLACK_HEADERS.map((h) => h.toLowerCase()));
    for (const h of headers) {
      if (black.has(h.HeaderName.toLowerCase())) {
        fail(
          'InvalidParameterValue.HitBlacklist',
          `Header ${h.HeaderName} cannot be customised (see DescribeBlackHeader).`,
        );
      }
    }
    // NOTE: the doc does not say whether this appends or replaces, and has no delete action. The
    // emulator REPLACES the rule's whole header set (an empty or omitted list clears it).
    r.headers = headers.map((h) => ({ HeaderName: h.HeaderName, HeaderValue: h.HeaderValue }));
    r.busy = startBusy(ctx, 4, 'rule');
    return {};
  },

  DescribeCustomHeader: (ctx, p) => {
    const r = getRule(ctx, p.RuleId as string);
    return { RuleId: r.RuleId, Headers: r.headers };
  },

  CreateDomainErrorPageInfo: (ctx, p) => {
    const l = writableL7(ctx, p.ListenerId as string);
    const d = getDomain(ctx, l.ListenerId, p.Domain as string);
    const codes = p.ErrorNos as number[];
    const clash = Object.values(ctx.state.errorPages).find(
      (e) =>
        e.ListenerId === l.ListenerId && e.Domain === d.Domain && e.ErrorNos.some((n) => codes.includes(n)),
    );
    // NOTE: the doc lists DomainAlreadyExisted for this action; it is used for a status code that
    // already has a custom page on this domain.
    if (clash)
      fail(
        'FailedOperation.DomainAlreadyExisted',
        `Domain ${d.Domain} already customises one of ${codes.join(',')}.`,
      );
    const id = ctx.newId('errorPage');
    ctx.state.errorPages[id] = {
      seq: ctx.nextSeq(),
      ErrorPageId: id,
      ListenerId: l.ListenerId,
      Domain: d.Domain,
      ErrorNos: codes,
      NewErrorNo: (p.NewErrorNo as number | undefined) ?? 0,
      ClearHeaders: list<string>(p, 'ClearHeaders') ?? [],
      SetHeaders: list<{ HeaderName: string; HeaderValue: string }>(p, 'SetHeaders') ?? [],
      Body: p.Body as string,
    };
    return { ErrorPageId: id };
  },

  DescribeDomainErrorPageInfo: (ctx, p) => {
    const l = l7Listener(ctx, p.ListenerId as string);
    const set = ordered(ctx.state.errorPages).filter(
      (e) => e.ListenerId === l.ListenerId && e.Domain === p.Domain,
    );
    return { ErrorPageSet: set.map(({ seq: _s, ...e }) => ({ ...e, Status: 0 })) };
  },

  DescribeDomainErrorPageInfoByIds: (ctx, p) => {
    const ids = p.ErrorPageIds as string[];
    const set = ordered(ctx.state.errorPages).filter((e) => ids.includes(e.ErrorPageId));
    return { ErrorPageSet: set.map(({ seq: _s, ...e }) => ({ ...e, Status: 0 })) };
  },

  DeleteDomainErrorPageInfo: (ctx, p) => {
    const e = ctx.state.errorPages[p.ErrorPageId as string];
    if (!e) notFound('error page', p.ErrorPageId as string);
    const l = getListener(ctx, e.ListenerId);
    requireParentRunning(ctx, l, 'delete');
    requireListenerIdle(ctx, l);
    delete ctx.state.errorPages[e.ErrorPageId];
    return {};
  },
};
