import type { ProxyGroupDesired } from '../../../model/gaap-desired-types.js';
import type { StepBuilder } from '../engine/kind-handler.js';
import type { GaapKindModule, ReadContext } from '../engine/kind-module.js';
import { addr, NAME_TAG, ownershipTags, STACK_TAG, tagValue } from '../engine/kind-module.js';
import type { DesiredNode, LiveNode } from '../engine/node-types.js';
import { asSet } from '../engine/normalize-attrs.js';
import { isGaapApiError } from '../gaap-errors.js';
import type { ProxyGroupDetail, ProxyGroupInfo } from '../gaap-types.js';
import { listAll, PAGE_LIMITS } from '../paging.js';
import { adoptionsOf, chunks, missingIds, ownedName, refuseMissingAdoptions } from './adoption.js';
import { nameIn, SELF_ID, waitFor, withSource } from './common.js';
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

export const PROXY_GROUP = 'gaap_proxy_group';

interface ProxyGroupSpec {
  name: string;
  group: ProxyGroupDesired;
  accessRegions: ProxyGroupDesired['accessRegions'];
  /** Addresses of the declared proxies in the group: opened before, closed after, their changes. */
  members: string[];
}

export interface ProxyGroupRaw {
  item: ProxyGroupInfo;
}

/**
 * OpenProxyGroup / CloseProxyGroup: every proxy of the group at once. Opening goes before the
 * changes of the group's declared proxies and what is under them, closing after them (a closed
 * proxy refuses writes).
 * NOTE: ProxyGroupInfo.Status has CLOSED but no OPENING or CLOSING: the group reads CLOSED once all
 * its proxies are, and RUNNING as soon as one opens; a member still opening answers writes with
 * InstanceStatusNotInRuning, which is retried as busy.
 */
function openOrCloseGroup(
  b: StepBuilder,
  label: string,
  groupId: unknown,
  enabled: boolean,
  members: readonly string[],
): void {
  const action = enabled ? 'OpenProxyGroup' : 'CloseProxyGroup';
  const status = enabled ? 'RUNNING' : 'CLOSED';
  b.add({
    operation: 'update',
    summary: `${action} ${label}`,
    calls: [{ action, params: { GroupId: groupId }, failedIn: ['OperationFailedInstanceSet'] }],
    // NOTE: the group list filters by neither ID nor name: the group is found in its pages.
    wait: waitFor(`proxy group ${label} ${status}`, {
      action: 'DescribeProxyGroupList',
      params: { ProjectId: -1 },
      pageLimit: PAGE_LIMITS.DescribeProxyGroupList,
      item: { items: 'ProxyGroupList', match: { GroupId: groupId } },
      statusPath: 'Status',
      ready: [status],
    }),
    around: { order: enabled ? 'first' : 'last', also: members },
  });
}

function updateAttrs(node: DesiredNode<ProxyGroupSpec>, live: LiveNode<ProxyGroupRaw>, b: StepBuilder): void {
  b.add({
    operation: 'update',
    summary: `ModifyProxyGroupAttribute ${live.id}`,
    calls: [
      {
        action: 'ModifyProxyGroupAttribute',
        params: { GroupId: live.id, GroupName: node.attrs.name, ProjectId: node.attrs.projectId },
      },
    ],
  });
}

/**
 * Proxy groups. The name and project change in place (ModifyProxyGroupAttribute), and so does
 * on/off (OpenProxyGroup / CloseProxyGroup); the origin region, access regions, IP version and
 * package type force replacement.
 */
export const proxyGroupKind: GaapKindModule<ProxyGroupSpec, ProxyGroupRaw, ProxyGroupDesired> = {
  readStage: 1,
  apiActions: [
    'CloseProxyGroup',
    'CreateProxyGroup',
    'DeleteProxyGroup',
    'DescribeProxies',
    'DescribeProxyGroupDetails',
    'DescribeProxyGroupList',
    'ModifyProxyGroupAttribute',
    'OpenProxyGroup',
  ],
  handler: {
    type: PROXY_GROUP,
    updatable: { name: 'attr', projectId: 'attr', enabled: 'enabled', ...TAG_ATTRS },
    // DeleteProxyGroup with Force=1 takes the group's listeners with it.
    cascades: true,
    replaceOrder: 'delete-first',
    outputs: {
      // NOTE: Http3Supported is read-only on a group: CreateProxyGroup documents it as deprecated
      // (HTTP/3 follows the IP version: on for IPv4, off for IPv6) and no Modify action takes it,
      // so it is an output, not a setting.
      names: ['id', 'accessDomain', 'http3'],
      of(live) {
        const { Domain: domain, Http3Supported: h3 } = live.raw.item;
        return {
          id: live.id,
          ...(domain ? { accessDomain: domain } : {}),
          ...(typeof h3 === 'number' ? { http3: h3 === 1 } : {}),
        };
      },
    },
    create(node, b) {
      const { name, group } = node.spec;
      b.add({
        operation: 'create',
        summary: `CreateProxyGroup ${String(node.attrs.name)} (${group.realServerRegion})`,
        calls: [
          {
            action: 'CreateProxyGroup',
            params: {
              ProjectId: b.projectId,
              GroupName: node.attrs.name,
              RealServerRegion: group.realServerRegion,
              TagSet: creationTags(b.stack, name, group.protect, group.tags),
              ...(group.accessRegions
                ? {
                    AccessRegionSet: group.accessRegions.map((r) => ({
                      AccessRegion: r.region,
                      Bandwidth: r.bandwidth,
                      Concurrent: r.concurrent,
                      ...(r.networkType ? { NetworkType: r.networkType } : {}),
                    })),
                  }
                : {}),
              ...(group.ipVersion ? { IPAddressVersion: group.ipVersion } : {}),
              ...(group.packageType ? { PackageType: group.packageType } : {}),
            },
            outputs: { id: 'GroupId' },
            // No ClientToken here: an uncertain answer is resolved by the group's ownership tag and name.
            lookup: {
              action: 'DescribeProxyGroupList',
              params: {
                ProjectId: -1,
                TagSet: ownershipTags(b.stack, name).slice(0, 1),
                Offset: 0,
                Limit: 100,
              },
              items: 'ProxyGroupList',
              match: { GroupName: node.attrs.name },
              outputs: { id: 'GroupId' },
            },
          },
        ],
        wait: waitFor(`proxy group ${name} running`, {
          action: 'DescribeProxyGroupDetails',
          params: { GroupId: SELF_ID },
          statusPath: 'ProxyGroupDetail.Status',
          ready: [0],
          outputs: { accessDomain: 'ProxyGroupDetail.Domain' },
        }),
      });
      if (node.attrs.enabled === false) {
        openOrCloseGroup(b, name, b.idOf(node.address), false, node.spec.members);
      }
    },
    update(node, live, groups, b) {
      if (groups.includes('tags')) addTagStep('group', node, live, b);
      if (groups.includes('userTags')) addUserTagStep('group', node, live, b);
      const toggle = groups.includes('enabled');
      const on = node.attrs.enabled === true;
      if (toggle && on) openOrCloseGroup(b, live.id, live.id, true, node.spec.members);
      if (groups.includes('attr')) updateAttrs(node, live, b);
      if (toggle && !on) openOrCloseGroup(b, live.id, live.id, false, node.spec.members);
    },
    delete(live, b) {
      b.add({
        operation: 'delete',
        summary: `DeleteProxyGroup ${live.id}`,
        // NOTE: Force=1: the group's own access-region proxies go with it (they are part of the
        // group). Proxies the YAML declares in the group are destroyed before, by the plan's order.
        calls: [
          {
            action: 'DeleteProxyGroup',
            params: { GroupId: live.id, Force: 1 },
            okCodes: ['ResourceNotFound'],
          },
        ],
      });
    },
  },
  desired(ctx) {
    return Object.entries(ctx.model.proxyGroups ?? {}).map(([name, group]) => ({
      address: addr.proxyGroup(name),
      type: PROXY_GROUP,
      refs: [],
      attrs: {
        name: group.name ?? name,
        projectId: ctx.projectId,
        realServerRegion: group.realServerRegion,
        ...desiredTagAttrs(ctx.stack, name, group.protect, group.tags),
        // No Modify action takes these: a change replaces the group (and the proxies in it).
        ipVersion: group.ipVersion ?? 'IPv4',
        packageType: group.packageType ?? 'Thunder',
        accessRegions: asSet(
          (group.accessRegions ?? []).map((r) => ({
            region: r.region,
            bandwidth: r.bandwidth,
            concurrent: r.concurrent,
            networkType: r.networkType ?? 'normal',
          })),
        ),
        enabled: group.enabled ?? true,
      },
      protect: group.protect ?? false,
      ...withSource(ctx.source(`proxyGroups.${name}`)),
      spec: {
        name,
        group,
        accessRegions: asSet(group.accessRegions),
        members: Object.entries(ctx.model.proxies ?? {})
          .filter(([, p]) => p.group === name)
          .map(([proxy]) => addr.proxy(proxy)),
      },
    }));
  },
  async read(ctx) {
    const tagged = await listAll(
      ctx.client,
      'DescribeProxyGroupList',
      { ProjectId: -1, TagSet: [{ TagKey: STACK_TAG, TagValue: ctx.stack }] },
      'ProxyGroupList',
    );
    const adoptions = adoptionsOf(ctx, 'proxyGroups');
    const owned = tagged.filter((g) => ownedName(ctx, adoptions, g.GroupId, g.TagSet, 'proxy group'));
    // NOTE: the group list returns neither the IP version and package type nor the access regions:
    // DescribeProxyGroupDetails has the first two (and reads an adopted group, not tagged yet, which
    // the list cannot filter by ID; its Status is a number, see adoptedStatus), and the access
    // regions are the group's own member proxies (DescribeProxies by GroupId, 5 groups a call).
    const ids = [
      ...owned.map((g) => g.GroupId),
      ...missingIds(
        adoptions,
        tagged.map((g) => g.GroupId),
      ),
    ];
    const [details, members] = await Promise.all([
      Promise.all(ids.map((GroupId) => groupDetail(ctx, GroupId))),
      Promise.all(
        chunks(ids, 5).map((chunk) =>
          listAll(
            ctx.client,
            'DescribeProxies',
            { Filters: [{ Name: 'GroupId', Values: chunk }] },
            'ProxySet',
          ),
        ),
      ).then((pages) => pages.flat()),
    ]);
    const detailOf = new Map(details.filter((d) => d !== undefined).map((d) => [d.GroupId, d]));
    const adopted = ids
      .filter((id) => !owned.some((g) => g.GroupId === id))
      .map((id) => detailOf.get(id))
      .filter((d) => d !== undefined)
      .map(
        (d) =>
          ({
            GroupId: d.GroupId,
            GroupName: d.GroupName,
            ProjectId: d.ProjectId,
            Domain: d.Domain,
            RealServerRegionInfo: d.RealServerRegionInfo,
            Status: adoptedStatus(
              d.Status,
              members.filter((p) => p.GroupId === d.GroupId),
            ),
            TagSet: d.TagSet,
            Http3Supported: d.Http3Supported,
          }) as ProxyGroupInfo,
      );
    const items = [...owned, ...adopted];
    const adoptedProxies = adoptionsOf(ctx, 'proxies');
    refuseMissingAdoptions(
      ctx,
      'proxyGroups',
      items.map((g) => g.GroupId),
    );
    const out: LiveNode<ProxyGroupRaw>[] = [];
    for (const g of items) {
      const name = ownedName(ctx, adoptions, g.GroupId, g.TagSet, 'proxy group');
      if (!name) continue;
      const detail = detailOf.get(g.GroupId);
      out.push({
        address: addr.proxyGroup(name),
        type: PROXY_GROUP,
        id: g.GroupId,
        attrs: {
          name: g.GroupName,
          projectId: g.ProjectId,
          realServerRegion: g.RealServerRegionInfo?.RegionId,
          ...liveTagAttrs(g.TagSet),
          ipVersion: detail?.IPAddressVersion || 'IPv4',
          packageType: detail?.PackageType || 'Thunder',
          accessRegions: asSet(
            members
              .filter((p) => p.GroupId === g.GroupId && isGroupOwnMember(p, name, adoptedProxies))
              .map((p) => ({
                region: p.AccessRegion,
                bandwidth: p.Bandwidth,
                concurrent: p.Concurrent,
                networkType: p.NetworkType || 'normal',
              })),
          ),
          enabled: g.Status !== 'CLOSED',
        },
        ...liveProtect(g.TagSet),
        ...(g.Status !== 'RUNNING' && g.Status !== 'CLOSED' ? { busy: g.Status } : {}),
        raw: { item: g },
      });
    }
    return out;
  },
  export: {
    section: 'proxyGroups',
    toDesired(n) {
      const name = nameIn(n.address);
      const a = n.attrs;
      const regions = a.accessRegions as {
        region: string;
        bandwidth: number;
        concurrent: number;
        networkType: string;
      }[];
      return {
        ...(a.name !== name ? { name: String(a.name) } : {}),
        ...(regions.length > 0
          ? {
              accessRegions: regions.map((r) => ({
                region: r.region,
                bandwidth: r.bandwidth,
                concurrent: r.concurrent,
                ...(r.networkType !== 'normal' ? { networkType: r.networkType as 'cn2' } : {}),
              })),
            }
          : {}),
        ...(a.ipVersion !== 'IPv4' ? { ipVersion: a.ipVersion as 'IPv6' } : {}),
        ...(a.packageType !== 'Thunder' ? { packageType: a.packageType as 'Accelerator' } : {}),
        realServerRegion: String(n.attrs.realServerRegion),
        ...exportedProtect(n),
        ...exportUserTags(n.attrs),
        ...(n.attrs.enabled === false ? { enabled: false } : {}),
      };
    },
  },
};

type Tags = readonly { TagKey: string; TagValue: string }[] | null | undefined;

async function groupDetail(ctx: ReadContext, GroupId: string): Promise<ProxyGroupDetail | undefined> {
  try {
    return (await ctx.client.call('DescribeProxyGroupDetails', { GroupId })).ProxyGroupDetail;
  } catch (e) {
    if (isGaapApiError(e) && e.errorClass === 'not-found') return undefined;
    throw e;
  }
}

/**
 * A member proxy that serves one of the group's own access regions (created with the group's
 * AccessRegionSet, carrying its tags; or untagged in an adopted group), not a proxy the YAML
 * declares with `group:` (tagged with its own name, or adopted by its ID).
 */
function isGroupOwnMember(
  p: { ProxyId: string; TagSet: Tags },
  groupName: string,
  adoptedProxies: ReadonlyMap<string, string>,
): boolean {
  const name = tagValue(p.TagSet, NAME_TAG);
  if (name !== undefined) return name === groupName;
  return tagValue(p.TagSet, STACK_TAG) === undefined && !adoptedProxies.has(p.ProxyId);
}

/** ProxyGroupDetail.Status (an Integer) in the words of ProxyGroupInfo.Status (the list's String). */
const DETAIL_STATUS: Readonly<Record<number, string>> = {
  0: 'RUNNING',
  1: 'CREATING',
  4: 'DESTROYING',
  11: 'MOVING',
  12: 'DEPLOYING',
};

/**
 * The status of an adopted group, read with DescribeProxyGroupDetails. NOTE: its Status has no
 * value for closed (0 running, 1 creating, 4 destroying, 11 moving, 12 partly deployed), while the
 * list says CLOSED once every proxy of the group is: so a "running" group whose member proxies (read
 * anyway, for the access regions) are all CLOSED is closed — else a closed hand-made group would
 * read open, be exported without `enabled: false`, and its first plan would open it.
 */
function adoptedStatus(status: number, members: readonly { Status: string }[]): string {
  if (status === 0 && members.length > 0 && members.every((p) => p.Status === 'CLOSED')) return 'CLOSED';
  return DETAIL_STATUS[status] ?? `Status ${status}`;
}
