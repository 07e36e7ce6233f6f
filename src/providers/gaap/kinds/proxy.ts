import type { ProxyDesired } from '../../../model/gaap-desired-types.js';
import type { StepBuilder } from '../engine/kind-handler.js';
import type { GaapKindModule, ReadContext } from '../engine/kind-module.js';
import { addr, liveOfKind, NAME_TAG, ownershipTags, STACK_TAG, tagValue } from '../engine/kind-module.js';
import type { LiveNode, WaitSpec } from '../engine/node-types.js';
import type { ProxyInfo } from '../gaap-types.js';
import { listAll, PAGE_LIMITS } from '../paging.js';
import { adoptionsOf, chunks, missingIds, ownedName, refuseMissingAdoptions } from './adoption.js';
import { defined, isStr, logicalName, nameIn, SELF_ID, waitFor, withSource } from './common.js';
import { proxyGroupKind } from './proxy-group.js';
import {
  addTagStep,
  addUserTagStep,
  creationTags,
  desiredTagAttrs,
  exportedProtect,
  liveProtect,
  liveTagAttrs,
  TAG_ATTRS,
} from './tagging.js';
import { exportUserTags } from './user-tags.js';

export const PROXY = 'gaap_proxy';

const STEADY = new Set(['RUNNING', 'CLOSED']);

interface ProxySpec {
  name: string;
  proxy: ProxyDesired;
}

export interface ProxyRaw {
  item: ProxyInfo;
}

/** Where a proxy's DescribeProxies item carries the access values (the wait after a create reads them). */
const PROXY_ACCESS_OUTPUTS = {
  accessDomain: 'Domain',
  accessIp: 'IP',
  accessIps: 'IPList[].IP',
};

/** A proxy's status, read with up to 100 other proxies' in one DescribeProxies. */
function proxyStatus(
  what: string,
  proxyId: unknown,
  until: 'RUNNING' | 'CLOSED' | 'gone' = 'RUNNING',
  outputs?: Record<string, string>,
): WaitSpec {
  const gone = until === 'gone';
  return waitFor(what, {
    action: 'DescribeProxies',
    params: { ProxyIds: [proxyId], Offset: 0, Limit: PAGE_LIMITS.DescribeProxies },
    batch: { param: 'ProxyIds', max: PAGE_LIMITS.DescribeProxies },
    item: { items: 'ProxySet', match: { ProxyId: proxyId } },
    statusPath: 'Status',
    ready: gone ? [] : [until],
    ...(gone ? { goneIsReady: true } : {}),
    ...(outputs ? { outputs } : {}),
  });
}

/** Statuses of a proxy that is off or on its way there (ProxyInfo.Status). */
const OFF = new Set(['CLOSED', 'CLOSING']);

/**
 * OpenProxies / CloseProxies of one proxy. Opening goes before every other step on the proxy and
 * what is under it, closing after them all: a closed proxy refuses writes (its listeners, rules,
 * configuration), deletes aside.
 */
function openOrClose(b: StepBuilder, label: string, proxyId: unknown, enabled: boolean): void {
  const action = enabled ? 'OpenProxies' : 'CloseProxies';
  b.add({
    operation: 'update',
    summary: `${action} ${label}`,
    calls: [
      {
        action,
        params: { ProxyIds: [proxyId] },
        clientToken: b.clientToken(action),
        failedIn: ['OperationFailedInstanceSet'],
      },
    ],
    wait: proxyStatus(
      `proxy ${label} ${enabled ? 'RUNNING' : 'CLOSED'}`,
      proxyId,
      enabled ? 'RUNNING' : 'CLOSED',
    ),
    around: { order: enabled ? 'first' : 'last' },
  });
}

/**
 * Proxies (通道). Name, project, bandwidth, concurrency, billing and on/off (OpenProxies /
 * CloseProxies) change in place; regions, group, IP version, network and package type force
 * replacement (no Modify action takes them).
 */
export const proxyKind: GaapKindModule<ProxySpec, ProxyRaw, ProxyDesired> = {
  readStage: 2,
  apiActions: [
    'CloseProxies',
    'CreateProxy',
    'DescribeProxies',
    'DestroyProxies',
    'ModifyProxiesAttribute',
    'ModifyProxiesProject',
    'ModifyProxyConfiguration',
    'OpenProxies',
  ],
  handler: {
    type: PROXY,
    updatable: {
      name: 'name',
      projectId: 'project',
      bandwidth: 'config',
      concurrent: 'config',
      billingType: 'config',
      ...TAG_ATTRS,
      enabled: 'enabled',
    },
    cascades: true,
    replaceOrder: 'delete-first',
    // The access domain and IPs are what a user points DNS at: a new proxy has them once it runs.
    outputs: {
      names: ['id', 'accessDomain', 'accessIp', 'accessIps'],
      of(live) {
        const p = live.raw.item;
        return defined({
          id: live.id,
          accessDomain: p.Domain || undefined,
          accessIp: p.IP || undefined,
          accessIps: p.IPList?.length ? p.IPList.map((x) => x.IP) : undefined,
        }) as Record<string, string | string[]>;
      },
    },
    create(node, b) {
      const { name, proxy } = node.spec;
      b.add({
        operation: 'create',
        summary: `CreateProxy ${String(node.attrs.name)} (${proxy.accessRegion} → ${proxy.realServerRegion ?? `group ${proxy.group}`})`,
        calls: [
          {
            action: 'CreateProxy',
            params: defined({
              ProjectId: b.projectId,
              ProxyName: node.attrs.name,
              AccessRegion: proxy.accessRegion,
              RealServerRegion: proxy.group ? undefined : proxy.realServerRegion,
              GroupId: proxy.group ? b.idOf(addr.proxyGroup(proxy.group)) : undefined,
              Bandwidth: proxy.bandwidth,
              Concurrent: proxy.concurrent,
              TagSet: creationTags(b.stack, name, proxy.protect, proxy.tags),
              IPAddressVersion: proxy.ipVersion,
              NetworkType: proxy.networkType,
              PackageType: proxy.packageType,
              BillingType: proxy.billingType,
            }),
            // NOTE: one ClientToken per logical create, kept across retries: a fresh token per
            // attempt is how other tools end up with duplicate proxies.
            clientToken: b.clientToken('CreateProxy'),
            outputs: { id: 'InstanceId' },
            lookup: {
              action: 'DescribeProxies',
              params: { TagSet: ownershipTags(b.stack, name).slice(1), Limit: 100, Offset: 0 },
              items: 'ProxySet',
              match: { ProxyName: node.attrs.name },
              outputs: { id: 'ProxyId' },
            },
          },
        ],
        wait: proxyStatus(`proxy ${name} RUNNING`, SELF_ID, 'RUNNING', PROXY_ACCESS_OUTPUTS),
      });
      // A new proxy runs: one declared off is closed once everything on it is in place.
      if (node.attrs.enabled === false) openOrClose(b, name, b.idOf(node.address), false);
    },
    update(node, live, groups, b) {
      if (groups.includes('tags')) addTagStep('proxy', node, live, b);
      if (groups.includes('userTags')) addUserTagStep('proxy', node, live, b);
      // ModifyProxyConfiguration needs a running proxy: one that is off and stays off is opened
      // for the change and closed again.
      // (A proxy of a group has no `enabled` of its own: its group's on/off decides.)
      const wasOff = node.attrs.enabled !== undefined && live.attrs.enabled === false;
      const wantOff = node.attrs.enabled === false;
      const reconfigure = groups.includes('config');
      if (wasOff && (!wantOff || reconfigure)) openOrClose(b, live.id, live.id, true);
      if (groups.includes('name')) {
        b.add({
          operation: 'update',
          summary: `ModifyProxiesAttribute ${live.id} name → ${String(node.attrs.name)}`,
          calls: [
            {
              action: 'ModifyProxiesAttribute',
              params: { ProxyIds: [live.id], ProxyName: node.attrs.name },
              clientToken: b.clientToken('ModifyProxiesAttribute'),
            },
          ],
        });
      }
      if (groups.includes('project')) {
        b.add({
          operation: 'update',
          summary: `ModifyProxiesProject ${live.id} → project ${String(node.attrs.projectId)}`,
          calls: [
            {
              action: 'ModifyProxiesProject',
              params: { ProxyIds: [live.id], ProjectId: node.attrs.projectId },
              clientToken: b.clientToken('ModifyProxiesProject'),
            },
          ],
        });
      }
      if (groups.includes('config')) {
        b.add({
          operation: 'update',
          summary: `ModifyProxyConfiguration ${live.id} bandwidth ${String(node.attrs.bandwidth)}, concurrent ${String(node.attrs.concurrent)}`,
          calls: [
            {
              action: 'ModifyProxyConfiguration',
              params: defined({
                ProxyId: live.id,
                Bandwidth: node.attrs.bandwidth,
                Concurrent: node.attrs.concurrent,
                BillingType: node.attrs.billingType,
              }),
              clientToken: b.clientToken('ModifyProxyConfiguration'),
            },
          ],
          wait: proxyStatus(`proxy ${live.id} RUNNING after the configuration change`, live.id),
        });
      }
      if (wantOff && (!wasOff || reconfigure)) openOrClose(b, live.id, live.id, false);
    },
    delete(live, b) {
      b.add({
        operation: 'delete',
        summary: `DestroyProxies ${live.id} (${String(live.attrs.name)}) with everything on it`,
        calls: [
          {
            action: 'DestroyProxies',
            params: { ProxyIds: [live.id], Force: 1 },
            clientToken: b.clientToken('DestroyProxies'),
            okCodes: ['ResourceNotFound'],
          },
        ],
        wait: proxyStatus(`proxy ${live.id} destroyed`, live.id, 'gone'),
      });
    },
  },
  desired(ctx) {
    return Object.entries(ctx.model.proxies ?? {}).map(([name, proxy]) => ({
      address: addr.proxy(name),
      type: PROXY,
      refs: proxy.group ? [addr.proxyGroup(proxy.group)] : [],
      attrs: {
        name: proxy.name ?? name,
        projectId: ctx.projectId,
        accessRegion: proxy.accessRegion,
        realServerRegion: proxy.group ? undefined : proxy.realServerRegion,
        group: proxy.group ? addr.proxyGroup(proxy.group) : null,
        bandwidth: proxy.bandwidth,
        concurrent: proxy.concurrent,
        ipVersion: proxy.ipVersion ?? 'IPv4',
        networkType: proxy.networkType,
        packageType: proxy.packageType ?? 'Thunder',
        billingType: proxy.billingType ?? 0,
        ...desiredTagAttrs(ctx.stack, name, proxy.protect, proxy.tags),
        // A proxy of a group is opened and closed with its group (OpenProxyGroup / CloseProxyGroup).
        enabled: proxy.group ? undefined : (proxy.enabled ?? true),
      },
      protect: proxy.protect ?? false,
      ...withSource(ctx.source(`proxies.${name}`)),
      spec: { name, proxy },
    }));
  },
  prefetch: (ctx) => taggedProxies(ctx),
  async read(ctx) {
    const tagged = await taggedProxies(ctx);
    const adoptions = adoptionsOf(ctx, 'proxies');
    const untagged = missingIds(
      adoptions,
      tagged.map((p) => p.ProxyId || p.InstanceId),
    );
    const byId = (
      await Promise.all(
        chunks(untagged, 100).map((ids) =>
          listAll(ctx.client, 'DescribeProxies', { ProxyIds: ids }, 'ProxySet'),
        ),
      )
    ).flat();
    const items = [...tagged, ...byId];
    refuseMissingAdoptions(
      ctx,
      'proxies',
      items.map((p) => p.ProxyId || p.InstanceId),
    );
    const out: LiveNode<ProxyRaw>[] = [];
    // NOTE: a proxy group's access regions are served by member proxies the group creates itself,
    // and they carry the group's tags. They belong to the group (they go when it goes), not to the
    // proxies the YAML declares, so they are not read as proxies.
    const groupNames = new Map(
      liveOfKind(proxyGroupKind, ctx.live).map((n) => [n.id, tagValue(n.raw.item.TagSet, NAME_TAG)]),
    );
    for (const p of items) {
      const name = ownedName(ctx, adoptions, p.ProxyId || p.InstanceId, p.TagSet, 'proxy');
      if (!name) continue;
      if (p.GroupId && groupNames.get(p.GroupId) === name && !adoptions.has(p.ProxyId)) continue;
      const node = proxyNode(ctx, name, p);
      const group = node.attrs.group as string | null;
      if (group) ctx.liveRefs.set(node.address, [group]);
      out.push(node);
    }
    return out;
  },
  export: {
    section: 'proxies',
    // Listeners and the security policy are attached by their own kinds.
    toDesired(n, ctx) {
      const name = nameIn(n.address);
      const a = n.attrs;
      const group = a.group === null ? undefined : logicalName(a.group, 'proxy_group');
      if (a.group !== null && group === undefined) {
        ctx.warn(
          `${n.address}: its proxy group ${String(a.group)} is not owned by the stack; written with its origin region instead`,
        );
      }
      return {
        ...(a.name !== name ? { name: String(a.name) } : {}),
        accessRegion: String(a.accessRegion),
        ...(group ? { group } : { realServerRegion: String(a.realServerRegion) }),
        bandwidth: Number(a.bandwidth),
        concurrent: Number(a.concurrent),
        ...(a.ipVersion !== 'IPv4' ? { ipVersion: a.ipVersion as 'IPv6' } : {}),
        ...(isStr(a.networkType) ? { networkType: a.networkType as 'normal' } : {}),
        ...(a.packageType !== 'Thunder' ? { packageType: a.packageType as 'Accelerator' } : {}),
        ...(a.billingType !== 0 ? { billingType: a.billingType as 0 | 1 } : {}),
        ...exportedProtect(n),
        ...exportUserTags(a),
        // A proxy of a group is closed with its group: the group's `enabled` says it.
        ...(a.enabled === false && !group ? { enabled: false } : {}),
      };
    },
  },
};

function proxyNode(ctx: ReadContext, name: string, p: ProxyInfo): LiveNode<ProxyRaw> {
  return {
    address: addr.proxy(name),
    type: PROXY,
    id: p.ProxyId || p.InstanceId,
    attrs: {
      name: p.ProxyName,
      projectId: p.ProjectId,
      accessRegion: p.AccessRegion,
      realServerRegion: p.RealServerRegion,
      group: p.GroupId ? (ctx.addressOfId.get(p.GroupId) ?? `id:${p.GroupId}`) : null,
      bandwidth: p.Bandwidth,
      concurrent: p.Concurrent,
      ipVersion: p.IPAddressVersion || 'IPv4',
      networkType: p.NetworkType || undefined,
      packageType: p.PackageType || 'Thunder',
      billingType: p.BillingType ?? 0,
      ...liveTagAttrs(p.TagSet),
      enabled: !OFF.has(p.Status),
    },
    ...liveProtect(p.TagSet),
    ...(STEADY.has(p.Status) ? {} : { busy: p.Status }),
    raw: { item: p },
  };
}

/**
 * The stack's proxies, by its tag: needs nothing read before (started with the first stage). The
 * reads under a proxy (its listener lists, its security policy) start as soon as the page naming
 * it answers (`ctx.found`), not after the last page and the first stage: at 200 proxies the
 * listener lists of the first 100 waited 40 ms for the second page and the real servers' pages.
 * NOTE: only proxies outside any group: a proxy of a group may be one of the group's own (the
 * proxy read leaves it out, by the group's name, read in the first stage), and its reads wait for
 * that stage so that none is made for a proxy the plan does not read.
 */
function taggedProxies(ctx: ReadContext): Promise<ProxyInfo[]> {
  const adoptions = adoptionsOf(ctx, 'proxies');
  const onPage = (items: ProxyInfo[]) => {
    const nodes: LiveNode<ProxyRaw>[] = [];
    for (const p of items) {
      if (p.GroupId) continue;
      let name: string | undefined;
      try {
        name = ownedName(ctx, adoptions, p.ProxyId || p.InstanceId, p.TagSet, 'proxy');
      } catch {
        continue; // The proxy read reports it.
      }
      if (name) nodes.push(proxyNode(ctx, name, p));
    }
    ctx.found(...nodes);
  };
  return ctx.cached('DescribeProxies:stack', () =>
    listAll(
      ctx.client,
      'DescribeProxies',
      { TagSet: [{ TagKey: STACK_TAG, TagValue: ctx.stack }] },
      'ProxySet',
      { onPage },
    ),
  );
}
