import type { ProxyGroupDesired } from '../../../model/gaap-desired-types.js';
import type { GaapKindModule } from '../engine/kind-module.js';
import { addr, STACK_TAG } from '../engine/kind-module.js';
import type { LiveNode } from '../engine/node-types.js';
import { asSet } from '../engine/normalize-attrs.js';
import { isGaapApiError } from '../gaap-errors.js';
import type { ProxyGroupInfo } from '../gaap-types.js';
import { listAll } from '../paging.js';
import { adoptionsOf, missingIds, ownedName, refuseMissingAdoptions } from './adoption.js';
import { nameIn, SELF_ID, waitFor, withSource } from './common.js';
import {
  addTagStep,
  creationTags,
  desiredTagAttrs,
  exportedProtect,
  liveProtect,
  liveTagAttrs,
  TAG_ATTRS,
} from './tagging.js';

export const PROXY_GROUP = 'gaap_proxy_group';

interface ProxyGroupSpec {
  name: string;
  group: ProxyGroupDesired;
  accessRegions: ProxyGroupDesired['accessRegions'];
}

export interface ProxyGroupRaw {
  item: ProxyGroupInfo;
}

/**
 * Proxy groups. Only the name and project can change in place (ModifyProxyGroupAttribute); the
 * origin region, access regions, IP version and package type force replacement.
 */
export const proxyGroupKind: GaapKindModule<ProxyGroupSpec, ProxyGroupRaw, ProxyGroupDesired> = {
  readStage: 1,
  handler: {
    type: PROXY_GROUP,
    updatable: { name: 'attr', projectId: 'attr', ...TAG_ATTRS },
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
              TagSet: creationTags(b.stack, name, group.protect),
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
    },
    update(node, live, groups, b) {
      if (groups.includes('tags')) addTagStep('group', node, live, b);
      if (!groups.includes('attr')) return;
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
        ...desiredTagAttrs(ctx.stack, name, group.protect),
        // NOTE: DescribeProxyGroupList does not return the IP version, package type or access
        // regions, so they are set at creation and not compared afterwards.
      },
      protect: group.protect ?? false,
      ...withSource(ctx.source(`proxyGroups.${name}`)),
      spec: { name, group, accessRegions: asSet(group.accessRegions) },
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
          ...liveTagAttrs(g.TagSet),
        },
        ...liveProtect(g.TagSet),
        ...(g.Status !== 'RUNNING' ? { busy: g.Status } : {}),
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
        ...exportedProtect(n),
      };
    },
  },
};
