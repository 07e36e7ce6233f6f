import { rawOf } from '../../undo-journal.js';
import { fail, notFound } from '../errors.js';
import {
  type Binding,
  type Ctx,
  type Handler,
  list,
  matchesAnyTag,
  ordered,
  page,
  type ResourceModule,
  str,
  type TagPair,
} from '../state.js';
import type { ValueRule } from '../validation-rules.js';
import { getProxy } from './proxy.js';
import { getGroup } from './proxy-group.js';

export interface RealServerRec {
  seq: number;
  RealServerId: string;
  RealServerIP: string;
  RealServerName: string;
  ProjectId: number;
  TagSet: TagPair[];
}

declare module '../state.js' {
  interface GaapTables {
    realServers: Record<string, RealServerRec>;
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const isIp = (s: string) => IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));

/** Project a listener's real servers must belong to: its proxy's or group's. */
function parentProject(ctx: Ctx, l: { ProxyId: string; GroupId: string }): number {
  if (l.ProxyId) return getProxy(ctx, l.ProxyId).ProjectId;
  return getGroup(ctx, l.GroupId).ProjectId;
}

export function getRealServer(ctx: Ctx, id: string): RealServerRec {
  const rs = ctx.state.realServers[id];
  if (!rs) notFound('real server', id);
  return rs;
}

/** RealServer structure (DescribeListenerRealServers / DescribeRuleRealServers). */
export function realServerOut(rs: RealServerRec) {
  return {
    RealServerIP: rs.RealServerIP,
    RealServerId: rs.RealServerId,
    RealServerName: rs.RealServerName,
    ProjectId: rs.ProjectId,
    InBanBlacklist: 0,
  };
}

/** BindRealServer structure: every server is reported healthy (0 = normal here). */
export function bindingOut(b: Binding) {
  return {
    RealServerId: b.RealServerId,
    RealServerIP: b.RealServerIP,
    RealServerWeight: b.RealServerWeight,
    RealServerStatus: 0,
    RealServerPort: b.RealServerPort,
    DownIPList: [],
    RealServerFailoverRole: b.RealServerFailoverRole ?? '',
  };
}

/** Real servers that could be bound to a listener or rule: same project, matching origin type. */
export function bindableServers(
  ctx: Ctx,
  parent: { ProxyId: string; GroupId: string },
  realServerType: string,
) {
  const project = parentProject(ctx, parent);
  return ordered(ctx.state.realServers).filter(
    (rs) => rs.ProjectId === project && (realServerType === 'DOMAIN') === !isIp(rs.RealServerIP),
  );
}

/**
 * Checks a RealServerBindSet for BindListenerRealServers / BindRuleRealServers and returns the new
 * bindings. The set REPLACES the current bindings (doc: bound A,B,C + call with C,D,E = C,D,E).
 */
export function checkBindSet(
  ctx: Ctx,
  parent: { ProxyId: string; GroupId: string },
  realServerType: string,
  failoverSwitch: number,
  set: Binding[],
): Binding[] {
  const project = parentProject(ctx, parent);
  const seen = new Set<string>();
  return set.map((b) => {
    const rs = getRealServer(ctx, b.RealServerId);
    if (rs.RealServerIP !== b.RealServerIP) {
      fail(
        'InvalidParameterValue.RealServerNotBelong',
        `RealServerIP ${b.RealServerIP} is not the IP of ${rs.RealServerId}.`,
      );
    }
    if (rs.ProjectId !== project) {
      fail(
        'FailedOperation.RealServerNotInProject',
        `Real server ${rs.RealServerId} is not in project ${project}.`,
      );
    }
    if ((realServerType === 'DOMAIN') === isIp(rs.RealServerIP)) {
      fail(
        'InvalidParameterValue',
        `Real server ${rs.RealServerId} does not match RealServerType ${realServerType}.`,
      );
    }
    const key = `${b.RealServerId}:${b.RealServerPort}`;
    if (seen.has(key))
      fail('InvalidParameterValue', `Real server ${key} appears twice in RealServerBindSet.`);
    seen.add(key);
    if (b.RealServerFailoverRole && failoverSwitch !== 1) {
      fail('InvalidParameterValue', 'RealServerFailoverRole needs FailoverSwitch=1 on the listener.');
    }
    const out: Binding = {
      RealServerId: b.RealServerId,
      RealServerIP: b.RealServerIP,
      RealServerPort: b.RealServerPort,
      RealServerWeight: b.RealServerWeight ?? 1,
    };
    if (b.RealServerFailoverRole) out.RealServerFailoverRole = b.RealServerFailoverRole;
    return out;
  });
}

const actions: Record<string, Handler> = {
  AddRealServers: (ctx, p) => {
    const project = p.ProjectId as number;
    const ips = p.RealServerIP as string[];
    // Read from the records themselves, not through the write's journal (a read changes nothing
    // to undo): through it, each of the account's real servers cost a view and its traps.
    const existing = new Set<string>();
    for (const rs of Object.values(rawOf(ctx.state.realServers))) {
      if (rs.ProjectId === project) existing.add(rs.RealServerIP);
    }
    for (const ip of ips) {
      if (existing.has(ip))
        fail('InvalidParameterValue.DuplicateRS', `Real server ${ip} already exists in project ${project}.`);
      existing.add(ip);
    }
    const tags = list<TagPair>(p, 'TagSet') ?? [];
    const set = ips.map((ip) => {
      const id = ctx.newId('rs');
      ctx.state.realServers[id] = {
        seq: ctx.nextSeq(),
        RealServerId: id,
        RealServerIP: ip,
        RealServerName: p.RealServerName as string,
        ProjectId: project,
        TagSet: tags,
      };
      return { RealServerId: id, RealServerIP: ip };
    });
    return { RealServerSet: set };
  },

  DescribeRealServers: (ctx, p) => {
    const project = p.ProjectId as number;
    let items = ordered(ctx.state.realServers).filter((rs) => project === -1 || rs.ProjectId === project);
    const search = str(p, 'SearchValue');
    if (search) items = items.filter((rs) => rs.RealServerIP.includes(search));
    for (const f of list<{ Name: string; Values: string[] }>(p, 'Filters') ?? []) {
      items = items.filter((rs) =>
        f.Values.includes(f.Name === 'RealServerName' ? rs.RealServerName : rs.RealServerIP),
      );
    }
    const tags = list<TagPair>(p, 'TagSet');
    items = items.filter((rs) => matchesAnyTag(rs.TagSet, tags));
    return {
      TotalCount: items.length,
      RealServerSet: page(items, p).map((rs) => ({
        RealServerIP: rs.RealServerIP,
        RealServerId: rs.RealServerId,
        RealServerName: rs.RealServerName,
        ProjectId: rs.ProjectId,
        TagSet: rs.TagSet,
      })),
    };
  },

  DescribeRealServersStatus: (ctx, p) => {
    const set = (p.RealServerIds as string[]).map((id) => {
      getRealServer(ctx, id);
      // The listener the first binding is on (a rule's binding: the rule's listener).
      const user = ctx.rel.firstUser('realServers', id);
      const bound = user && ctx.rel.ancestor(user.table, user.rec, 'listeners');
      return {
        RealServerId: id,
        BindStatus: bound ? 1 : 0,
        ProxyId: bound?.ProxyId ?? '',
        GroupId: bound?.GroupId ?? '',
      };
    });
    return { TotalCount: set.length, RealServerStatusSet: set };
  },

  ModifyRealServerName: (ctx, p) => {
    getRealServer(ctx, p.RealServerId as string).RealServerName = p.RealServerName as string;
    return {};
  },

  RemoveRealServers: (ctx, p) => {
    const ids = p.RealServerIds as string[];
    for (const id of ids) {
      getRealServer(ctx, id);
      if (ctx.rel.firstUser('realServers', id)) {
        fail('FailedOperation.RealServerAlreadyBound', `Real server ${id} is still bound; unbind it first.`);
      }
    }
    for (const id of ids) delete ctx.state.realServers[id];
    return {};
  },
};

/** Value rules of its parameters (validation-rules.ts). */
const valueRules: Readonly<Record<string, ValueRule>> = {
  // -1 = all projects on these reads.
  'DescribeRealServers.ProjectId': { min: -1 },
  'DescribeRealServers.Limit': { min: 0, max: 50 },
  'DescribeRealServers.Filters.Name': { enum: ['RealServerName', 'RealServerIP'] },
  'DescribeRealServers.TagSet': { maxItems: 5 },
};

/** Real servers (origins): bound to listeners and rules, which declare the bindings they hold. */
export const realServerResource: ResourceModule<'realServers'> = {
  table: 'realServers',
  noun: 'real server',
  key: ['RealServerId'],
  ownIds: true,
  actions,
  tags: { prefix: 'realServer', resourceType: 'RealServer' },
  valueRules,
};
