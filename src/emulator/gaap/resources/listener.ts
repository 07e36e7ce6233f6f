import { copyOf } from '../../undo-journal.js';
import { fail, notFound } from '../errors.js';
import {
  type Binding,
  type Busy,
  type Ctx,
  current,
  type GaapState,
  type Handler,
  has,
  list,
  num,
  ordered,
  type Params,
  page,
  type ResourceModule,
  recordsWhere,
  secondsOf,
  startBusy,
  str,
} from '../state.js';
import { type CrossRule, type ValueRule, ZERO_ONE } from '../validation-rules.js';
import { certAlias, getCertificate } from './certificate.js';
import { getProxy, proxyStatus } from './proxy.js';
import { getGroup, groupStatus } from './proxy-group.js';
import { bindableServers, bindingOut, checkBindSet, realServerOut } from './real-server.js';

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

declare module '../state.js' {
  interface GaapTables {
    listeners: Record<string, ListenerRec>;
  }
}

export function listenerStatus(ctx: Ctx, l: ListenerRec): number {
  return current(l, 0, ctx.now);
}

export function getListener(ctx: Ctx, id: string): ListenerRec {
  const l = ctx.state.listeners[id];
  if (!l) notFound('listener', id);
  return l;
}

export function listenersOfParent(state: GaapState, proxyId: string, groupId: string): ListenerRec[] {
  if (proxyId) return recordsWhere(state.listeners, 'ProxyId', proxyId);
  return groupId ? recordsWhere(state.listeners, 'GroupId', groupId) : [];
}

export type ParentWrite = 'create-listener' | 'write' | 'delete';

/**
 * Listener, rule and domain writes need a running parent. NOTE: the doc has two codes: adding a
 * listener to a proxy that is not running answers ProxyStatusNotInRuning ("listeners cannot be
 * added"), the other writes InstanceStatusNotInRuning. Deletes are also allowed on CLOSED proxies.
 */
export function requireParentRunning(
  ctx: Ctx,
  l: { ProxyId: string; GroupId: string },
  mode: ParentWrite,
): void {
  if (l.ProxyId) {
    const s = proxyStatus(ctx, getProxy(ctx, l.ProxyId));
    if (s === 'RUNNING' || (mode === 'delete' && s === 'CLOSED')) return;
    if (mode === 'create-listener') {
      fail('FailedOperation.ProxyStatusNotInRuning', `The proxy is ${s}; listeners cannot be added.`);
    }
    fail('FailedOperation.InstanceStatusNotInRuning', `The proxy is ${s}, not RUNNING.`);
  }
  const s = groupStatus(ctx, getGroup(ctx, l.GroupId));
  if (s === 'RUNNING' || (mode === 'delete' && s === 'CLOSED')) return;
  fail('FailedOperation.GroupStatusNotInRuning', `The proxy group is ${s}, not RUNNING.`);
}

export function requireListenerIdle(ctx: Ctx, l: ListenerRec): void {
  const s = listenerStatus(ctx, l);
  if (s !== 0)
    fail('FailedOperation.ListenerHasTask', `The listener ${l.ListenerId} is busy (ListenerStatus ${s}).`);
}

/** Transport ports a listener occupies: ports are unique per transport on one proxy or group. */
function transports(l: Pick<ListenerRec, 'Protocol' | 'Http3Supported'>): ('TCP' | 'UDP')[] {
  switch (l.Protocol) {
    case 'UDP':
      return ['UDP'];
    case 'HTTPS':
      // Doc: an HTTPS listener with HTTP/3 also takes the same UDP port.
      return l.Http3Supported === 1 ? ['TCP', 'UDP'] : ['TCP'];
    case 'TCP':
    case 'HTTP':
      return ['TCP'];
    default: {
      const never: never = l.Protocol;
      throw new Error(`unknown protocol ${String(never)}`);
    }
  }
}

function checkPortsFree(
  ctx: Ctx,
  parent: { ProxyId: string; GroupId: string },
  ports: number[],
  candidate: Pick<ListenerRec, 'Protocol' | 'Http3Supported'>,
): void {
  const wanted = transports(candidate);
  const taken = new Set<string>();
  for (const l of listenersOfParent(ctx.state, parent.ProxyId, parent.GroupId)) {
    for (const t of transports(l)) taken.add(`${t}:${l.Port}`);
  }
  for (const port of ports) {
    for (const t of wanted) {
      const key = `${t}:${port}`;
      if (taken.has(key))
        fail('InvalidParameterValue.DuplicatedListenerPort', `Port ${port}/${t} is already in use.`);
      taken.add(key);
    }
  }
}

/** Resolves and checks the ProxyId xor GroupId parent of a listener create. */
function createParent(ctx: Ctx, p: Params): { ProxyId: string; GroupId: string } {
  const parent = { ProxyId: str(p, 'ProxyId') ?? '', GroupId: str(p, 'GroupId') ?? '' };
  if (parent.ProxyId) getProxy(ctx, parent.ProxyId);
  else getGroup(ctx, parent.GroupId);
  requireParentRunning(ctx, parent, 'create-listener');
  return parent;
}

/** Modify/Delete name the parent too; it must be the listener's own. */
function checkParentMatches(l: ListenerRec, p: Params): void {
  const proxyId = str(p, 'ProxyId');
  const groupId = str(p, 'GroupId');
  if ((proxyId && proxyId !== l.ProxyId) || (groupId && groupId !== l.GroupId)) {
    fail('InvalidParameterValue', `Listener ${l.ListenerId} does not belong to the proxy or group given.`);
  }
}

function blankListener(
  ctx: Ctx,
  protocol: ListenerProtocol,
  parent: { ProxyId: string; GroupId: string },
): ListenerRec {
  return {
    seq: ctx.nextSeq(),
    ListenerId: ctx.newId('listener'),
    Protocol: protocol,
    ListenerName: '',
    Port: 0,
    ProxyId: parent.ProxyId,
    GroupId: parent.GroupId,
    CreateTime: secondsOf(ctx.now),
    busy: startBusy(ctx, 1, 'listener'),
    bindings: [],
    RealServerType: 'IP',
    RealServerPort: 0,
    Scheduler: 'rr',
    HealthCheck: 0,
    DelayLoop: 5,
    ConnectTimeout: 2,
    HealthyThreshold: 3,
    UnhealthyThreshold: 3,
    FailoverSwitch: 0,
    ClientIPMethod: 0,
    CheckType: 'PORT',
    CheckPort: 0,
    ContextType: 'TEXT',
    SendContext: '',
    RecvContext: '',
    CertificateId: '',
    ForwardProtocol: 'HTTP',
    AuthType: 0,
    ClientCertificateId: '',
    PolyClientCertificateIds: [],
    Http3Supported: 0,
    TLSSupportVersion: ['TLSv1.2', 'TLSv1.3'],
    TLSCiphers: 'GAAP_TLS_CIPHERS_WIDE',
  };
}

const L4_FIELDS = [
  'Scheduler',
  'HealthCheck',
  'DelayLoop',
  'ConnectTimeout',
  'HealthyThreshold',
  'UnhealthyThreshold',
  'FailoverSwitch',
  'CheckType',
  'CheckPort',
  'ContextType',
  'SendContext',
  'RecvContext',
] as const;

/** Copies the layer-4 settings given, then checks the rules that involve stored values too. */
function applyL4(l: ListenerRec, p: Params): void {
  for (const f of L4_FIELDS) if (has(p, f)) Object.assign(l, { [f]: p[f] });
  if (l.ConnectTimeout >= l.DelayLoop) {
    fail(
      'InvalidParameterValue',
      `ConnectTimeout (${l.ConnectTimeout}) must be less than DelayLoop (${l.DelayLoop}).`,
    );
  }
  if (l.RealServerType === 'DOMAIN') {
    // Doc (ModifyTCPListenerAttribute): wrr and lrtt, and primary/backup, are not for domain origins.
    if (l.Scheduler === 'wrr' || l.Scheduler === 'lrtt') {
      fail('InvalidParameterValue', `Scheduler ${l.Scheduler} is not supported with DOMAIN real servers.`);
    }
    if (l.FailoverSwitch === 1)
      fail('InvalidParameterValue', 'FailoverSwitch is not supported with DOMAIN real servers.');
  }
}

function createL4(ctx: Ctx, p: Params, protocol: 'TCP' | 'UDP'): { ListenerIds: string[] } {
  const parent = createParent(ctx, p);
  const ports = p.Ports as number[];
  const rsPorts = list<number>(p, 'RealServerPorts');
  if (rsPorts) {
    // Doc: RealServerPorts only for v1 proxies and group listeners (new proxies are 3.0).
    if (parent.ProxyId)
      fail('InvalidParameterValue', 'RealServerPorts is only supported on proxy-group listeners.');
    if (rsPorts.length !== ports.length)
      fail('InvalidParameterValue', 'RealServerPorts must match Ports one to one.');
  }
  checkPortsFree(ctx, parent, ports, { Protocol: protocol, Http3Supported: 0 });
  const ids: string[] = [];
  const created: ListenerRec[] = [];
  ports.forEach((port, i) => {
    const l = blankListener(ctx, protocol, parent);
    l.ListenerName = p.ListenerName as string;
    l.Port = port;
    l.RealServerPort = rsPorts?.[i] ?? 0;
    l.RealServerType = p.RealServerType as string;
    if (protocol === 'TCP') l.ClientIPMethod = num(p, 'ClientIPMethod') ?? 0;
    applyL4(l, p);
    created.push(l);
    ids.push(l.ListenerId);
  });
  for (const l of created) ctx.state.listeners[l.ListenerId] = l;
  return { ListenerIds: ids };
}

function l4Out(ctx: Ctx, l: ListenerRec) {
  const common = {
    ListenerId: l.ListenerId,
    ListenerName: l.ListenerName,
    Port: l.Port,
    RealServerPort: l.RealServerPort,
    RealServerType: l.RealServerType,
    Protocol: l.Protocol,
    ListenerStatus: listenerStatus(ctx, l),
    Scheduler: l.Scheduler,
    RealServerSet: l.bindings.map(bindingOut),
    CreateTime: l.CreateTime,
    SessionPersist: 0,
    DelayLoop: l.DelayLoop,
    ConnectTimeout: l.ConnectTimeout,
    HealthyThreshold: l.HealthyThreshold,
    UnhealthyThreshold: l.UnhealthyThreshold,
    FailoverSwitch: l.FailoverSwitch,
    HealthCheck: l.HealthCheck,
    ProxyId: l.ProxyId,
    GroupId: l.GroupId,
  };
  // NOTE: BindStatus polarity differs: TCPListener 1 = normal, UDPListener 0 = normal.
  if (l.Protocol === 'TCP') return { ...common, BindStatus: 1, ClientIPMethod: l.ClientIPMethod };
  return {
    ...common,
    BindStatus: 0,
    CheckType: l.CheckType,
    CheckPort: l.CheckPort,
    ContextType: l.ContextType,
    SendContext: l.SendContext,
    RecvContext: l.RecvContext,
  };
}

function l7Out(ctx: Ctx, l: ListenerRec) {
  const base = {
    ListenerId: l.ListenerId,
    ListenerName: l.ListenerName,
    Port: l.Port,
    CreateTime: l.CreateTime,
    Protocol: l.Protocol,
    ListenerStatus: listenerStatus(ctx, l),
    ProxyId: l.ProxyId,
    GroupId: l.GroupId,
  };
  if (l.Protocol === 'HTTP') return base;
  return {
    ...base,
    CertificateId: l.CertificateId,
    ForwardProtocol: l.ForwardProtocol,
    CertificateAlias: certAlias(ctx, l.CertificateId),
    ClientCertificateId: l.ClientCertificateId,
    AuthType: l.AuthType,
    ClientCertificateAlias: certAlias(ctx, l.ClientCertificateId),
    PolyClientCertificateAliasInfo: l.PolyClientCertificateIds.map((id) => ({
      CertificateId: id,
      CertificateAlias: certAlias(ctx, id),
    })),
    Http3Supported: l.Http3Supported,
    TLSSupportVersion: l.TLSSupportVersion,
    TLSCiphers: l.TLSCiphers,
  };
}

function describe(protocol: ListenerProtocol, render: (ctx: Ctx, l: ListenerRec) => object): Handler {
  return (ctx, p) => {
    const proxyId = str(p, 'ProxyId');
    const groupId = str(p, 'GroupId');
    if (proxyId) getProxy(ctx, proxyId);
    if (groupId) getGroup(ctx, groupId);
    // The parent's listeners from the index (a proxy's or group's list costs what it holds).
    let items = (
      proxyId || groupId
        ? listenersOfParent(ctx.state, proxyId ?? '', proxyId ? '' : (groupId ?? ''))
        : ordered(ctx.state.listeners)
    ).filter((l) => l.Protocol === protocol);
    if (proxyId && groupId) items = items.filter((l) => l.GroupId === groupId);
    const id = str(p, 'ListenerId');
    if (id) items = items.filter((l) => l.ListenerId === id);
    const name = str(p, 'ListenerName');
    if (name) items = items.filter((l) => l.ListenerName === name);
    const port = num(p, 'Port');
    if (port !== undefined) items = items.filter((l) => l.Port === port);
    const h3 = num(p, 'Http3Supported');
    if (h3 !== undefined) items = items.filter((l) => l.Http3Supported === h3);
    const search = str(p, 'SearchValue');
    if (search) {
      items = items.filter(
        (l) =>
          l.ListenerId.includes(search) || l.ListenerName.includes(search) || String(l.Port).includes(search),
      );
    }
    return { TotalCount: items.length, ListenerSet: page(items, p).map((l) => render(ctx, l)) };
  };
}

function checkCert(ctx: Ctx, id: string, type: number, what: string): void {
  const c = getCertificate(ctx, id, 'InvalidParameterValue.InvalidCertificateId');
  if (c.CertificateType !== type) {
    fail('InvalidParameterValue.InvalidCertificateId', `${what} ${id} is not a type-${type} certificate.`);
  }
}

/** Writes that touch an existing listener: parent running, listener idle. */
function writableListener(ctx: Ctx, p: Params, protocol?: ListenerProtocol): ListenerRec {
  const l = getListener(ctx, p.ListenerId as string);
  if (protocol && l.Protocol !== protocol) {
    fail(
      'FailedOperation.InvalidListenerProtocol',
      `Listener ${l.ListenerId} is ${l.Protocol}, not ${protocol}.`,
    );
  }
  checkParentMatches(l, p);
  requireParentRunning(ctx, l, 'write');
  requireListenerIdle(ctx, l);
  return l;
}

/**
 * NOTE: CreateHTTPListener and CreateHTTPSListener accept GroupId, yet the doc says
 * "通道组通道暂时不支持HTTP/HTTPS监听器" (ModifyHTTPListenerAttribute: a proxy group's proxies do not
 * support HTTP/HTTPS listeners yet), and CreateHTTPListener lists NotSupportProxyGroup: a group is
 * refused, and so is a proxy of a group (CreateHTTPSListener does not list that code, so it answers
 * as FailedOperation). Its layer-4 listeners (and the group's own) are served.
 */
function refuseGroupL7(ctx: Ctx, p: Params, protocol: 'HTTP' | 'HTTPS'): void {
  if (has(p, 'GroupId'))
    fail('FailedOperation.NotSupportProxyGroup', `Proxy groups do not support ${protocol} listeners.`);
  const proxyId = str(p, 'ProxyId');
  const groupId = proxyId ? getProxy(ctx, proxyId).GroupId : '';
  if (groupId) {
    fail(
      'FailedOperation.NotSupportProxyGroup',
      `Proxy ${proxyId} is in proxy group ${groupId}: the proxies of a group do not support ${protocol} listeners.`,
    );
  }
}

const actions: Record<string, Handler> = {
  CreateTCPListeners: (ctx, p) => createL4(ctx, p, 'TCP'),
  CreateUDPListeners: (ctx, p) => createL4(ctx, p, 'UDP'),

  CreateHTTPListener: (ctx, p) => {
    refuseGroupL7(ctx, p, 'HTTP');
    const parent = createParent(ctx, p);
    checkPortsFree(ctx, parent, [p.Port as number], { Protocol: 'HTTP', Http3Supported: 0 });
    const l = blankListener(ctx, 'HTTP', parent);
    l.ListenerName = p.ListenerName as string;
    l.Port = p.Port as number;
    ctx.state.listeners[l.ListenerId] = l;
    return { ListenerId: l.ListenerId };
  },

  CreateHTTPSListener: (ctx, p) => {
    refuseGroupL7(ctx, p, 'HTTPS');
    const parent = createParent(ctx, p);
    checkCert(ctx, p.CertificateId as string, 2, 'CertificateId');
    const authType = num(p, 'AuthType') ?? 0;
    const clientCert = str(p, 'ClientCertificateId') ?? '';
    const polyClient = list<string>(p, 'PolyClientCertificateIds') ?? [];
    if (authType === 1)
      for (const id of [clientCert, ...polyClient].filter(Boolean)) checkCert(ctx, id, 1, 'Client CA');
    const h3 = num(p, 'Http3Supported') ?? 0;
    checkPortsFree(ctx, parent, [p.Port as number], { Protocol: 'HTTPS', Http3Supported: h3 });
    const l = blankListener(ctx, 'HTTPS', parent);
    Object.assign(l, {
      ListenerName: p.ListenerName as string,
      Port: p.Port as number,
      CertificateId: p.CertificateId as string,
      ForwardProtocol: p.ForwardProtocol as string,
      AuthType: authType,
      ClientCertificateId: authType === 1 ? clientCert : '',
      PolyClientCertificateIds: authType === 1 ? polyClient : [],
      Http3Supported: h3,
    });
    ctx.state.listeners[l.ListenerId] = l;
    return { ListenerId: l.ListenerId };
  },

  DescribeTCPListeners: describe('TCP', l4Out),
  DescribeUDPListeners: describe('UDP', l4Out),
  DescribeHTTPListeners: describe('HTTP', l7Out),
  DescribeHTTPSListeners: describe('HTTPS', l7Out),

  DescribeListenerRealServers: (ctx, p) => {
    const l = getListener(ctx, p.ListenerId as string);
    const bindable = bindableServers(ctx, l, l.RealServerType);
    return {
      TotalCount: bindable.length,
      RealServerSet: bindable.map(realServerOut),
      BindRealServerTotalCount: l.bindings.length,
      BindRealServerSet: l.bindings.map(bindingOut),
    };
  },

  ModifyTCPListenerAttribute: (ctx, p) => {
    const l = writableListener(ctx, p, 'TCP');
    const draft = copyOf(l);
    applyL4(draft, p);
    if (has(p, 'ListenerName')) draft.ListenerName = p.ListenerName as string;
    Object.assign(l, draft, { busy: startBusy(ctx, 4, 'listener') });
    return {};
  },

  ModifyUDPListenerAttribute: (ctx, p) => {
    const l = writableListener(ctx, p, 'UDP');
    const draft = copyOf(l);
    applyL4(draft, p);
    if (has(p, 'ListenerName')) draft.ListenerName = p.ListenerName as string;
    Object.assign(l, draft, { busy: startBusy(ctx, 4, 'listener') });
    return {};
  },

  ModifyHTTPListenerAttribute: (ctx, p) => {
    const l = writableListener(ctx, p, 'HTTP');
    l.ListenerName = p.ListenerName as string;
    l.busy = startBusy(ctx, 4, 'listener');
    return {};
  },

  ModifyHTTPSListenerAttribute: (ctx, p) => {
    const l = writableListener(ctx, p, 'HTTPS');
    // "ProxyId: 若为单通道监听器，此项必须填写" (required for a listener of a single proxy).
    if (l.ProxyId && !has(p, 'ProxyId')) {
      fail('MissingParameter', `The listener ${l.ListenerId} is on proxy ${l.ProxyId}: ProxyId is required.`);
    }
    const cert = str(p, 'CertificateId');
    if (cert) checkCert(ctx, cert, 2, 'CertificateId');
    const clientCert = str(p, 'ClientCertificateId');
    const poly = list<string>(p, 'PolyClientCertificateIds');
    for (const id of [clientCert ?? '', ...(poly ?? [])].filter(Boolean)) checkCert(ctx, id, 1, 'Client CA');
    if (has(p, 'ListenerName')) l.ListenerName = p.ListenerName as string;
    if (has(p, 'ForwardProtocol')) l.ForwardProtocol = p.ForwardProtocol as string;
    if (cert) l.CertificateId = cert;
    if (clientCert !== undefined) l.ClientCertificateId = clientCert;
    if (poly) l.PolyClientCertificateIds = poly;
    l.busy = startBusy(ctx, 4, 'listener');
    return {};
  },

  SetTlsVersion: (ctx, p) => {
    const l = writableListener(ctx, p, 'HTTPS');
    l.TLSSupportVersion = p.TLSSupportVersion as string[];
    l.TLSCiphers = p.TLSCiphers as string;
    l.busy = startBusy(ctx, 4, 'listener');
    return {};
  },

  BindListenerRealServers: (ctx, p) => {
    const l = getListener(ctx, p.ListenerId as string);
    if (l.Protocol !== 'TCP' && l.Protocol !== 'UDP') {
      fail('FailedOperation.InvalidListenerProtocol', 'Layer-7 listeners bind real servers through rules.');
    }
    requireParentRunning(ctx, l, 'write');
    requireListenerIdle(ctx, l);
    const set = list<Binding>(p, 'RealServerBindSet') ?? [];
    l.bindings = checkBindSet(ctx, l, l.RealServerType, l.FailoverSwitch, set);
    l.busy = startBusy(ctx, 3, 'listener');
    return {};
  },

  DeleteListeners: (ctx, p) => {
    const parent = { ProxyId: str(p, 'ProxyId') ?? '', GroupId: str(p, 'GroupId') ?? '' };
    if (parent.ProxyId) getProxy(ctx, parent.ProxyId);
    else getGroup(ctx, parent.GroupId);
    requireParentRunning(ctx, parent, 'delete');
    const ids = p.ListenerIds as string[];
    const failed: string[] = [];
    const invalid: string[] = [];
    const ok: ListenerRec[] = [];
    for (const id of ids) {
      const l = ctx.state.listeners[id];
      if (!l || l.ProxyId !== parent.ProxyId || l.GroupId !== parent.GroupId) failed.push(id);
      else if (listenerStatus(ctx, l) !== 0) invalid.push(id);
      else ok.push(l);
    }
    const okIds = ok.map((l) => l.ListenerId);
    if (p.Force === 0 && ctx.rel.usesBelow('listeners', okIds, 'realServers', true)) {
      fail(
        'FailedOperation.RealServerAlreadyBound',
        'A listener still has real servers bound; unbind them or use Force=1.',
      );
    }
    // NOTE: deletion is immediate (no ListenerStatus 2 phase): the listener and its rules,
    // domains and error pages go at once and their bindings are released.
    ctx.rel.remove('listeners', okIds);
    return {
      OperationFailedListenerSet: failed,
      OperationSucceedListenerSet: okIds,
      InvalidStatusListenerSet: invalid,
    };
  },
};

/** Value rules of its parameters (validation-rules.ts). */
const valueRules: Readonly<Record<string, ValueRule>> = {
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
  AuthType: { enum: ZERO_ONE },
};

const L4_ACTIONS = [
  'CreateTCPListeners',
  'CreateUDPListeners',
  'ModifyTCPListenerAttribute',
  'ModifyUDPListenerAttribute',
];

/** "SearchValue …该参数不能与ListenerName和Port同时使用" (not said for HTTPS listeners). */
const SEARCH_VALUE_EXCLUSIVE = ['DescribeTCPListeners', 'DescribeUDPListeners', 'DescribeHTTPListeners'];

/** Cross-field rules of its actions (validation-rules.ts). */
const crossRules: readonly CrossRule[] = [
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
  { kind: 'lessThan', actions: L4_ACTIONS, field: 'ConnectTimeout', than: 'DelayLoop' },
  {
    kind: 'requiredWhen',
    actions: ['CreateHTTPSListener'],
    field: 'ClientCertificateId|PolyClientCertificateIds',
    when: 'AuthType',
    equals: 1,
  },
];

/** Listeners of all four protocols (one table: ports are unique across them on a proxy or group). */
export const listenerResource: ResourceModule<'listeners'> = {
  table: 'listeners',
  noun: 'listener',
  key: ['ListenerId'],
  ownIds: true,
  actions,
  parents: [
    { table: 'proxies', fields: ['ProxyId'] },
    { table: 'groups', fields: ['GroupId'] },
  ],
  references: {
    certificates: ['CertificateId', 'ClientCertificateId', 'PolyClientCertificateIds'],
    realServers: ['bindings.RealServerId'],
  },
  status: listenerStatus,
  busyName: 'listener',
  valueRules,
  crossRules,
};
