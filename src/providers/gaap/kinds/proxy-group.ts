import type { ProxyGroupDesired } from '../../../model/gaap-desired-types.js';
import type { StepBuilder } from '../engine/kind-handler.js';
import type { GaapKindModule } from '../engine/kind-module.js';
import { addr, ownershipTags, STACK_TAG } from '../engine/kind-module.js';
import type { DesiredNode, LiveNode } from '../engine/node-types.js';
import { asSet } from '../engine/normalize-attrs.js';
import { isGaapApiError } from '../gaap-errors.js';
import type { ProxyGroupInfo } from '../gaap-types.js';
import { listAll, PAGE_LIMITS } from '../paging.js';
import { adoptionsOf, missingIds, ownedName, refuseMissingAdoptions } from './adoption.js';
import { nameIn, SELF_ID, waitFor, withSource } from './common.js';

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
  handler: {
    type: PROXY_GROUP,
    updatable: { name: 'attr', projectId: 'attr', enabled: 'enabled' },
    cascades: false,
    replaceOrder: 'delete-first',
    outputs: {
      names: ['id', 'accessDomain'],
      of(live) {
        const domain = live.raw.item.Domain;
        return { id: live.id, ...(domain ? { accessDomain: domain } : {}) };
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
              TagSet: ownershipTags(b.stack, name),
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
        enabled: group.enabled ?? true,
        // NOTE: DescribeProxyGroupList does not return the IP version, package type or access
        // regions, so they are set at creation and not compared afterwards.
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
    // NOTE: the group list filters by region and package, never by ID: an adopted group not
    // tagged yet is read by DescribeProxyGroupDetails, whose Status is a number (0 = running).
    const adopted = await Promise.all(
      missingIds(
        adoptions,
        tagged.map((g) => g.GroupId),
      ).map(async (GroupId): Promise<ProxyGroupInfo | undefined> => {
        try {
          const d = (await ctx.client.call('DescribeProxyGroupDetails', { GroupId })).ProxyGroupDetail;
          return {
            GroupId: d.GroupId,
            GroupName: d.GroupName,
            ProjectId: d.ProjectId,
            Domain: d.Domain,
            RealServerRegionInfo: d.RealServerRegionInfo,
            Status: d.Status === 0 ? 'RUNNING' : `Status ${d.Status}`,
            TagSet: d.TagSet,
          } as ProxyGroupInfo;
        } catch (e) {
          if (isGaapApiError(e) && e.errorClass === 'not-found') return undefined;
          throw e;
        }
      }),
    );
    const items = [...tagged, ...adopted.filter((g): g is ProxyGroupInfo => g !== undefined)];
    refuseMissingAdoptions(
      ctx,
      'proxyGroups',
      items.map((g) => g.GroupId),
    );
    const out: LiveNode<ProxyGroupRaw>[] = [];
    for (const g of items) {
      const name = ownedName(ctx, adoptions, g.GroupId, g.TagSet, 'proxy group');
      if (!name) continue;
      out.push({
        address: addr.proxyGroup(name),
        type: PROXY_GROUP,
        id: g.GroupId,
        attrs: {
          name: g.GroupName,
          projectId: g.ProjectId,
          realServerRegion: g.RealServerRegionInfo?.RegionId,
          enabled: g.Status !== 'CLOSED',
        },
        ...(g.Status !== 'RUNNING' && g.Status !== 'CLOSED' ? { busy: g.Status } : {}),
        raw: { item: g },
      });
    }
    return out;
  },
  export: {
    section: 'proxyGroups',
    toDesired(n, ctx) {
      const name = nameIn(n.address);
      ctx.warn(
        `${n.address}: its access regions, IP version and package type are not returned by the API (nor compared afterwards); declare them by hand for the file to recreate the group`,
      );
      return {
        ...(n.attrs.name !== name ? { name: String(n.attrs.name) } : {}),
        realServerRegion: String(n.attrs.realServerRegion),
        ...(n.attrs.enabled === false ? { enabled: false } : {}),
      };
    },
  },
};
