import { fail, notFound } from './errors.js';
import { keyOf, tableOf } from './relations.js';
import { getListener, listenersOfParent } from './resources/listener.js';
import { getProxy } from './resources/proxy.js';
import { getGroup } from './resources/proxy-group.js';
import { GAAP_RESOURCES } from './resources/registry.js';
import { type Ctx, type Handler, ordered, str, type TagPair } from './state.js';

const hasTag = (tags: TagPair[], key: string, value: string) =>
  tags.some((t) => t.TagKey === key && t.TagValue === value);

/** "2024-01-01 00:00:00" (Beijing time in the doc's examples; read as UTC+8). */
function parseTimestamp(name: string, s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) fail('InvalidParameterValue', `\`${name}\` must look like 2024-01-01 00:00:00.`);
  return Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`) / 1000;
}

/** Zero-valued series over [StartTime, EndTime] at Granularity: traffic is not emulated. */
function statistics(_ctx: Ctx, p: Record<string, unknown>) {
  const start = parseTimestamp('StartTime', p.StartTime as string);
  const end = parseTimestamp('EndTime', p.EndTime as string);
  if (end < start) fail('InvalidParameterValue', 'EndTime is before StartTime.');
  const step = p.Granularity as number;
  const points: { Time: number; Data: number }[] = [];
  for (let t = start; t <= end && points.length < 10_000; t += step) points.push({ Time: t, Data: 0 });
  return {
    StatisticsData: (p.MetricNames as string[]).map((MetricName) => ({ MetricName, MetricData: points })),
  };
}

function listenerInfos(ctx: Ctx, proxyId: string) {
  return listenersOfParent(ctx.state, proxyId, '').map((l) => ({
    ListenerId: l.ListenerId,
    ListenerName: l.ListenerName,
    Port: l.Port,
    Protocol: l.Protocol,
  }));
}

/** Actions of no one resource kind: tag look-ups, statistics, task status. */
export const miscHandlers: Record<string, Handler> = {
  DescribeTaskStatus: (ctx, p) => {
    const id = p.TaskId as string;
    const t = ctx.state.tasks[id];
    if (!t) notFound('task', id);
    return { Status: ctx.now < t.until ? 'RUNNING' : 'SUCCESS', TaskId: id };
  },

  DescribeResourcesByTag: (ctx, p) => {
    const key = p.TagKey as string;
    const value = p.TagValue as string;
    const type = str(p, 'ResourceType');
    const set: { ResourceType: string; ResourceId: string }[] = [];
    for (const m of GAAP_RESOURCES) {
      const resourceType = m.tags?.resourceType;
      if (!resourceType || (type && type !== resourceType)) continue;
      for (const rec of ordered(tableOf(ctx.state, m.table))) {
        const tags: unknown = Reflect.get(rec, 'TagSet');
        if (Array.isArray(tags) && hasTag(tags, key, value))
          set.push({ ResourceType: resourceType, ResourceId: keyOf(m.key, rec) });
      }
    }
    return { TotalCount: set.length, ResourceSet: set };
  },

  DescribeProxyStatistics: (ctx, p) => {
    getProxy(ctx, p.ProxyId as string);
    return statistics(ctx, p);
  },
  DescribeProxyGroupStatistics: (ctx, p) => {
    getGroup(ctx, p.GroupId as string);
    return statistics(ctx, p);
  },
  DescribeListenerStatistics: (ctx, p) => {
    getListener(ctx, p.ListenerId as string);
    return statistics(ctx, p);
  },

  DescribeProxyAndStatisticsListeners: (ctx, p) => {
    const project = p.ProjectId as number;
    const proxies = ordered(ctx.state.proxies).filter((x) => project === -1 || x.ProjectId === project);
    return {
      ProxySet: proxies.map((x) => ({
        ProxyId: x.ProxyId,
        ProxyName: x.ProxyName,
        ListenerList: listenerInfos(ctx, x.ProxyId),
      })),
      TotalCount: proxies.length,
    };
  },

  DescribeGroupAndStatisticsProxy: (ctx, p) => {
    const project = p.ProjectId as number;
    const groups = ordered(ctx.state.groups).filter((g) => project === -1 || g.ProjectId === project);
    return {
      GroupSet: groups.map((g) => ({
        GroupId: g.GroupId,
        GroupName: g.GroupName,
        ProxySet: ordered(ctx.state.proxies)
          .filter((x) => x.GroupId === g.GroupId)
          .map((x) => ({
            ProxyId: x.ProxyId,
            ProxyName: x.ProxyName,
            ListenerList: listenerInfos(ctx, x.ProxyId),
          })),
      })),
      TotalCount: groups.length,
    };
  },
};
