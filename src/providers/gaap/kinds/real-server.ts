import { EdgeformError } from '../../../core/errors.js';
import type { GaapDesired, RealServerDesired } from '../../../model/gaap-desired-types.js';
import type { GaapKindModule, ReadContext } from '../engine/kind-module.js';
import { addr, liveOfKind, NAME_TAG, STACK_TAG, tagValue } from '../engine/kind-module.js';
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
    const ownedNames = new Set(tagged.map((rs) => tagValue(rs.TagSet, NAME_TAG)));
    const creates = Object.entries(ctx.model.realServers ?? {}).filter(
      ([name, rs]) => !rs.external && !rs.adopt && !ownedNames.has(name),
    );
    // Servers the stack does not tag (adopted, or external), and the addresses it would create:
    // one read of the whole list (shared with the adoption hints) finds them all.
    // NOTE: DescribeRealServers filters by address or name, never by ID.
    const everything =
      untagged.length > 0 || external.length > 0 || creates.length > 0 ? await allRealServers(ctx) : [];
    refuseTakenAddresses(ctx, creates, everything);
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

/** Every real server of the account (all projects): one paged list per read, shared by its users. */
export function allRealServers(ctx: Pick<ReadContext, 'client' | 'cached'>): Promise<BindRealServerInfo[]> {
  return ctx.cached('DescribeRealServers:all', () =>
    listAll(ctx.client, 'DescribeRealServers', { ProjectId: -1 }, 'RealServerSet'),
  );
}

/**
 * A real server the stack would create at an address that already has one in its project: GAAP
 * keeps one real server per address and project (InvalidParameterValue.DuplicateRS), so the create
 * could only ever find the existing one — another stack's, a hand-made one — and every later plan
 * would create it again. The plan fails instead, located, naming what the declaration needs: to
 * reference the server (`external: true`), to adopt it, or to keep its logical name.
 */
function refuseTakenAddresses(
  ctx: Pick<ReadContext, 'stack' | 'projectId' | 'model'>,
  creates: readonly [string, RealServerDesired][],
  everything: readonly BindRealServerInfo[],
): void {
  const problems: string[] = [];
  for (const [name, rs] of creates) {
    const taken = everything.find((x) => x.RealServerIP === rs.address && x.ProjectId === ctx.projectId);
    if (!taken) continue;
    const owner = tagValue(taken.TagSet, STACK_TAG);
    const id = taken.RealServerId;
    const fix =
      owner === ctx.stack
        ? `it is this stack's real server ${tagValue(taken.TagSet, NAME_TAG) ?? '?'} (${id}): keep that logical name (a new one is a new object)`
        : owner === undefined
          ? `it is ${id}, which no stack owns: add \`adopt: ${id}\` to manage it, or \`external: true\` to only bind it`
          : `it is stack ${owner}'s (${id}): add \`external: true\` to bind it without owning it (never changed or deleted by this stack); if this stack was renamed from ${owner}, restore that \`stack:\` name`;
    const at = ctx.model.sources?.[`realServers.${name}`];
    problems.push(
      `${at ? `${at.file}:${at.line}:${at.column} ` : ''}gaap.realServers.${name}: a real server at ${rs.address} already exists in project ${ctx.projectId}; ${fix}`,
    );
  }
  if (problems.length === 0) return;
  throw new EdgeformError({
    code: 'GAAP_REAL_SERVER_EXISTS',
    message: `GAAP keeps one real server per address in a project, and ${problems.length === 1 ? 'an address this stack would create is' : `${problems.length} addresses this stack would create are`} taken`,
    resolution:
      'bind a server another stack owns with `external: true`, adopt a hand-made one with `adopt: <id>`, or declare it in another projectId',
    details: problems,
  });
}

/**
 * The stacks owning the live real servers this stack declares `external: true`: stacks it says it
 * lives beside (two stacks in front of one origin), so their names are no sign of a rename.
 */
export function stacksReferenced(model: GaapDesired, live: readonly LiveNode[]): Set<string> {
  const stacks = new Set<string>();
  for (const n of liveOfKind(realServerKind, live)) {
    const owner = tagValue(n.raw.item.TagSet, STACK_TAG);
    if (model.realServers?.[nameIn(n.address)]?.external && owner !== undefined) stacks.add(owner);
  }
  return stacks;
}
