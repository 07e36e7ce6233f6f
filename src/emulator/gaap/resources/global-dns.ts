import { fail, notFound } from '../errors.js';
import { countryArea, regionDetail } from '../regions.js';
import {
  type Busy,
  type Ctx,
  current,
  type Handler,
  ordered,
  type ResourceModule,
  startBusy,
} from '../state.js';
import { getGlobalDomain } from './global-domain.js';
import { getProxy } from './proxy.js';

export interface DnsRecordRec {
  seq: number;
  DnsRecordId: number;
  DomainId: string;
  ProxyIdList: string[];
  NationCountryInnerCodes: string[];
  /** 1 running; busy 2 creating, 3 modifying. */
  busy?: Busy<2 | 3>;
}

declare module '../state.js' {
  interface GaapTables {
    dnsRecords: Record<string, DnsRecordRec>;
  }
  interface GaapState {
    /** DNS records have numeric IDs, counted up. */
    nextDnsRecordId: number;
  }
}

function recordsOf(ctx: Ctx, domainId: string): DnsRecordRec[] {
  return ordered(ctx.state.dnsRecords).filter((r) => r.DomainId === domainId);
}

function checkRecord(ctx: Ctx, domainId: string, proxyIds: string[], codes: string[], self?: number): void {
  for (const id of proxyIds) getProxy(ctx, id);
  for (const c of codes) {
    if (!countryArea(c))
      fail('InvalidParameterValue', `Unknown country code ${c}; see DescribeCountryAreaMapping.`);
  }
  const taken = recordsOf(ctx, domainId).filter((r) => r.DnsRecordId !== self);
  const overlap = codes.find((c) => taken.some((r) => r.NationCountryInnerCodes.includes(c)));
  if (overlap) fail('InvalidParameterValue', `Country ${overlap} already has a record on ${domainId}.`);
}

const actions: Record<string, Handler> = {
  CreateGlobalDomainDns: (ctx, p) => {
    const d = getGlobalDomain(ctx, p.DomainId as string);
    const proxyIds = p.ProxyIdList as string[];
    const codes = p.NationCountryInnerCodes as string[];
    checkRecord(ctx, d.DomainId, proxyIds, codes);
    const id = ctx.state.nextDnsRecordId++;
    ctx.state.dnsRecords[String(id)] = {
      seq: ctx.nextSeq(),
      DnsRecordId: id,
      DomainId: d.DomainId,
      ProxyIdList: proxyIds,
      NationCountryInnerCodes: codes,
      busy: startBusy(ctx, 2, 'dns'),
    };
    // NOTE: the doc returns no record ID; find it with DescribeGlobalDomainDns.
    return {};
  },

  DescribeGlobalDomainDns: (ctx, p) => {
    const d = getGlobalDomain(ctx, p.DomainId as string);
    return {
      GlobalDnsList: recordsOf(ctx, d.DomainId).map((r) => ({
        DnsRecordId: r.DnsRecordId,
        CountryAreaList: r.NationCountryInnerCodes.map((c) => countryArea(c)!),
        AccessList: r.ProxyIdList.map((id) => {
          const x = ctx.state.proxies[id];
          const region = regionDetail(x?.AccessRegion ?? '');
          return {
            RegionId: region.RegionId,
            RegionName: region.RegionName,
            ProxyId: id,
            Vip: x?.IP ?? '',
            VipList: x ? [{ IP: x.IP, Provider: 'BGP', Bandwidth: x.Bandwidth }] : [],
            SourceRegionIdcType: 'dc',
          };
        }),
        Status: current(r, 1, ctx.now),
      })),
    };
  },

  ModifyGlobalDomainDns: (ctx, p) => {
    const d = getGlobalDomain(ctx, p.DomainId as string);
    const r = ctx.state.dnsRecords[String(p.DnsRecordId)];
    if (!r || r.DomainId !== d.DomainId) notFound('DNS record', String(p.DnsRecordId));
    const proxyIds = p.ProxyIdList as string[];
    const codes = p.NationCountryInnerCodes as string[];
    checkRecord(ctx, d.DomainId, proxyIds, codes, r.DnsRecordId);
    r.ProxyIdList = proxyIds;
    r.NationCountryInnerCodes = codes;
    r.busy = startBusy(ctx, 3, 'dns');
    return {};
  },

  DeleteGlobalDomainDns: (ctx, p) => {
    const key = String(p.DnsRecordId);
    if (!ctx.state.dnsRecords[key]) notFound('DNS record', key);
    delete ctx.state.dnsRecords[key];
    return {};
  },
};

/** The DNS records of a global domain: countries → proxies. */
export const globalDnsResource: ResourceModule<'dnsRecords'> = {
  table: 'dnsRecords',
  noun: 'DNS record',
  key: ['DnsRecordId'],
  actions,
  parents: [{ table: 'globalDomains', fields: ['DomainId'] }],
  references: { proxies: ['ProxyIdList'] },
  status: (ctx, r) => current(r, 1, ctx.now),
  busyName: 'dnsRecord',
  extraState: () => ({ nextDnsRecordId: 100 }),
};
