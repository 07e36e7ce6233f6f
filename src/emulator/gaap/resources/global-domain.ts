import { fail, notFound } from '../errors.js';
import {
  type Busy,
  type Ctx,
  current,
  type Handler,
  list,
  matchesAnyTag,
  ordered,
  page,
  type ResourceModule,
  secondsOf,
  startBusy,
  str,
  type TagPair,
} from '../state.js';
import type { ValueRule } from '../validation-rules.js';

export interface GlobalDomainRec {
  seq: number;
  DomainId: string;
  ProjectId: number;
  DefaultValue: string;
  Alias: string;
  TagSet: TagPair[];
  CreateTime: number;
  UpdateTime: number;
  /** 0 enabled, 1 disabled; busy 2 disabling, 3 enabling. */
  stable: 0 | 1;
  busy?: Busy<2 | 3>;
}

declare module '../state.js' {
  interface GaapTables {
    globalDomains: Record<string, GlobalDomainRec>;
  }
}

export function getGlobalDomain(ctx: Ctx, id: string): GlobalDomainRec {
  const d = ctx.state.globalDomains[id];
  if (!d) notFound('global domain', id);
  return d;
}

const FILTERS: Record<string, (d: GlobalDomainRec) => string> = {
  DomainId: (d) => d.DomainId,
  FullDomain: (d) => fullDomain(d),
  Alias: (d) => d.Alias,
  DefaultValue: (d) => d.DefaultValue,
};

const fullDomain = (d: GlobalDomainRec) => `${d.DomainId}.gaapglobal.com`;

function domainOut(ctx: Ctx, d: GlobalDomainRec) {
  const records = ctx.rel.children('dnsRecords', 'globalDomains', d.DomainId);
  const proxies = new Set(records.flatMap((r) => r.ProxyIdList));
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

const actions: Record<string, Handler> = {
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
    const d = getGlobalDomain(ctx, p.DomainId as string);
    d.ProjectId = p.ProjectId as number;
    const alias = str(p, 'Alias');
    if (alias !== undefined) d.Alias = alias;
    const def = str(p, 'DefaultValue');
    if (def !== undefined) d.DefaultValue = def;
    d.UpdateTime = secondsOf(ctx.now);
    return {};
  },

  EnableGlobalDomain: (ctx, p) => {
    const d = getGlobalDomain(ctx, p.DomainId as string);
    if (current(d, d.stable, ctx.now) !== 0) {
      d.stable = 0;
      d.busy = startBusy(ctx, 3, 'globalDomain');
    }
    return {};
  },

  DisableGlobalDomain: (ctx, p) => {
    const d = getGlobalDomain(ctx, p.DomainId as string);
    if (current(d, d.stable, ctx.now) !== 1) {
      d.stable = 1;
      d.busy = startBusy(ctx, 2, 'globalDomain');
    }
    return {};
  },

  DeleteGlobalDomain: (ctx, p) => {
    const d = getGlobalDomain(ctx, p.DomainId as string);
    // NOTE: the doc does not say whether DNS records must go first; the emulator insists.
    if (ctx.rel.children('dnsRecords', 'globalDomains', d.DomainId).length > 0)
      fail('ResourceInUse', 'Delete the DNS records of the domain first.');
    delete ctx.state.globalDomains[d.DomainId];
    return {};
  },
};

/** Value rules of its parameters (validation-rules.ts). */
const valueRules: Readonly<Record<string, ValueRule>> = {
  'DescribeGlobalDomains.ProjectId': { min: -1 },
  'DescribeGlobalDomains.TagSet': { maxItems: 5 },
};

/** Global domains (nearest-proxy DNS); their DNS records (global-dns.ts) hang off them. */
export const globalDomainResource: ResourceModule<'globalDomains'> = {
  table: 'globalDomains',
  noun: 'global domain',
  key: ['DomainId'],
  ownIds: true,
  actions,
  // NOTE: DescribeResourcesByTag documents Proxy, ProxyGroup and RealServer only: not listed there.
  tags: { prefix: 'domain' },
  status: (ctx, d) => current(d, d.stable, ctx.now),
  busyName: 'globalDomain',
  valueRules,
};
