import type { GlobalDomainDesired } from '../../../model/gaap-desired-types.js';
import type { GaapKindModule, ReadContext } from '../engine/kind-module.js';
import { addr, STACK_TAG } from '../engine/kind-module.js';
import type { LiveNode } from '../engine/node-types.js';
import type { Domain } from '../gaap-types.js';
import { listAll } from '../paging.js';
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

export const GLOBAL_DOMAIN = 'gaap_global_domain';

/** Domain.Status: 0 enabled, 1 disabled, 2 disabling, 3 enabling (GAAP API, DescribeGlobalDomains). */
const ENABLED = 0;
const DISABLED = 1;
const DISABLING = 2;
const ENABLING = 3;

/**
 * NOTE: DescribeGlobalDomains requires ProjectId; -1 lists every project (as for real servers), so
 * a domain moved to another project is still found by its tags.
 */
const ALL_PROJECTS = -1;

/** The domain's Status after an Enable/Disable (or a Disable before deleting it). */
function domainStatus(
  domainId: unknown,
  ready: number,
  what: string,
  goneIsReady = false,
  outputs?: Record<string, string>,
) {
  return waitFor(what, {
    ...(outputs ? { outputs } : {}),
    action: 'DescribeGlobalDomains',
    params: {
      ProjectId: ALL_PROJECTS,
      Offset: 0,
      Limit: 1,
      Filters: [{ Name: 'DomainId', Values: [domainId] }],
    },
    statusPath: 'Domains.0.Status',
    ready: [ready],
    ...(goneIsReady ? { goneIsReady } : {}),
  });
}

interface GlobalDomainSpec {
  name: string;
  domain: GlobalDomainDesired;
}

interface GlobalDomainRaw {
  item: Domain;
}

/**
 * Global domains (全球域名): account-level, tagged for ownership like proxies. Default value,
 * alias and project change in one ModifyGlobalDomainAttribute; the enabled state by
 * Enable/DisableGlobalDomain. Their DNS records are children that do not go with them
 * (DeleteGlobalDomain refuses while records remain), so the engine deletes those first.
 */
export const globalDomainKind: GaapKindModule<GlobalDomainSpec, GlobalDomainRaw, GlobalDomainDesired> = {
  readStage: 3,
  apiActions: [
    'CreateGlobalDomain',
    'DeleteGlobalDomain',
    'DescribeGlobalDomains',
    'DisableGlobalDomain',
    'EnableGlobalDomain',
    'ModifyGlobalDomainAttribute',
  ],
  handler: {
    type: GLOBAL_DOMAIN,
    // NOTE: projectId is updated in place, not replaced: ModifyGlobalDomainAttribute takes
    // ProjectId (required), and a replacement would change the domain's FullDomain
    // (<DomainId>.gaapglobal.com), breaking every CNAME pointing at it.
    updatable: {
      defaultValue: 'attr',
      alias: 'attr',
      projectId: 'attr',
      enabled: 'enabled',
      ...TAG_ATTRS,
    },
    cascades: false,
    replaceOrder: 'create-first',
    // FullDomain is the CNAME target users point their own domain at.
    outputs: {
      names: ['id', 'cname'],
      of(live) {
        const full = live.raw.item.FullDomain;
        return { id: live.id, ...(full ? { cname: full } : {}) };
      },
    },
    create(node, b) {
      const { name } = node.spec;
      const a = node.attrs;
      b.add({
        operation: 'create',
        summary: `CreateGlobalDomain ${name} (default ${String(a.defaultValue)})${a.enabled ? '' : ', then disable it'}`,
        calls: [
          {
            action: 'CreateGlobalDomain',
            params: {
              ProjectId: a.projectId,
              DefaultValue: a.defaultValue,
              Alias: a.alias,
              TagSet: creationTags(b.stack, name, node.spec.domain.protect, node.spec.domain.tags),
            },
            outputs: { id: 'DomainId' },
            lookup: {
              action: 'DescribeGlobalDomains',
              params: {
                ProjectId: ALL_PROJECTS,
                Offset: 0,
                Limit: 20,
                TagSet: [{ TagKey: STACK_TAG, TagValue: b.stack }],
                Filters: [{ Name: 'Alias', Values: [a.alias] }],
              },
              items: 'Domains',
              match: { Alias: a.alias, DefaultValue: a.defaultValue },
              outputs: { id: 'DomainId' },
            },
          },
          // A new domain starts enabled (Status 0).
          ...(a.enabled ? [] : [{ action: 'DisableGlobalDomain', params: { DomainId: SELF_ID } }]),
        ],
        // The wait also reads the CNAME target (FullDomain), which the create's answer lacks.
        wait: domainStatus(
          SELF_ID,
          a.enabled ? ENABLED : DISABLED,
          `global domain ${name} ${a.enabled ? 'enabled' : 'disabled'}`,
          false,
          { cname: 'Domains.0.FullDomain' },
        ),
      });
    },
    update(node, live, groups, b) {
      const a = node.attrs;
      if (groups.includes('tags')) addTagStep('domain', node, live, b);
      if (groups.includes('userTags')) addUserTagStep('domain', node, live, b);
      if (groups.includes('attr')) {
        b.add({
          operation: 'update',
          summary: `ModifyGlobalDomainAttribute ${live.id} (default ${String(a.defaultValue)}, alias ${String(a.alias)}, project ${String(a.projectId)})`,
          calls: [
            {
              action: 'ModifyGlobalDomainAttribute',
              params: {
                DomainId: live.id,
                ProjectId: a.projectId,
                Alias: a.alias,
                DefaultValue: a.defaultValue,
              },
            },
          ],
        });
      }
      if (groups.includes('enabled')) {
        const action = a.enabled ? 'EnableGlobalDomain' : 'DisableGlobalDomain';
        b.add({
          operation: 'update',
          summary: `${action} ${live.id}`,
          calls: [{ action, params: { DomainId: live.id } }],
          wait: domainStatus(
            live.id,
            a.enabled ? ENABLED : DISABLED,
            `global domain ${live.id} ${a.enabled ? 'enabled' : 'disabled'}`,
          ),
        });
      }
    },
    delete(live, b) {
      // Disabled first, so it stops resolving before it disappears.
      if (live.attrs.enabled !== false || live.busy) {
        b.add({
          operation: 'update',
          summary: `DisableGlobalDomain ${live.id} before deleting it`,
          destructive: true,
          calls: [
            { action: 'DisableGlobalDomain', params: { DomainId: live.id }, okCodes: ['ResourceNotFound'] },
          ],
          wait: domainStatus(live.id, DISABLED, `global domain ${live.id} disabled`, true),
        });
      }
      b.add({
        operation: 'delete',
        summary: `DeleteGlobalDomain ${live.id} (${String(live.attrs.alias)})`,
        calls: [
          { action: 'DeleteGlobalDomain', params: { DomainId: live.id }, okCodes: ['ResourceNotFound'] },
        ],
      });
    },
  },
  desired(ctx) {
    return Object.entries(ctx.model.globalDomains ?? {}).map(([name, domain]) => ({
      address: addr.globalDomain(name),
      type: GLOBAL_DOMAIN,
      refs: [],
      attrs: {
        defaultValue: domain.defaultValue,
        alias: domain.alias ?? name,
        enabled: domain.enabled ?? true,
        projectId: ctx.projectId,
        ...desiredTagAttrs(ctx.stack, name, domain.protect, domain.tags),
      },
      protect: domain.protect ?? false,
      ...withSource(ctx.source(`globalDomains.${name}`)),
      spec: { name, domain },
    }));
  },
  prefetch: (ctx) => taggedDomains(ctx),
  async read(ctx) {
    const tagged = await taggedDomains(ctx);
    const adoptions = adoptionsOf(ctx, 'globalDomains');
    // A Filter takes at most 5 values.
    const byId = await Promise.all(
      chunks(
        missingIds(
          adoptions,
          tagged.map((d) => d.DomainId),
        ),
        5,
      ).map((ids) =>
        listAll(
          ctx.client,
          'DescribeGlobalDomains',
          { ProjectId: ALL_PROJECTS, Filters: [{ Name: 'DomainId', Values: ids }] },
          'Domains',
        ),
      ),
    );
    const items = [...tagged, ...byId.flat()];
    refuseMissingAdoptions(
      ctx,
      'globalDomains',
      items.map((d) => d.DomainId),
    );
    const out: LiveNode<GlobalDomainRaw>[] = [];
    for (const d of items) {
      // The TagSet filter matches any tag: ownership is checked here.
      const name = ownedName(ctx, adoptions, d.DomainId, d.TagSet, 'global domain');
      if (!name) continue;
      out.push({
        address: addr.globalDomain(name),
        type: GLOBAL_DOMAIN,
        id: d.DomainId,
        attrs: {
          defaultValue: d.DefaultValue,
          alias: d.Alias ?? '',
          // Disabling (2) is on its way to disabled, enabling (3) to enabled.
          enabled: d.Status === ENABLED || d.Status === ENABLING,
          projectId: d.ProjectId,
          ...liveTagAttrs(d.TagSet),
        },
        ...liveProtect(d.TagSet),
        ...(d.Status === ENABLED || d.Status === DISABLED
          ? {}
          : {
              busy:
                d.Status === DISABLING
                  ? 'disabling'
                  : d.Status === ENABLING
                    ? 'enabling'
                    : `Status ${d.Status}`,
            }),
        raw: { item: d },
      });
    }
    return out;
  },
  export: {
    section: 'globalDomains',
    toDesired(n) {
      const name = nameIn(n.address);
      return {
        defaultValue: String(n.attrs.defaultValue),
        ...(n.attrs.alias !== name ? { alias: String(n.attrs.alias) } : {}),
        ...(n.attrs.enabled === false ? { enabled: false } : {}),
        ...exportedProtect(n),
        ...exportUserTags(n.attrs),
      };
    },
  },
};

/** The stack's global domains, by its tag: needs nothing read before (started with the first stage). */
function taggedDomains(ctx: ReadContext): Promise<Domain[]> {
  return ctx.cached('DescribeGlobalDomains:stack', () =>
    listAll(
      ctx.client,
      'DescribeGlobalDomains',
      { ProjectId: ALL_PROJECTS, TagSet: [{ TagKey: STACK_TAG, TagValue: ctx.stack }] },
      'Domains',
    ),
  );
}
