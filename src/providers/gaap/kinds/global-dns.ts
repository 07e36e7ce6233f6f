import type { GlobalDomainDesired } from '../../../model/gaap-desired-types.js';
import type { GaapKindModule } from '../engine/kind-module.js';
import { addr, liveOfKind } from '../engine/kind-module.js';
import type { DesiredNode, LiveNode, WaitSpec } from '../engine/node-types.js';
import { ID_OUTPUT, logicalName, SELF_ID, waitFor, withSource } from './common.js';
import { globalDomainKind } from './global-domain.js';

export const GLOBAL_DNS = 'gaap_global_dns';

/** GlobalDns.Status: 1 running; 2 creating, 3 modifying, 4 deleting (gaap-api.md §4). */
const RUNNING = 1;

interface DnsSpec {
  domain: string;
  countries: string[];
}

interface LiveDnsRaw {
  domainId: string;
  recordId: number;
  countries: string[];
}

export const globalDnsAddress = (domain: string, countries: readonly string[]) =>
  `${domain}.dns["${countries.join(',')}"]`;

const sortedUnique = (xs: readonly string[]) => [...new Set(xs)].sort();

/**
 * NOTE: DescribeGlobalDomainDns has no record filter and no paging: the record is picked out of
 * the domain's list by its ID (or, right after the create, by its countries).
 */
function recordRunning(domainId: unknown, recordId: unknown, what: string, goneIsReady = false): WaitSpec {
  return waitFor(what, {
    action: 'DescribeGlobalDomainDns',
    params: { DomainId: domainId },
    item: { items: 'GlobalDnsList', match: { DnsRecordId: recordId } },
    statusPath: 'Status',
    ready: goneIsReady ? [] : [RUNNING],
    ...(goneIsReady ? { goneIsReady } : {}),
  });
}

/**
 * DNS records of a global domain: which proxies a set of client countries resolves to. A record is
 * identified by its countries (a country is in at most one record of a domain); its proxies are a
 * full replace through ModifyGlobalDomainDns. Live references record → proxies make a proxy's
 * removal wait until no record points at it any more.
 */
type GlobalDnsDesired = NonNullable<GlobalDomainDesired['dns']>[number];

export const globalDnsKind: GaapKindModule<DnsSpec, LiveDnsRaw, GlobalDnsDesired, GlobalDomainDesired> = {
  readStage: 4,
  handler: {
    type: GLOBAL_DNS,
    updatable: { proxies: 'dns' },
    cascades: false,
    replaceOrder: 'delete-first',
    outputs: ID_OUTPUT,
    // A country moving from one record to another: the records giving countries up go first.
    createAfterSiblingDeletes: true,
    create(node, b) {
      const { spec } = node;
      const domainId = b.idOf(spec.domain);
      const proxies = node.attrs.proxies as string[];
      b.add({
        operation: 'create',
        summary: `CreateGlobalDomainDns countries ${spec.countries.join(',')} → ${proxies.length} prox${proxies.length === 1 ? 'y' : 'ies'}`,
        calls: [
          {
            action: 'CreateGlobalDomainDns',
            params: {
              DomainId: domainId,
              ProxyIdList: proxies.map((p) => b.idOf(p)),
              NationCountryInnerCodes: spec.countries,
            },
            // NOTE: the answer carries no record ID (gaap-api.md §5): it is found by its countries,
            // which no other record of the domain can hold.
            outputsFromLookup: true,
            lookup: {
              action: 'DescribeGlobalDomainDns',
              params: { DomainId: domainId },
              items: 'GlobalDnsList',
              match: {},
              matchSets: { 'CountryAreaList[].NationCountryInnerCode': spec.countries },
              outputs: { id: 'DnsRecordId' },
            },
          },
        ],
        wait: recordRunning(domainId, SELF_ID, `DNS record ${spec.countries.join(',')} running`),
      });
    },
    update(node, live, _groups, b) {
      const { spec } = node;
      const { raw } = live;
      const proxies = node.attrs.proxies as string[];
      b.add({
        operation: 'update',
        summary: `ModifyGlobalDomainDns ${live.id} → ${proxies.length} prox${proxies.length === 1 ? 'y' : 'ies'}`,
        calls: [
          {
            // NOTE: every field is required: a full replace of the record.
            action: 'ModifyGlobalDomainDns',
            params: {
              DnsRecordId: raw.recordId,
              DomainId: raw.domainId,
              NationCountryInnerCodes: spec.countries,
              ProxyIdList: proxies.map((p) => b.idOf(p)),
            },
          },
        ],
        wait: recordRunning(raw.domainId, raw.recordId, `DNS record ${live.id} running`),
      });
    },
    delete(live, b) {
      const { raw } = live;
      b.add({
        operation: 'delete',
        summary: `DeleteGlobalDomainDns ${live.id} (countries ${raw.countries.join(',')})`,
        calls: [
          {
            action: 'DeleteGlobalDomainDns',
            params: { DnsRecordId: raw.recordId },
            okCodes: ['ResourceNotFound'],
          },
        ],
        // Status 4 (deleting) still holds the countries and keeps the domain from being deleted.
        wait: recordRunning(raw.domainId, raw.recordId, `DNS record ${live.id} deleted`, true),
      });
    },
  },
  desired(ctx) {
    const out: DesiredNode<DnsSpec>[] = [];
    for (const [name, domain] of Object.entries(ctx.model.globalDomains ?? {})) {
      const parent = addr.globalDomain(name);
      (domain.dns ?? []).forEach((record, i) => {
        const countries = sortedUnique(record.countries);
        const proxies = sortedUnique(record.proxies.map((p) => addr.proxy(p)));
        out.push({
          address: globalDnsAddress(parent, countries),
          type: GLOBAL_DNS,
          parent,
          refs: proxies,
          attrs: { countries, proxies },
          protect: domain.protect ?? false,
          ...withSource(ctx.source(`globalDomains.${name}.dns.${i}`)),
          spec: { domain: parent, countries },
        });
      });
    }
    return out;
  },
  async read(ctx) {
    const domains = liveOfKind(globalDomainKind, ctx.live);
    const found = await Promise.all(
      domains.map(async (d) => {
        const res = await ctx.client.call('DescribeGlobalDomainDns', { DomainId: d.id });
        return (res.GlobalDnsList ?? []).map((r): LiveNode<LiveDnsRaw> => {
          const countries = sortedUnique((r.CountryAreaList ?? []).map((c) => c.NationCountryInnerCode));
          const proxyIds = sortedUnique((r.AccessList ?? []).map((x) => x.ProxyId));
          const proxies = sortedUnique(proxyIds.map((id) => ctx.addressOfId.get(id) ?? `id:${id}`));
          const address = globalDnsAddress(d.address, countries);
          ctx.liveRefs.set(address, proxies);
          return {
            address,
            type: GLOBAL_DNS,
            parent: d.address,
            id: String(r.DnsRecordId),
            attrs: { countries, proxies },
            ...(r.Status === RUNNING ? {} : { busy: `Status ${r.Status}` }),
            raw: { domainId: d.id, recordId: r.DnsRecordId, countries },
          };
        });
      }),
    );
    return found.flat();
  },
  export: {
    toDesired(r, ctx) {
      const proxies = r.attrs.proxies as string[];
      const names = proxies.flatMap((p) => logicalName(p, 'proxy') ?? []);
      if (names.length !== proxies.length) {
        ctx.warn(
          `${r.address}: points at a proxy the stack does not own (${proxies.join(', ')}); left out, so plan will propose deleting it`,
        );
        return undefined;
      }
      return { proxies: names, countries: r.attrs.countries as string[] };
    },
    attach(domain, entry) {
      const dns = domain.dns ?? [];
      dns.push(entry);
      domain.dns = dns;
    },
  },
};
