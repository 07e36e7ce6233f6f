import { fail, notFound } from '../errors.js';
import { checkAccessRegion, checkCapacity, checkDestRegion, regionDetail } from '../regions.js';
import {
  type Busy,
  type Ctx,
  current,
  type Handler,
  has,
  list,
  matchesAnyTag,
  num,
  ordered,
  type Params,
  page,
  type ResourceModule,
  secondsOf,
  startBusy,
  str,
  type TagPair,
} from '../state.js';
import { type CrossRule, type ValueRule, ZERO_ONE } from '../validation-rules.js';

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

declare module '../state.js' {
  interface GaapTables {
    proxies: Record<string, ProxyRec>;
  }
}

export function proxyStatus(ctx: Ctx, p: ProxyRec): string {
  return current(p, p.stable, ctx.now);
}

export function getProxy(ctx: Ctx, id: string): ProxyRec {
  const p = ctx.state.proxies[id];
  // settle() has already dropped finished destroys, so a DESTROYED record here is still DESTROYING.
  if (!p) notFound('proxy', id);
  return p;
}

export function proxyInfo(ctx: Ctx, p: ProxyRec) {
  const policy = ctx.rel.children('policies', 'proxies', p.ProxyId)[0];
  const related = ctx.rel.referrers('dnsRecords', 'proxies', p.ProxyId).map((d) => d.DomainId);
  return {
    InstanceId: p.ProxyId,
    CreateTime: p.CreateTime,
    ProjectId: p.ProjectId,
    ProxyName: p.ProxyName,
    AccessRegion: p.AccessRegion,
    RealServerRegion: p.RealServerRegion,
    Bandwidth: p.Bandwidth,
    Concurrent: p.Concurrent,
    Status: proxyStatus(ctx, p),
    Domain: `${p.ProxyId}.gaapqcloud.com`,
    IP: p.IP,
    Version: p.Version,
    ProxyId: p.ProxyId,
    Scalarable: 1,
    SupportProtocols: ['TCP', 'UDP', 'HTTP', 'HTTPS'],
    GroupId: p.GroupId,
    PolicyId: policy?.PolicyId ?? '',
    AccessRegionInfo: regionDetail(p.AccessRegion),
    RealServerRegionInfo: regionDetail(p.RealServerRegion),
    ForwardIP: '',
    TagSet: p.TagSet,
    SupportSecurity: 1,
    BillingType: p.BillingType,
    RelatedGlobalDomains: [...new Set(related)],
    ModifyConfigTime: p.ModifyConfigTime,
    ProxyType: p.GroupId ? 1 : 0,
    ClientIPMethod: [0, 1],
    IPAddressVersion: p.IPAddressVersion,
    NetworkType: p.NetworkType,
    PackageType: p.PackageType,
    BanStatus: 'RECOVER',
    IPList: [{ IP: p.IP, Provider: 'BGP', Bandwidth: p.Bandwidth }],
    Http3Supported: p.Http3Supported,
    InBanBlacklist: 0,
    FeatureBitmap: 0,
    IsAutoScaleProxy: 0,
    IsSupportTLSChoice: 1,
  };
}

function randomIp(ctx: Ctx): string {
  const octet = () => 1 + Math.floor(ctx.opts.random() * 254);
  return `119.28.${octet()}.${octet()}`;
}

export function newProxy(
  ctx: Ctx,
  fields: Partial<ProxyRec> & Pick<ProxyRec, 'ProxyName' | 'AccessRegion'>,
): ProxyRec {
  const id = ctx.newId('link');
  const rec: ProxyRec = {
    seq: ctx.nextSeq(),
    ProxyId: id,
    ProjectId: 0,
    RealServerRegion: '',
    Bandwidth: 10,
    Concurrent: 2,
    GroupId: '',
    BillingType: 0,
    IPAddressVersion: 'IPv4',
    NetworkType: 'normal',
    PackageType: 'Thunder',
    Http3Supported: 1,
    // New proxies are 3.0, the version layer-7 domains need.
    Version: '3.0',
    TagSet: [],
    CreateTime: secondsOf(ctx.now),
    ModifyConfigTime: secondsOf(ctx.now),
    IP: randomIp(ctx),
    stable: 'RUNNING',
    busy: startBusy(ctx, 'CREATING', 'proxy'),
    ...fields,
  };
  ctx.state.proxies[id] = rec;
  return rec;
}

/** Batch actions take ProxyIds, or the legacy InstanceIds. */
function idsOf(p: Params): string[] {
  return [...(list(p, 'ProxyIds') ?? []), ...(list(p, 'InstanceIds') ?? [])];
}

const ORDER_FIELDS: Record<string, (x: ProxyRec) => number | string> = {
  create_time: (x) => x.seq,
  proxy_id: (x) => x.ProxyId,
  bandwidth: (x) => x.Bandwidth,
  concurrent_connections: (x) => x.Concurrent,
};

const FILTERS: Record<string, (x: ProxyRec) => string> = {
  ProjectId: (x) => String(x.ProjectId),
  AccessRegion: (x) => x.AccessRegion,
  RealServerRegion: (x) => x.RealServerRegion,
  GroupId: (x) => x.GroupId,
  IPAddressVersion: (x) => x.IPAddressVersion,
  PackageType: (x) => x.PackageType,
};

/** Outcome sets of the batch open/close/destroy calls, which can partially succeed. */
interface BatchResult {
  InvalidStatusInstanceSet: string[];
  OperationFailedInstanceSet: string[];
}

export function openProxies(ctx: Ctx, ids: string[]): BatchResult {
  const out: BatchResult = { InvalidStatusInstanceSet: [], OperationFailedInstanceSet: [] };
  for (const id of ids) {
    const p = ctx.state.proxies[id];
    if (!p) out.OperationFailedInstanceSet.push(id);
    else if (proxyStatus(ctx, p) !== 'CLOSED') out.InvalidStatusInstanceSet.push(id);
    else {
      p.stable = 'RUNNING';
      p.busy = startBusy(ctx, 'OPENING', 'proxy');
    }
  }
  return out;
}

export function closeProxies(ctx: Ctx, ids: string[]): BatchResult {
  const out: BatchResult = { InvalidStatusInstanceSet: [], OperationFailedInstanceSet: [] };
  for (const id of ids) {
    const p = ctx.state.proxies[id];
    if (!p) out.OperationFailedInstanceSet.push(id);
    else if (proxyStatus(ctx, p) !== 'RUNNING') out.InvalidStatusInstanceSet.push(id);
    else {
      p.stable = 'CLOSED';
      p.busy = startBusy(ctx, 'CLOSING', 'proxy');
    }
  }
  return out;
}

const actions: Record<string, Handler> = {
  CreateProxy: (ctx, p) => {
    const accessRegion = p.AccessRegion as string;
    checkAccessRegion(accessRegion);
    checkCapacity(num(p, 'Bandwidth'), num(p, 'Concurrent'));
    let realServerRegion = str(p, 'RealServerRegion') ?? '';
    const groupId = str(p, 'GroupId') ?? '';
    if (groupId) {
      const g = ctx.rel.get('groups', groupId);
      if (ctx.rel.status('groups', g) !== 'RUNNING') {
        fail('FailedOperation.GroupStatusNotInRuning', `The proxy group ${groupId} is not RUNNING.`);
      }
      // The origin region of a group proxy is the group's.
      realServerRegion = g.RealServerRegion;
    } else {
      checkDestRegion(realServerRegion);
    }
    const cloned = str(p, 'ClonedProxyId');
    if (cloned && proxyStatus(ctx, getProxy(ctx, cloned)) !== 'RUNNING') {
      fail(
        'FailedOperation.InstanceStatusNotInRuning',
        `Only RUNNING proxies can be cloned; ${cloned} is not.`,
      );
    }
    const ipVersion = str(p, 'IPAddressVersion') ?? 'IPv4';
    const rec = newProxy(ctx, {
      ProxyName: p.ProxyName as string,
      ProjectId: p.ProjectId as number,
      AccessRegion: accessRegion,
      RealServerRegion: realServerRegion,
      Bandwidth: p.Bandwidth as number,
      Concurrent: p.Concurrent as number,
      GroupId: groupId,
      BillingType: num(p, 'BillingType') ?? 0,
      IPAddressVersion: ipVersion,
      NetworkType: str(p, 'NetworkType') ?? 'normal',
      PackageType: str(p, 'PackageType') ?? 'Thunder',
      // Doc: HTTP/3 is on by default for IPv4 proxies and off for IPv6.
      Http3Supported: num(p, 'Http3Supported') ?? (ipVersion === 'IPv4' ? 1 : 0),
      TagSet: list<TagPair>(p, 'TagSet') ?? [],
    });
    return { InstanceId: rec.ProxyId };
  },

  DescribeProxies: (ctx, p) => {
    const ids = idsOf(p);
    let items = ordered(ctx.state.proxies);
    if (ids.length > 0) items = items.filter((x) => ids.includes(x.ProxyId));
    for (const f of list<{ Name: string; Values: string[] }>(p, 'Filters') ?? []) {
      const get = FILTERS[f.Name]!;
      items = items.filter((x) => f.Values.includes(get(x)));
    }
    const tags = list<TagPair>(p, 'TagSet');
    items = items.filter((x) => matchesAnyTag(x.TagSet, tags));
    const independent = num(p, 'Independent');
    if (independent === 1) items = items.filter((x) => !x.GroupId);
    if (independent === 0) items = items.filter((x) => !!x.GroupId);
    const key = ORDER_FIELDS[str(p, 'OrderField') ?? 'create_time']!;
    const dir = str(p, 'Order') === 'asc' ? 1 : -1;
    items.sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : 0));
    const set = page(items, p).map((x) => proxyInfo(ctx, x));
    // InstanceSet is the legacy name of ProxySet; both are filled, as the live API does.
    return { TotalCount: items.length, InstanceSet: set, ProxySet: set };
  },

  DescribeProxyDetail: (ctx, p) => ({ ProxyDetail: proxyInfo(ctx, getProxy(ctx, p.ProxyId as string)) }),

  DescribeProxiesStatus: (ctx, p) => {
    const ids = idsOf(p);
    const items = ordered(ctx.state.proxies).filter((x) => ids.length === 0 || ids.includes(x.ProxyId));
    return { InstanceStatusSet: items.map((x) => ({ InstanceId: x.ProxyId, Status: proxyStatus(ctx, x) })) };
  },

  ModifyProxiesAttribute: (ctx, p) => {
    const proxies = idsOf(p).map((id) => getProxy(ctx, id));
    const name = str(p, 'ProxyName');
    if (name !== undefined) for (const x of proxies) x.ProxyName = name;
    return {};
  },

  ModifyProxiesProject: (ctx, p) => {
    const proxies = idsOf(p).map((id) => getProxy(ctx, id));
    for (const x of proxies) x.ProjectId = p.ProjectId as number;
    return {};
  },

  ModifyProxyConfiguration: (ctx, p) => {
    const x = getProxy(ctx, (str(p, 'ProxyId') ?? str(p, 'InstanceId'))!);
    const s = proxyStatus(ctx, x);
    if (s !== 'RUNNING') fail('FailedOperation.InstanceStatusNotInRuning', `The proxy is ${s}, not RUNNING.`);
    checkCapacity(num(p, 'Bandwidth'), num(p, 'Concurrent'));
    if (has(p, 'Bandwidth')) x.Bandwidth = p.Bandwidth as number;
    if (has(p, 'Concurrent')) x.Concurrent = p.Concurrent as number;
    if (has(p, 'BillingType')) x.BillingType = p.BillingType as number;
    x.ModifyConfigTime = secondsOf(ctx.now);
    x.busy = startBusy(ctx, 'ADJUSTING', 'proxy');
    return {};
  },

  OpenProxies: (ctx, p) => ({ ...openProxies(ctx, idsOf(p)) }),
  CloseProxies: (ctx, p) => ({ ...closeProxies(ctx, idsOf(p)) }),

  DestroyProxies: (ctx, p) => {
    const out: BatchResult = { InvalidStatusInstanceSet: [], OperationFailedInstanceSet: [] };
    const found: ProxyRec[] = [];
    for (const id of idsOf(p)) {
      const x = ctx.state.proxies[id];
      if (x) found.push(x);
      else out.OperationFailedInstanceSet.push(id);
    }
    if (new Set(found.map((x) => x.GroupId)).size > 1) {
      fail(
        'FailedOperation.BelongDifferentGroup',
        'Proxies of different groups cannot be destroyed in one call.',
      );
    }
    // Force=0 fails the whole batch when any proxy still has bound real servers.
    if (
      p.Force === 0 &&
      ctx.rel.usesBelow(
        'proxies',
        found.map((x) => x.ProxyId),
        'realServers',
        false,
      )
    ) {
      fail(
        'FailedOperation.RealServerAlreadyBound',
        'A proxy still has real servers bound; unbind them or use Force=1.',
      );
    }
    for (const x of found) {
      const s = proxyStatus(ctx, x);
      if (s !== 'RUNNING' && s !== 'CLOSED') {
        out.InvalidStatusInstanceSet.push(x.ProxyId);
        continue;
      }
      ctx.rel.removeChildren('proxies', [x.ProxyId]);
      x.stable = 'DESTROYED';
      x.busy = startBusy(ctx, 'DESTROYING', 'proxy');
    }
    return { ...out };
  },
};

/** Value rules of its parameters (validation-rules.ts). */
const valueRules: Readonly<Record<string, ValueRule>> = {
  // NOTE: 32 is documented on ModifyProxiesAttribute only; applied to CreateProxy too.
  ProxyName: { maxLength: 32 },
  Independent: { enum: ZERO_ONE },
  Order: { enum: ['asc', 'desc'] },
  OrderField: { enum: ['create_time', 'proxy_id', 'bandwidth', 'concurrent_connections'] },
  'DescribeProxies.Limit': { min: 0, max: 100 },
  'DescribeProxies.ProxyIds': { maxItems: 100 },
  'DescribeProxies.InstanceIds': { maxItems: 100 },
  'DescribeProxies.Filters': { maxItems: 10 },
  'DescribeProxies.Filters.Name': {
    enum: ['ProjectId', 'AccessRegion', 'RealServerRegion', 'GroupId', 'IPAddressVersion', 'PackageType'],
  },
  'DescribeProxies.TagSet': { maxItems: 5 },
};

/** Cross-field rules of its actions (validation-rules.ts). */
const crossRules: readonly CrossRule[] = [
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
];

/** Proxies (CreateProxy, ...): destroyed ones stay DESTROYING for the asynchronous delay. */
export const proxyResource: ResourceModule<'proxies'> = {
  table: 'proxies',
  noun: 'proxy',
  key: ['ProxyId'],
  ownIds: true,
  actions,
  tags: { prefix: 'proxy', resourceType: 'Proxy' },
  status: proxyStatus,
  busyName: 'proxy',
  goneWhen: { field: 'stable', value: 'DESTROYED' },
  valueRules,
  crossRules,
};
