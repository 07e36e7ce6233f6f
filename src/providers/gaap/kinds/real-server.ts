import type { RealServerDesired } from '../../../model/gaap-desired-types.js';
import type { GaapKindModule } from '../engine/kind-module.js';
import { addr, NAME_TAG, ownershipTags, STACK_TAG, tagValue } from '../engine/kind-module.js';
import type { LiveNode } from '../engine/node-types.js';
import type { BindRealServerInfo } from '../gaap-types.js';
import { listAll } from '../paging.js';
import { ID_OUTPUT } from './common.js';

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
export const realServerKind: GaapKindModule<RealServerSpec, RealServerRaw> = {
  readStage: 1,
  handler: {
    type: REAL_SERVER,
    updatable: { name: 'name' },
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
              TagSet: ownershipTags(b.stack, spec.name),
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
    update(node, live, _groups, b) {
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
      attrs: { address: rs.address, name: rs.name ?? name, projectId: ctx.projectId },
      protect: rs.protect ?? false,
      ...withSource(ctx.source(`realServers.${name}`)),
      spec: { name, rs },
    }));
  },
  async read(ctx) {
    const items = await listAll(
      ctx.client,
      'DescribeRealServers',
      { ProjectId: -1, TagSet: [{ TagKey: STACK_TAG, TagValue: ctx.stack }] },
      'RealServerSet',
    );
    const out: LiveNode<RealServerRaw>[] = [];
    for (const rs of items) {
      if (tagValue(rs.TagSet, STACK_TAG) !== ctx.stack) continue;
      const name = tagValue(rs.TagSet, NAME_TAG);
      if (!name) continue;
      out.push({
        address: addr.realServer(name),
        type: REAL_SERVER,
        id: rs.RealServerId,
        attrs: { address: rs.RealServerIP, name: rs.RealServerName, projectId: rs.ProjectId },
        raw: { item: rs },
      });
    }
    return out;
  },
};

export function withSource<T>(source: T | undefined): { source?: T } {
  return source ? { source } : {};
}
