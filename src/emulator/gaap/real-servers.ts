import { fail, notFound } from './errors.js';
import { isIp, parentProject, realServerBindings } from './relations.js';
import {
  type Binding,
  type Ctx,
  type Handler,
  type ListenerRec,
  list,
  matchesAnyTag,
  ordered,
  page,
  type RealServerRec,
  str,
  type TagPair,
} from './state.js';

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

export const realServerHandlers: Record<string, Handler> = {
  AddRealServers: (ctx, p) => {
    const project = p.ProjectId as number;
    const ips = p.RealServerIP as string[];
    const existing = new Set(
      Object.values(ctx.state.realServers)
        .filter((rs) => rs.ProjectId === project)
        .map((rs) => rs.RealServerIP),
    );
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
      const bound: ListenerRec | undefined = realServerBindings(ctx.state, id)[0];
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
      if (realServerBindings(ctx.state, id).length > 0) {
        fail('FailedOperation.RealServerAlreadyBound', `Real server ${id} is still bound; unbind it first.`);
      }
    }
    for (const id of ids) delete ctx.state.realServers[id];
    return {};
  },
};
