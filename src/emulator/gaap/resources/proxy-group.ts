import { fail, notFound } from '../errors.js';
import { checkAccessRegion, checkCapacity, checkDestRegion, regionDetail } from '../regions.js';
import {
  type Busy,
  type Ctx,
  current,
  type GaapState,
  type Handler,
  list,
  matchesAnyTag,
  num,
  ordered,
  page,
  type ResourceModule,
  secondsOf,
  startBusy,
  str,
  type TagPair,
} from '../state.js';
import type { ValueRule } from '../validation-rules.js';
import { closeProxies, newProxy, openProxies, type ProxyRec, proxyStatus } from './proxy.js';

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

declare module '../state.js' {
  interface GaapTables {
    groups: Record<string, GroupRec>;
  }
}

/** Proxy group status as ProxyGroupInfo shows it (String). */
export function groupStatus(ctx: Ctx, g: GroupRec): string {
  const s = current(g, g.stable, ctx.now);
  if (s !== 'RUNNING') return s;
  const members = proxiesOfGroup(ctx.state, g.GroupId);
  if (members.length > 0 && members.every((p) => proxyStatus(ctx, p) === 'CLOSED')) return 'CLOSED';
  return 'RUNNING';
}

/** A group's member proxies are proxies with its GroupId (not its children: they outlive it). */
export function proxiesOfGroup(state: GaapState, groupId: string): ProxyRec[] {
  return Object.values(state.proxies).filter((p) => p.GroupId === groupId && p.stable !== 'DESTROYED');
}

export function getGroup(ctx: Ctx, id: string): GroupRec {
  const g = ctx.state.groups[id];
  if (!g) notFound('proxy group', id);
  return g;
}

/** ProxyGroupDetail.Status is an Integer with its own values (the list shows a String). */
const DETAIL_STATUS: Record<string, number> = {
  RUNNING: 0,
  CREATING: 1,
  DESTROYING: 4,
  CLOSED: 0,
  DESTROYED: 4,
};

function groupInfo(ctx: Ctx, g: GroupRec) {
  return {
    GroupId: g.GroupId,
    Domain: `${g.GroupId}.gaapqcloud.com`,
    GroupName: g.GroupName,
    ProjectId: g.ProjectId,
    RealServerRegionInfo: regionDetail(g.RealServerRegion),
    Status: groupStatus(ctx, g),
    TagSet: g.TagSet,
    Version: '2.0',
    CreateTime: g.CreateTime,
    ProxyType: 0,
    Http3Supported: g.Http3Supported,
    FeatureBitmap: 0,
  };
}

function groupDetail(ctx: Ctx, g: GroupRec) {
  const policy = ctx.rel.children('policies', 'groups', g.GroupId)[0];
  const s = current(g, g.stable, ctx.now);
  return {
    CreateTime: g.CreateTime,
    ProjectId: g.ProjectId,
    ProxyNum: proxiesOfGroup(ctx.state, g.GroupId).length,
    Status: DETAIL_STATUS[s] ?? 0,
    OwnerUin: '100000000001',
    CreateUin: '100000000001',
    GroupName: g.GroupName,
    DnsDefaultIp: '',
    Domain: `${g.GroupId}.gaapqcloud.com`,
    RealServerRegionInfo: regionDetail(g.RealServerRegion),
    IsOldGroup: false,
    GroupId: g.GroupId,
    TagSet: g.TagSet,
    PolicyId: policy?.PolicyId ?? '',
    Version: '2.0',
    ClientIPMethod: [0, 1],
    IPAddressVersion: g.IPAddressVersion,
    PackageType: g.PackageType,
    Http3Supported: g.Http3Supported,
    FeatureBitmap: 0,
    IsSupportTLSChoice: 1,
  };
}

const actions: Record<string, Handler> = {
  CreateProxyGroup: (ctx, p) => {
    const region = p.RealServerRegion as string;
    checkDestRegion(region);
    const access = list<GroupRec['AccessRegionSet'][number]>(p, 'AccessRegionSet') ?? [];
    for (const a of access) {
      checkAccessRegion(a.AccessRegion);
      checkCapacity(a.Bandwidth, a.Concurrent);
    }
    const id = ctx.newId('lg');
    const g: GroupRec = {
      seq: ctx.nextSeq(),
      GroupId: id,
      GroupName: p.GroupName as string,
      ProjectId: p.ProjectId as number,
      RealServerRegion: region,
      AccessRegionSet: access,
      IPAddressVersion: str(p, 'IPAddressVersion') ?? 'IPv4',
      PackageType: str(p, 'PackageType') ?? 'Thunder',
      // Doc (CreateProxyGroup.Http3Supported, deprecated): HTTP/3 is on by default for IPv4 groups
      // and off for IPv6, as for proxies.
      Http3Supported: num(p, 'Http3Supported') ?? ((str(p, 'IPAddressVersion') ?? 'IPv4') === 'IPv4' ? 1 : 0),
      TagSet: list<TagPair>(p, 'TagSet') ?? [],
      CreateTime: secondsOf(ctx.now),
      stable: 'RUNNING',
      busy: startBusy(ctx, 'CREATING', 'group'),
    };
    ctx.state.groups[id] = g;
    // NOTE: the group's access regions become member proxies, one per region, as the console shows.
    for (const a of access) {
      newProxy(ctx, {
        ProxyName: `${g.GroupName}-${a.AccessRegion}`.slice(0, 32),
        ProjectId: g.ProjectId,
        AccessRegion: a.AccessRegion,
        RealServerRegion: region,
        Bandwidth: a.Bandwidth,
        Concurrent: a.Concurrent,
        GroupId: id,
        NetworkType: a.NetworkType ?? 'normal',
        IPAddressVersion: g.IPAddressVersion,
        PackageType: g.PackageType,
        TagSet: g.TagSet,
      });
    }
    return { GroupId: id };
  },

  DescribeProxyGroupList: (ctx, p) => {
    const project = p.ProjectId as number;
    let items = ordered(ctx.state.groups).filter((g) => project === -1 || g.ProjectId === project);
    for (const f of list<{ Name: string; Values: string[] }>(p, 'Filters') ?? []) {
      items = items.filter((g) =>
        f.Values.includes(f.Name === 'RealServerRegion' ? g.RealServerRegion : g.PackageType),
      );
    }
    const tags = list<TagPair>(p, 'TagSet');
    items = items.filter((g) => matchesAnyTag(g.TagSet, tags));
    return { TotalCount: items.length, ProxyGroupList: page(items, p).map((g) => groupInfo(ctx, g)) };
  },

  DescribeProxyGroupDetails: (ctx, p) => ({
    ProxyGroupDetail: groupDetail(ctx, getGroup(ctx, p.GroupId as string)),
  }),

  ModifyProxyGroupAttribute: (ctx, p) => {
    const g = getGroup(ctx, p.GroupId as string);
    const name = str(p, 'GroupName');
    if (name !== undefined) g.GroupName = name;
    const project = num(p, 'ProjectId');
    if (project !== undefined) g.ProjectId = project;
    return {};
  },

  OpenProxyGroup: (ctx, p) => {
    const g = getGroup(ctx, p.GroupId as string);
    return {
      ...openProxies(
        ctx,
        proxiesOfGroup(ctx.state, g.GroupId).map((x) => x.ProxyId),
      ),
    };
  },

  CloseProxyGroup: (ctx, p) => {
    const g = getGroup(ctx, p.GroupId as string);
    return {
      ...closeProxies(
        ctx,
        proxiesOfGroup(ctx.state, g.GroupId).map((x) => x.ProxyId),
      ),
    };
  },

  DeleteProxyGroup: (ctx, p) => {
    const g = getGroup(ctx, p.GroupId as string);
    const s = groupStatus(ctx, g);
    if (s !== 'RUNNING' && s !== 'CLOSED')
      fail('FailedOperation.GroupStatusNotInRuning', `The proxy group is ${s}.`);
    const force = num(p, 'Force') ?? 0;
    const members = proxiesOfGroup(ctx.state, g.GroupId);
    const bound =
      ctx.rel.usesBelow('groups', [g.GroupId], 'realServers', false) ||
      ctx.rel.usesBelow(
        'proxies',
        members.map((x) => x.ProxyId),
        'realServers',
        false,
      );
    if (force === 0 && bound)
      fail('FailedOperation.RealServerAlreadyBound', 'The group still has real servers bound.');
    if (force === 0 && members.length > 0) {
      fail(
        'FailedOperation.DeleteProxyGroupProxyRemained',
        'The group still has proxies; destroy them or use Force=1.',
      );
    }
    for (const x of members) {
      ctx.rel.removeChildren('proxies', [x.ProxyId]);
      x.stable = 'DESTROYED';
      x.busy = startBusy(ctx, 'DESTROYING', 'proxy');
    }
    ctx.rel.removeChildren('groups', [g.GroupId]);
    g.stable = 'DESTROYED';
    g.busy = startBusy(ctx, 'DESTROYING', 'group');
    return {};
  },

  // Deprecated "group domain" actions: validated, checked for the group, otherwise inert.
  CreateProxyGroupDomain: (ctx, p) => ({ GroupId: getGroup(ctx, p.GroupId as string).GroupId }),
  DescribeGroupDomainConfig: (ctx, p) => ({
    AccessRegionList: [],
    DefaultDnsIp: '',
    GroupId: getGroup(ctx, p.GroupId as string).GroupId,
    AccessRegionCount: 0,
  }),
  ModifyGroupDomainConfig: (ctx, p) => {
    getGroup(ctx, p.GroupId as string);
    return {};
  },
};

/** Value rules of its parameters (validation-rules.ts). */
const valueRules: Readonly<Record<string, ValueRule>> = {
  'CreateProxyGroup.PackageType': { enum: ['Thunder', 'Accelerator'] },
  'AccessConfiguration.NetworkType': { enum: ['normal', 'cn2'] },
  // NOTE: 30 is documented on ModifyProxyGroupAttribute ("longer names fail"); applied to create too.
  GroupName: { maxLength: 30 },
  'DescribeProxyGroupList.ProjectId': { min: -1 },
  'DescribeProxyGroupList.Limit': { min: 0, max: 100 },
  'DescribeProxyGroupList.Filters.Name': { enum: ['RealServerRegion', 'PackageType'] },
  'DescribeProxyGroupList.TagSet': { maxItems: 5 },
};

/** Proxy groups: their access regions become member proxies (proxy.ts), which outlive the group. */
export const proxyGroupResource: ResourceModule<'groups'> = {
  table: 'groups',
  noun: 'proxy group',
  key: ['GroupId'],
  ownIds: true,
  actions,
  tags: { prefix: 'group', resourceType: 'ProxyGroup' },
  status: groupStatus,
  busyName: 'group',
  goneWhen: { field: 'stable', value: 'DESTROYED' },
  valueRules,
};
