import { fail, notFound } from './errors.js';
import { countryArea, regionDetail } from './regions.js';
import { getProxy } from './relations.js';
import {
  type Ctx,
  current,
  type DnsRecordRec,
  type GlobalDomainRec,
  type Handler,
  list,
  matchesAnyTag,
  ordered,
  page,
  secondsOf,
  startBusy,
  str,
  type TagPair,
} from './state.js';

function getDomain(ctx: Ctx, id: string): GlobalDomainRec {
  const d = ctx.state.globalDomains[id];
  if (!d) notFound('global domain', id);
  return d;
}

function recordsOf(ctx: Ctx, domainId: string): DnsRecordRec[] {
  return ordered(ctx.state.dnsRecords).filter((r) => r.DomainId === domainId);
}

const FILTERS: Record<string, (d: GlobalDomainRec) => string> = {
  DomainId: (d) => d.DomainId,
  FullDomain: (d) => fullDomain(d),
  Alias: (d) => d.Alias,
  DefaultValue: (d) => d.DefaultValue,
};

const fullDomain = (d: GlobalDomainRec) => `${d.DomainId}.gaapglobal.com`;

function domainOut(ctx: Ctx, d: GlobalDomainRec) {
  const proxies = new Set(recordsOf(ctx, d.DomainId).flatMap((r) => r.ProxyIdList));
  return {
    DomainId: d.DomainId,
    FullDomain: fullDomain(d),
    Alias: d.Alias,
    Type: 'Global',
    Status: current(d, d.stable, ctx.now),
    ProjectId: d.ProjectId,
    DefaultValue: d.DefaultValue,
    ProxyCount: proxies.size,
    CreateTime: d.CreateTime,
    UpdateTime: d.UpdateTime,
    TagSet: d.TagSet,
    BanStatus: 'RECOVER',
  };
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

export const globalDomainHandlers: Record<string, Handler> = {
  CreateGlobalDomain: (ctx, p) => {
    const id = ctx.newId('dm');
    ctx.state.globalDomains[id] = {
      seq: ctx.nextSeq(),
      DomainId: id,
      ProjectId: p.ProjectId as number,
      DefaultValue: p.DefaultValue as string,
      Alias: str(p, 'Alias') ?? '',
      TagSet: list<TagPair>(p, 'TagSet') ?? [],
      CreateTime: secondsOf(ctx.now),
      UpdateTime: secondsOf(ctx.now),
      stable: 0,
    };
    return { DomainId: id };
  },

  DescribeGlobalDomains: (ctx, p) => {
    const project = p.ProjectId as number;
    let items = ordered(ctx.state.globalDomains).filter((d) => project === -1 || d.ProjectId === project);
    for (const f of list<{ Name: string; Values: string[] }>(p, 'Filters') ?? []) {
      const get = FILTERS[f.Name];
      if (!get)
        fail('InvalidParameterValue', `Unknown filter ${f.Name}; use ${Object.keys(FILTERS).join(', ')}.`);
      items = items.filter((d) => f.Values.includes(get(d)));
    }
    const tags = list<TagPair>(p, 'TagSet');
    items = items.filter((d) => matchesAnyTag(d.TagSet, tags));
    return { Domains: page(items, p).map((d) => domainOut(ctx, d)), TotalCount: items.length };
  },

  ModifyGlobalDomainAttribute: (ctx, p) => {
    const d = getDomain(ctx, p.DomainId as string);
    d.ProjectId = p.ProjectId as number;
    const alias = str(p, 'Alias');
    if (alias !== undefined) d.Alias = alias;
    const def = str(p, 'DefaultValue');
    if (def !== undefined) d.DefaultValue = def;
    d.UpdateTime = secondsOf(ctx.now);
    return {};
  },

  EnableGlobalDomain: (ctx, p) => {
    const d = getDomain(ctx, p.DomainId as string);
    if (current(d, d.stable, ctx.now) !== 0) {
      d.stable = 0;
      d.busy = startBusy(ctx, 3, 'globalDomain');
    }
    return {};
  },

  DisableGlobalDomain: (ctx, p) => {
    const d = getDomain(ctx, p.DomainId as string);
    if (current(d, d.stable, ctx.now) !== 1) {
      d.stable = 1;
      d.busy = startBusy(ctx, 2, 'globalDomain');
    }
    return {};
  },

  DeleteGlobalDomain: (ctx, p) => {
    const d = getDomain(ctx, p.DomainId as string);
    // NOTE: the doc does not say whether DNS records must go first; the emulator insists.
    if (recordsOf(ctx, d.DomainId).length > 0)
      fail('ResourceInUse', 'Delete the DNS records of the domain first.');
    delete ctx.state.globalDomains[d.DomainId];
    return {};
  },

  CreateGlobalDomainDns: (ctx, p) => {
    const d = getDomain(ctx, p.DomainId as string);
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
    const d = getDomain(ctx, p.DomainId as string);
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
    const d = getDomain(ctx, p.DomainId as string);
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
