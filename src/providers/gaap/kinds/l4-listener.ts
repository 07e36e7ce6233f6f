import type {
  GaapDesired,
  HealthCheckL4,
  L4ListenerDesired,
  ListenerDesired,
} from '../../../model/gaap-desired-types.js';
import type { StepBuilder } from '../engine/kind-handler.js';
import { addr, type GaapKindModule, liveOfKind, type ReadContext } from '../engine/kind-module.js';
import type { DesiredNode, LiveNode } from '../engine/node-types.js';
import { listAll } from '../paging.js';
import {
  attachListener,
  bindSet,
  bool01,
  defined,
  desiredBindings,
  exportBindings,
  ID_OUTPUT,
  isNum,
  isStr,
  type ListenerParentParams,
  listenerReady,
  liveBindings,
  nameIn,
  withSource,
} from './common.js';
import { PROXY, proxyKind } from './proxy.js';
import { proxyGroupKind } from './proxy-group.js';

export const L4_LISTENER = 'gaap_l4_listener';

/** The TCP or UDP listeners of a proxy or a group: one list per parent, by the first to ask. */
function l4ListenersOf(
  ctx: ReadContext,
  protocol: 'TCP' | 'UDP',
  params: { ProxyId: string } | { GroupId: string },
) {
  const action = protocol === 'TCP' ? 'DescribeTCPListeners' : 'DescribeUDPListeners';
  const key = 'ProxyId' in params ? `ProxyId:${params.ProxyId}` : `GroupId:${params.GroupId}`;
  return ctx.cached(`${action}:${key}`, () => listAll(ctx.client, action, params, 'ListenerSet'));
}

/** What a layer-4 listener lives on: a proxy (ProxyId) or a proxy group (GroupId). */
interface ListenerParent {
  kind: 'proxy' | 'proxy group';
  name: string;
  address: string;
}

interface L4Spec {
  parent: ListenerParent;
  protocol: 'TCP' | 'UDP';
  port: number;
  listener: L4ListenerDesired;
  /** Every port of the same declaration (`ports: [...]`), this one included, in order. */
  siblings: { address: string; port: number }[];
  model: GaapDesired;
}

export interface L4ListenerRaw {
  /** The parent's ID as the listener calls take it: `{ProxyId}` or `{GroupId}`. */
  parent: ListenerParentParams;
  protocol: 'TCP' | 'UDP';
  port: number;
}

const HEALTH_FIELDS = ['delayLoop', 'connectTimeout', 'healthyThreshold', 'unhealthyThreshold'] as const;
const UDP_CHECK_FIELDS = ['checkType', 'checkPort', 'contextType', 'sendContext', 'recvContext'] as const;

/** The parent's ID under the name the listener calls take it (ProxyId xor GroupId). */
function parentParams(parent: ListenerParent, id: unknown): ListenerParentParams {
  return parent.kind === 'proxy' ? { ProxyId: id } : { GroupId: id };
}

/**
 * TCP and UDP listeners of a proxy or of a proxy group (the same calls with GroupId instead of
 * ProxyId), identified by (parent, protocol, port). Port, origin type and (TCP) the client-IP
 * method force replacement; bindings are one full-replace BindListenerRealServers.
 */
export const l4ListenerKind: GaapKindModule<
  L4Spec,
  L4ListenerRaw,
  L4ListenerDesired,
  { listeners?: L4ListenerDesired[] }
> = {
  readStage: 3,
  apiActions: [
    'BindListenerRealServers',
    'CreateTCPListeners',
    'CreateUDPListeners',
    'DeleteListeners',
    'DescribeHTTPListeners',
    'DescribeHTTPSListeners',
    'DescribeTCPListeners',
    'DescribeUDPListeners',
    'ModifyHTTPListenerAttribute',
    'ModifyHTTPSListenerAttribute',
    'ModifyTCPListenerAttribute',
    'ModifyUDPListenerAttribute',
  ],
  handler: {
    type: L4_LISTENER,
    updatable: {
      name: 'attr',
      scheduler: 'attr',
      healthCheck: 'attr',
      delayLoop: 'attr',
      connectTimeout: 'attr',
      healthyThreshold: 'attr',
      unhealthyThreshold: 'attr',
      failover: 'attr',
      checkType: 'attr',
      checkPort: 'attr',
      contextType: 'attr',
      sendContext: 'attr',
      recvContext: 'attr',
      realServers: 'bind',
    },
    cascades: true,
    // The port is the listener's identity: the old one must go before the new one can take it.
    replaceOrder: 'delete-first',
    outputs: ID_OUTPUT,
    create(node, b) {
      const { spec } = node;
      const a = node.attrs;
      const bindings = a.realServers as ReturnType<typeof desiredBindings>;
      // Ports declared together share every setting, so the new ones are created by one call
      // (Ports: [...]) whose answer lists their IDs in order; the first port's node makes it.
      const batch = spec.siblings.filter((s) => b.verdictOf(s.address) === 'create');
      const inBatch = batch.length > 1 && batch.some((s) => s.address === node.address);
      if (!inBatch || batch[0]!.address === node.address) {
        const ports = inBatch ? batch : [{ address: node.address, port: spec.port }];
        const parent = parentParams(spec.parent, b.idOf(spec.parent.address));
        const label = ports.map((p) => `${spec.protocol}:${p.port}`).join(', ');
        b.add({
          operation: 'create',
          summary: `Create${spec.protocol}Listeners ${label} on ${spec.parent.kind} ${spec.parent.name}`,
          addresses: ports.map((p) => p.address),
          publishes: Object.fromEntries(ports.slice(1).map((p, i) => [p.address, `id${i + 1}`])),
          calls: [
            {
              action: `Create${spec.protocol}Listeners`,
              params: defined({
                ListenerName: a.name,
                Ports: ports.map((p) => p.port),
                Scheduler: a.scheduler,
                RealServerType: a.realServerType,
                ...parent,
                HealthCheck: a.healthCheck ?? 0,
                DelayLoop: a.delayLoop,
                ConnectTimeout: a.connectTimeout,
                HealthyThreshold: a.healthyThreshold,
                UnhealthyThreshold: a.unhealthyThreshold,
                FailoverSwitch: a.failover,
                ClientIPMethod: spec.protocol === 'TCP' ? a.clientIpMethod : undefined,
                CheckType: a.checkType,
                CheckPort: a.checkPort,
                ContextType: a.contextType,
                SendContext: a.sendContext,
                RecvContext: a.recvContext,
              }),
              outputs: Object.fromEntries(
                ports.map((_, i) => [i === 0 ? 'id' : `id${i}`, `ListenerIds.${i}`]),
              ),
              lookup: {
                action: `Describe${spec.protocol}Listeners`,
                params: parent,
                items: 'ListenerSet',
                match: { Port: ports[0]!.port },
                outputs: { id: 'ListenerId' },
                alsoOutputs: ports
                  .slice(1)
                  .map((p, i) => ({ match: { Port: p.port }, outputs: { [`id${i + 1}`]: 'ListenerId' } })),
              },
            },
          ],
          wait: listenerReady(spec.protocol, parent, `${spec.protocol}:${ports[0]!.port}`),
        });
      }
      if (bindings && bindings.length > 0) bind(node, b, bindings, SELF_ID_FROM_PREVIOUS);
    },
    update(node, live, groups, b) {
      const { spec } = node;
      const a = node.attrs;
      const parent = live.raw.parent;
      if (groups.includes('attr')) {
        b.add({
          operation: 'update',
          summary: `Modify${spec.protocol}ListenerAttribute ${live.id}`,
          calls: [
            {
              action: `Modify${spec.protocol}ListenerAttribute`,
              params: defined({
                ListenerId: live.id,
                ...parent,
                ListenerName: a.name,
                Scheduler: a.scheduler,
                HealthCheck: a.healthCheck,
                DelayLoop: a.delayLoop,
                ConnectTimeout: a.connectTimeout,
                HealthyThreshold: a.healthyThreshold,
                UnhealthyThreshold: a.unhealthyThreshold,
                FailoverSwitch: a.failover,
                ...(spec.protocol === 'UDP'
                  ? {
                      CheckType: a.checkType,
                      CheckPort: a.checkPort,
                      ContextType: a.contextType,
                      SendContext: a.sendContext,
                      RecvContext: a.recvContext,
                    }
                  : {}),
              }),
            },
          ],
          wait: listenerReady(spec.protocol, parent, live.id, live.id),
        });
      }
      if (groups.includes('bind'))
        bind(node, b, (a.realServers ?? []) as NonNullable<ReturnType<typeof desiredBindings>>, live.id);
    },
    delete(live, b) {
      b.add({
        operation: 'delete',
        summary: `DeleteListeners ${live.id} (${live.raw.protocol}:${live.raw.port})`,
        calls: [
          {
            action: 'DeleteListeners',
            params: { ListenerIds: [live.id], Force: 1, ...live.raw.parent },
            okCodes: ['ResourceNotFound'],
          },
        ],
      });
    },
  },
  desired(ctx) {
    const out: DesiredNode<L4Spec>[] = [];
    const add = (parent: ListenerParent, listeners: readonly ListenerDesired[], sourceKey: string) => {
      listeners.forEach((l, i) => {
        if (l.protocol !== 'TCP' && l.protocol !== 'UDP') return;
        const ports = l.ports ?? (l.port === undefined ? [] : [l.port]);
        const siblings = ports.map((port) => ({ address: listenerAddress(parent, l.protocol, port), port }));
        for (const port of ports) {
          out.push(l4Node(ctx.model, parent, l, port, siblings, ctx.source(`${sourceKey}.listeners.${i}`)));
        }
      });
    };
    for (const [name, proxy] of Object.entries(ctx.model.proxies ?? {})) {
      add({ kind: 'proxy', name, address: addr.proxy(name) }, proxy.listeners ?? [], `proxies.${name}`);
    }
    for (const [name, group] of Object.entries(ctx.model.proxyGroups ?? {})) {
      add(
        { kind: 'proxy group', name, address: addr.proxyGroup(name) },
        group.listeners ?? [],
        `proxyGroups.${name}`,
      );
    }
    return out;
  },
  // A proxy's lists start as soon as the proxies' page naming it answers.
  prefetchUnder: {
    type: PROXY,
    start: (ctx, proxy) =>
      Promise.all(
        (['TCP', 'UDP'] as const).map((protocol) => l4ListenersOf(ctx, protocol, { ProxyId: proxy.id })),
      ),
  },
  async read(ctx) {
    // NOTE: a proxy's listeners are read by ProxyId and a group's by GroupId; the group's are not
    // among its member proxies' (DescribeTCPListeners takes ProxyId or GroupId, not both).
    const parents = [
      ...liveOfKind(proxyKind, ctx.live).map((p) => ({
        live: p,
        parent: { kind: 'proxy', name: proxyNameOf(p.address), address: p.address } as const,
        params: { ProxyId: p.id },
      })),
      ...liveOfKind(proxyGroupKind, ctx.live).map((g) => ({
        live: g,
        parent: { kind: 'proxy group', name: nameIn(g.address), address: g.address } as const,
        params: { GroupId: g.id },
      })),
    ];
    const out: LiveNode<L4ListenerRaw>[] = [];
    await Promise.all(
      parents.flatMap(({ live: p, parent, params }) =>
        (['TCP', 'UDP'] as const).map(async (protocol) => {
          const items = await l4ListenersOf(ctx, protocol, params);
          for (const l of items) {
            const address = listenerAddress(parent, protocol, l.Port);
            const failover = l.FailoverSwitch === 1;
            const bindings = liveBindings(l.RealServerSet ?? [], ctx.addressOfId, failover);
            ctx.liveRefs.set(
              address,
              bindings.map((x) => x.realServer),
            );
            const udp = l as Partial<
              Record<'CheckType' | 'CheckPort' | 'ContextType' | 'SendContext' | 'RecvContext', unknown>
            >;
            out.push({
              address,
              type: L4_LISTENER,
              parent: p.address,
              id: l.ListenerId,
              attrs: normalizeL4(protocol, {
                name: l.ListenerName,
                scheduler: l.Scheduler,
                realServerType: l.RealServerType,
                healthCheck: l.HealthCheck,
                delayLoop: l.DelayLoop,
                connectTimeout: l.ConnectTimeout,
                healthyThreshold: l.HealthyThreshold,
                unhealthyThreshold: l.UnhealthyThreshold,
                failover: l.FailoverSwitch,
                clientIpMethod:
                  protocol === 'TCP' ? (l as { ClientIPMethod?: number }).ClientIPMethod : undefined,
                checkType: udp.CheckType,
                checkPort: udp.CheckPort,
                contextType: udp.ContextType,
                sendContext: udp.SendContext,
                recvContext: udp.RecvContext,
                realServers: bindings,
              }),
              ...(l.ListenerStatus === 0 ? {} : { busy: `ListenerStatus ${l.ListenerStatus}` }),
              raw: { parent: params, protocol, port: l.Port },
            });
          }
        }),
      ),
    );
    return out;
  },
  export: {
    toDesired(n, ctx) {
      const a = n.attrs;
      const { protocol, port } = n.raw;
      const healthCheck: HealthCheckL4 | undefined =
        a.healthCheck === 1
          ? {
              enabled: true,
              ...(isNum(a.delayLoop) ? { delayLoop: a.delayLoop } : {}),
              ...(isNum(a.connectTimeout) ? { connectTimeout: a.connectTimeout } : {}),
              ...(isNum(a.healthyThreshold) ? { healthyThreshold: a.healthyThreshold } : {}),
              ...(isNum(a.unhealthyThreshold) ? { unhealthyThreshold: a.unhealthyThreshold } : {}),
              ...(a.checkType === 'PORT' || a.checkType === 'PING' ? { checkType: a.checkType } : {}),
              ...(isNum(a.checkPort) ? { checkPort: a.checkPort } : {}),
              ...(a.contextType === 'TEXT' ? { contextType: a.contextType } : {}),
              ...(isStr(a.sendContext) ? { sendContext: a.sendContext } : {}),
              ...(isStr(a.recvContext) ? { recvContext: a.recvContext } : {}),
            }
          : undefined;
      const realServers = exportBindings(ctx, n.address, a.realServers);
      return {
        protocol,
        port,
        ...(a.name !== `${protocol.toLowerCase()}-${port}` ? { name: String(a.name) } : {}),
        ...(a.scheduler !== 'rr' ? { scheduler: a.scheduler as 'wrr' } : {}),
        ...(a.realServerType !== 'IP' ? { realServerType: a.realServerType as 'DOMAIN' } : {}),
        ...(healthCheck ? { healthCheck } : {}),
        ...(protocol === 'TCP' && isNum(a.clientIpMethod) && a.clientIpMethod !== 0
          ? { clientIpMethod: a.clientIpMethod as 1 }
          : {}),
        ...(a.failover === 1 ? { failover: true } : {}),
        ...(realServers ? { realServers } : {}),
      };
    },
    attach: attachListener,
  },
};

/** The step that binds waits on the listener created just before it (the builder chains them). */
const SELF_ID_FROM_PREVIOUS = 'previous' as const;

function bind(
  node: DesiredNode<L4Spec>,
  b: StepBuilder,
  bindings: NonNullable<ReturnType<typeof desiredBindings>>,
  listenerId: string | typeof SELF_ID_FROM_PREVIOUS,
): void {
  const { spec } = node;
  const id = listenerId === SELF_ID_FROM_PREVIOUS ? b.idOf(node.address) : listenerId;
  const parent = parentParams(spec.parent, b.idOf(spec.parent.address));
  b.add({
    operation: 'update',
    summary: `BindListenerRealServers ${spec.protocol}:${spec.port} → ${bindings.length} real server${bindings.length === 1 ? '' : 's'}`,
    calls: [
      {
        action: 'BindListenerRealServers',
        params: {
          ListenerId: id,
          RealServerBindSet: bindSet(bindings, b, (rs) => realServerAddress(spec.model, rs)),
        },
      },
    ],
    wait: listenerReady(spec.protocol, parent, `${spec.protocol}:${spec.port}`, id),
  });
}

function listenerAddress(parent: ListenerParent, protocol: string, port: number): string {
  return parent.kind === 'proxy'
    ? addr.listener(parent.name, protocol, port)
    : addr.groupListener(parent.name, protocol, port);
}

function l4Node(
  model: GaapDesired,
  parent: ListenerParent,
  l: L4ListenerDesired,
  port: number,
  siblings: L4Spec['siblings'],
  source: DesiredNode['source'],
): DesiredNode<L4Spec> {
  const failover = l.failover ?? false;
  const bindings = desiredBindings(l.realServers, failover);
  const hc = l.healthCheck;
  return {
    address: listenerAddress(parent, l.protocol, port),
    type: L4_LISTENER,
    parent: parent.address,
    refs: (bindings ?? []).map((x) => x.realServer),
    attrs: normalizeL4(l.protocol, {
      // Ports declared together are created by one call with one name: the first port names them.
      name: l.name ?? `${l.protocol.toLowerCase()}-${siblings[0]?.port ?? port}`,
      scheduler: l.scheduler ?? 'rr',
      realServerType: l.realServerType ?? 'IP',
      healthCheck: bool01(hc?.enabled) ?? 0,
      delayLoop: hc?.delayLoop,
      connectTimeout: hc?.connectTimeout,
      healthyThreshold: hc?.healthyThreshold,
      unhealthyThreshold: hc?.unhealthyThreshold,
      failover: bool01(l.failover) ?? 0,
      clientIpMethod: l.protocol === 'TCP' ? (l.clientIpMethod ?? 0) : undefined,
      checkType: hc?.checkType,
      checkPort: hc?.checkPort,
      contextType: hc?.contextType,
      sendContext: hc?.sendContext,
      recvContext: hc?.recvContext,
      realServers: bindings,
    }),
    protect: l.protect ?? false,
    ...withSource(source),
    spec: { parent, protocol: l.protocol, port, listener: l, siblings, model },
  };
}

/**
 * Health-check parameters mean nothing while the check is off: dropped on both sides, so turning
 * the check off does not leave a perpetual diff on its interval. UDP-only fields exist only on UDP.
 */
function normalizeL4(protocol: 'TCP' | 'UDP', a: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  if (out.healthCheck !== 1) for (const f of [...HEALTH_FIELDS, ...UDP_CHECK_FIELDS]) out[f] = undefined;
  if (protocol === 'TCP') for (const f of UDP_CHECK_FIELDS) out[f] = undefined;
  else out.clientIpMethod = undefined;
  if (out.checkType !== 'PORT')
    for (const f of ['contextType', 'sendContext', 'recvContext']) out[f] = undefined;
  return out;
}

export function realServerAddress(model: GaapDesired, rsAddress: string): string {
  const name = /\["(.+)"\]$/.exec(rsAddress)?.[1] ?? '';
  return model.realServers?.[name]?.address ?? '';
}

export function proxyNameOf(address: string): string {
  return /^gaap\.proxy\["(.+?)"\]/.exec(address)?.[1] ?? address;
}
