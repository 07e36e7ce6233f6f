import type { RealServerDesired } from '../../../model/gaap-desired-types.js';
import type { GaapKindModule } from '../engine/kind-module.js';
import { addr, STACK_TAG } from '../engine/kind-module.js';
import type { LiveNode } from '../engine/node-types.js';
import type { BindRealServerInfo } from '../gaap-types.js';
import { listAll } from '../paging.js';
import { adoptionsOf, missingIds, ownedName, refuseMissingAdoptions } from './adoption.js';
import { ID_OUTPUT, nameIn, withSource } from './common.js';
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

export const REAL_SERVER = 'gaap_real_server';

interface RealServerSpec {
  name: string;
  rs: RealServerDesired;
}

interface RealServerRaw {
  item: BindRealServerInfo;
}

/**
 * Real servers: account-level, tagged for ownership. NOTE: AddRealServers is not idempotent and the
 * address is unique per project (DuplicateRS), so an ambiguous create is resolved by looking the
 * address up, never by sending it again.
 */
export const realServerKind: GaapKindModule<RealServerSpec, RealServerRaw, RealServerDesired> = {
  readStage: 1,
  apiActions: ['AddRealServers', 'DescribeRealServers', 'ModifyRealServerName', 'RemoveRealServers'],
  handler: {
    type: REAL_SERVER,
    updatable: { name: 'name', ...TAG_ATTRS },
    cascades: false,
    replaceOrder: 'create-first',
    outputs: ID_OUTPUT,
    create(node, b) {
      const { spec } = node;
      b.add({
        operation: 'create',
        summary: `AddRealServers ${spec.rs.address} (${spec.name})`,
        calls: [
          {
            action: 'AddRealServers',
            params: {
              ProjectId: b.projectId,
              RealServerIP: [spec.rs.address],
              RealServerName: node.attrs.name,
              TagSet: creationTags(b.stack, spec.name, spec.rs.protect, spec.rs.tags),
            },
            outputs: { id: 'RealServerSet.0.RealServerId' },
            lookup: {
              action: 'DescribeRealServers',
              params: { ProjectId: b.projectId, SearchValue: spec.rs.address, Offset: 0, Limit: 50 },
              items: 'RealServerSet',
              match: { RealServerIP: spec.rs.address },
              outputs: { id: 'RealServerId' },
            },
          },
        ],
      });
    },
    update(node, live, groups, b) {
      if (groups.includes('tags')) addTagStep('realServer', node, live, b);
      if (groups.includes('userTags')) addUserTagStep('realServer', node, live, b);
      if (!groups.includes('name')) return;
      b.add({
        operation: 'update',
        summary: `ModifyRealServerName ${live.id} → ${String(node.attrs.name)}`,
        calls: [
          {
            action: 'ModifyRealServerName',
            params: { RealServerId: live.id, RealServerName: node.attrs.name },
          },
        ],
      });
    },
    delete(live, b) {
      b.add({
        operation: 'delete',
        summary: `RemoveRealServers ${live.id} (${String(live.attrs.address)})`,
        calls: [
          {
            action: 'RemoveRealServers',
            params: { RealServerIds: [live.id] },
            okCodes: ['ResourceNotFound'],
          },
        ],
      });
    },
  },
  desired(ctx) {
    return Object.entries(ctx.model.realServers ?? {}).map(([name, rs]) => ({
      address: addr.realServer(name),
      type: REAL_SERVER,
      refs: [],
      // An external server is only read (its ID for bindings), so only its address is compared.
      attrs: rs.external
        ? { address: rs.address }
        : {
            address: rs.address,
            name: rs.name ?? name,
            projectId: ctx.projectId,
            ...desiredTagAttrs(ctx.stack, name, rs.protect, rs.tags),
          },
      protect: rs.protect ?? false,
      ...(rs.external ? { external: true } : {}),
      ...withSource(ctx.source(`realServers.${name}`)),
      spec: { name, rs },
    }));
  },
  async read(ctx) {
    const tagged = await listAll(
      ctx.client,
      'DescribeRealServers',
      { ProjectId: -1, TagSet: [{ TagKey: STACK_TAG, TagValue: ctx.stack }] },
      'RealServerSet',
    );
    const adoptions = adoptionsOf(ctx, 'realServers');
    const external = Object.entries(ctx.model.realServers ?? {}).filter(([, rs]) => rs.external);
    const untagged = missingIds(
      adoptions,
      tagged.map((rs) => rs.RealServerId),
    );
    // Servers the stack does not tag (adopted, or external): one read of the whole list finds
    // them all. NOTE: DescribeRealServers filters by address or name, never by ID.
    const everything =
      untagged.length > 0 || external.length > 0
        ? await listAll(ctx.client, 'DescribeRealServers', { ProjectId: -1 }, 'RealServerSet')
        : [];
    const items = [...tagged, ...everything.filter((rs) => untagged.includes(rs.RealServerId))];
    refuseMissingAdoptions(
      ctx,
      'realServers',
      items.map((rs) => rs.RealServerId),
    );
    const out: LiveNode<RealServerRaw>[] = [];
    const node = (
      name: string,
      rs: (typeof items)[number],
      attrs: Record<string, unknown>,
    ): LiveNode<RealServerRaw> => ({
      address: addr.realServer(name),
      type: REAL_SERVER,
      id: rs.RealServerId,
      attrs,
      ...liveProtect(rs.TagSet),
      raw: { item: rs },
    });
    for (const rs of items) {
      const name = ownedName(ctx, adoptions, rs.RealServerId, rs.TagSet, 'real server');
      if (!name || ctx.model.realServers?.[name]?.external) continue;
      out.push(
        node(name, rs, {
          address: rs.RealServerIP,
          name: rs.RealServerName,
          projectId: rs.ProjectId,
          ...liveTagAttrs(rs.TagSet),
        }),
      );
    }
    for (const [name, rs] of external) {
      // NOTE: GAAP keeps one real server per address per project: the stack's project first.
      const found =
        everything.find((x) => x.RealServerIP === rs.address && x.ProjectId === ctx.projectId) ??
        everything.find((x) => x.RealServerIP === rs.address);
      if (found) out.push(node(name, found, { address: found.RealServerIP }));
    }
    return out;
  },
  export: {
    section: 'realServers',
    toDesired(n) {
      const name = nameIn(n.address);
      return {
        address: String(n.attrs.address),
        ...(n.attrs.name !== name ? { name: String(n.attrs.name) } : {}),
        ...exportedProtect(n),
        ...exportUserTags(n.attrs),
      };
    },
  },
};
