import type { GlobalDomainDesired } from '../../../model/gaap-desired-types.js';
import type { GaapKindModule, ReadContext } from '../engine/kind-module.js';
import { addr, liveOfKind } from '../engine/kind-module.js';
import type { DesiredNode, LiveNode, WaitSpec } from '../engine/node-types.js';
import { ID_OUTPUT, logicalName, SELF_ID, waitFor, withSource } from './common.js';
import { globalDomainKind } from './global-domain.js';

export const GLOBAL_DNS = 'gaap_global_dns';

/**
 * GlobalDns.Status: 1 running; 2 creating, 3 modifying, 4 deleting (GAAP API, DescribeGlobalDomainDns).
 */
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
 * full replace through ModifyGlobalDomainDns, and so are its countries: a live record whose
 * countries nothing declares, with the proxies of exactly one declared record that is not live, is
 * that record with its country list changed, modified in place (deleting and re-creating it would
 * send those countries to the default in between). Live references record → proxies make a proxy's
 * removal wait until no record points at it any more.
 */
type GlobalDnsDesired = NonNullable<GlobalDomainDesired['dns']>[number];

export const globalDnsKind: GaapKindModule<DnsSpec, LiveDnsRaw, GlobalDnsDesired, GlobalDomainDesired> = {
  readStage: 4,
  apiActions: [
    'CreateGlobalDomainDns',
    'DeleteGlobalDomainDns',
    'DescribeGlobalDomainDns',
    'ModifyGlobalDomainDns',
  ],
  handler: {
    type: GLOBAL_DNS,
    updatable: { proxies: 'dns', countries: 'dns' },
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
            // NOTE: the answer carries no record ID (GAAP API, CreateGlobalDomainDns): it is found by
            // its countries, which no other record of the domain can hold.
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
        summary: `ModifyGlobalDomainDns ${live.id} → countries ${spec.countries.join(',')}, ${proxies.length} prox${proxies.length === 1 ? 'y' : 'ies'}`,
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
        const records = (res.GlobalDnsList ?? []).map((r) => {
          const countries = sortedUnique((r.CountryAreaList ?? []).map((c) => c.NationCountryInnerCode));
          const proxyIds = sortedUnique((r.AccessList ?? []).map((x) => x.ProxyId));
          const proxies = sortedUnique(proxyIds.map((id) => ctx.addressOfId.get(id) ?? `id:${id}`));
          return { r, countries, proxies };
        });
        const addressOf = pairChangedCountries(d.address, records, declaredRecords(ctx, d.address));
        return records.map(({ r, countries, proxies }, i): LiveNode<LiveDnsRaw> => {
          const address = addressOf[i]!;
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

/** The declared records of a global domain: sorted countries and proxy addresses. */
function declaredRecords(ctx: ReadContext, domain: string): { countries: string[]; proxies: string[] }[] {
  const entry = Object.entries(ctx.model.globalDomains ?? {}).find(
    ([name]) => addr.globalDomain(name) === domain,
  );
  return (entry?.[1].dns ?? []).map((record) => ({
    countries: sortedUnique(record.countries),
    proxies: sortedUnique(record.proxies.map((p) => addr.proxy(p))),
  }));
}

/**
 * Each live record's address: by its countries, or — when nothing declares its countries — the
 * address of the one declared record with the same proxies that is not live, provided no other
 * live record holds any of that record's countries (a country moving between two records needs
 * the giving record changed first, which only delete-then-create orders).
 */
function pairChangedCountries(
  domain: string,
  live: readonly { countries: string[]; proxies: string[] }[],
  declared: readonly { countries: string[]; proxies: string[] }[],
): string[] {
  const key = (xs: readonly string[]) => xs.join(',');
  const liveKeys = new Set(live.map((r) => key(r.countries)));
  const declaredKeys = new Set(declared.map((r) => key(r.countries)));
  const open = declared.filter((d) => !liveKeys.has(key(d.countries)));
  const taken = new Set<string>();
  return live.map((r, i) => {
    const own = globalDnsAddress(domain, r.countries);
    if (declaredKeys.has(key(r.countries))) return own;
    const same = open.filter((d) => key(d.proxies) === key(r.proxies));
    const others = live.filter((_, j) => j !== i).flatMap((o) => o.countries);
    const twins = live.filter(
      (o) => !declaredKeys.has(key(o.countries)) && key(o.proxies) === key(r.proxies),
    );
    const target = same[0];
    if (same.length !== 1 || twins.length !== 1 || !target || taken.has(key(target.countries))) return own;
    if (target.countries.some((c) => others.includes(c))) return own;
    taken.add(key(target.countries));
    return globalDnsAddress(domain, target.countries);
  });
}
