import { fail } from './errors.js';
import seedRegions from './seed-regions.json' with { type: 'json' };
import type { Handler } from './state.js';

/**
 * Region and country data from the seed's example answers (scripts/extract-seed-examples.mjs
 * writes seed-regions.json; test/emulator/seed-fixtures.test.ts proves it current).
 * NOTE: the seed marks the old area IDs as replaced ("上海（原中国大陆-华东大区）"), yet its own
 * CheckProxyCreate and CreateProxyGroup examples still send them. The emulator accepts a replaced
 * ID wherever a region is asked for and keeps it as sent, but lists only current IDs.
 */
export interface Region {
  RegionId: string;
  RegionName: string;
  RegionArea: string;
  RegionAreaName: string;
  IDCType: string;
  FeatureBitmap: number;
}

interface SeedCountry {
  code: string;
  name: string;
  level: 'area' | 'country';
  zone?: string;
  continent?: string;
}

const regionData = seedRegions as {
  regions: Partial<Region>[];
  replaced: Record<string, string>;
  countries: SeedCountry[];
};

const complete = (r: Partial<Region> & { RegionId: string }): Region => ({
  RegionId: r.RegionId,
  RegionName: r.RegionName ?? r.RegionId,
  RegionArea: r.RegionArea ?? r.RegionId,
  RegionAreaName: r.RegionAreaName ?? r.RegionArea ?? r.RegionId,
  IDCType: r.IDCType ?? 'dc',
  FeatureBitmap: r.FeatureBitmap ?? 0,
});

/** The current region IDs (33), as the seed's DescribeRegionAndPrice and Describe*Regions list them. */
export const REGIONS: readonly Region[] = regionData.regions.map((r) =>
  complete({ ...r, RegionId: r.RegionId! }),
);

/** Old area ID → the city region that replaced it (NorthChina → Beijing, ...). */
export const REPLACED_REGIONS: Readonly<Record<string, string>> = regionData.replaced;

const knownRegion = (id: string) =>
  REGIONS.some((r) => r.RegionId === id) || Object.hasOwn(REPLACED_REGIONS, id);

export const BANDWIDTHS = [10, 20, 50, 100, 200, 500, 1000] as const;
export const CONCURRENTS = [2, 5, 10, 20, 30] as const;

export function regionDetail(id: string) {
  const current = REGIONS.find((x) => x.RegionId === id);
  const successor = REGIONS.find((x) => x.RegionId === REPLACED_REGIONS[id]);
  // A replaced area ID keeps its own ID and takes the area of the region that replaced it.
  const r =
    current ?? (successor ? { ...successor, RegionId: id, RegionName: successor.RegionAreaName } : undefined);
  return {
    ...complete(r ?? { RegionId: id }),
    SupportFeature: { NetworkType: ['normal', 'cn2'] },
  };
}

export function checkAccessRegion(id: string): void {
  if (!knownRegion(id)) {
    fail(
      'InvalidParameterValue.UnknownAccessRegion',
      `Unknown access region \`${id}\`; DescribeAccessRegions lists the valid IDs (e.g. Guangzhou, Shanghai, Hongkong).`,
    );
  }
}

export function checkDestRegion(id: string): void {
  if (!knownRegion(id))
    fail(
      'InvalidParameterValue.UnknownDestRegion',
      `Unknown origin region \`${id}\`; DescribeDestRegions lists the valid IDs (e.g. Beijing, Shanghai, Virginia).`,
    );
}

/** Allowed values come from DescribeAccessRegionsByDestRegion, so creates are checked against them. */
export function checkCapacity(bandwidth: number | undefined, concurrent: number | undefined): void {
  if (bandwidth !== undefined && !(BANDWIDTHS as readonly number[]).includes(bandwidth)) {
    fail(
      'InvalidParameterValue.InvalidBandwidth',
      `Bandwidth ${bandwidth} is not offered; see BandwidthList.`,
    );
  }
  if (concurrent !== undefined && !(CONCURRENTS as readonly number[]).includes(concurrent)) {
    fail(
      'InvalidParameterValue.InvalidConcurrency',
      `Concurrent ${concurrent} is not offered; see ConcurrentList.`,
    );
  }
}

const countryByCode = new Map(regionData.countries.map((c) => [c.code, c]));

/**
 * NationCountryInnerCode → its mapping entry. Countries come from the seed's examples; a zone or
 * continent code (101000 东亚, 100000 亚洲), which the seed's ModifyGlobalDomainDns example sends,
 * stands for itself.
 */
function mapping(c: SeedCountry) {
  const zone = countryByCode.get(c.zone ?? c.code);
  const continent = countryByCode.get(c.continent ?? c.code);
  return {
    NationCountryName: c.name,
    NationCountryInnerCode: c.code,
    GeographicalZoneName: zone?.name ?? c.name,
    GeographicalZoneInnerCode: zone?.code ?? c.code,
    ContinentName: continent?.name ?? c.name,
    ContinentInnerCode: continent?.code ?? c.code,
    Remark: '',
  };
}

export const COUNTRY_AREAS = regionData.countries.filter((c) => c.level === 'country').map(mapping);

export function countryArea(code: string) {
  const c = countryByCode.get(code);
  return c ? mapping(c) : undefined;
}

const PRICE_GRADIENT = [
  { BandwidthRange: [0, 50], BandwidthUnitPrice: 1.2, DiscountBandwidthUnitPrice: 1.2 },
  { BandwidthRange: [50, 200], BandwidthUnitPrice: 1.0, DiscountBandwidthUnitPrice: 1.0 },
  { BandwidthRange: [200, 1000], BandwidthUnitPrice: 0.8, DiscountBandwidthUnitPrice: 0.8 },
];

export const regionHandlers: Record<string, Handler> = {
  DescribeAccessRegions: () => ({
    TotalCount: REGIONS.length,
    AccessRegionSet: REGIONS.map((r) => regionDetail(r.RegionId)),
  }),
  DescribeDestRegions: () => ({
    TotalCount: REGIONS.length,
    DestRegionSet: REGIONS.map((r) => regionDetail(r.RegionId)),
  }),
  DescribeAccessRegionsByDestRegion: (_ctx, p) => {
    checkDestRegion(p.DestRegion as string);
    const set = REGIONS.map((r) => {
      const { SupportFeature: _s, ...d } = regionDetail(r.RegionId);
      return { ...d, BandwidthList: [...BANDWIDTHS], ConcurrentList: [...CONCURRENTS] };
    });
    return { TotalCount: set.length, AccessRegionSet: set };
  },
  DescribeRegionAndPrice: () => ({
    TotalCount: REGIONS.length,
    DestRegionSet: REGIONS.map((r) => regionDetail(r.RegionId)),
    BandwidthUnitPrice: PRICE_GRADIENT,
    Currency: 'CNY',
  }),
  DescribeCountryAreaMapping: () => ({ CountryAreaMappingList: COUNTRY_AREAS }),
  CheckProxyCreate: (_ctx, p) => {
    checkAccessRegion(p.AccessRegion as string);
    checkDestRegion(p.RealServerRegion as string);
    checkCapacity(p.Bandwidth as number, p.Concurrent as number);
    return { CheckFlag: 1 };
  },
  InquiryPriceCreateProxy: (_ctx, p) => {
    checkAccessRegion(p.AccessRegion as string);
    const dest = (p.RealServerRegion ?? p.DestRegion) as string | undefined;
    if (dest !== undefined) checkDestRegion(dest);
    const concurrent = (p.Concurrent ?? p.Concurrency) as number;
    checkCapacity(p.Bandwidth as number, concurrent);
    // A simple deterministic price: base fee by concurrency plus bandwidth.
    const daily = Math.round((concurrent * 2 + (p.Bandwidth as number) * 0.5) * 100) / 100;
    return {
      ProxyDailyPrice: daily,
      BandwidthUnitPrice: PRICE_GRADIENT,
      DiscountProxyDailyPrice: daily,
      Currency: 'CNY',
      FlowUnitPrice: 0.8,
      DiscountFlowUnitPrice: 0.8,
      Cn2BandwidthPrice: 2.5,
      Cn2BandwidthPriceWithDiscount: 2.5,
    };
  },
  DescribeBlackHeader: () => ({ BlackHeaders: BLACK_HEADERS }),
};

/** Header names CreateCustomHeader refuses (InvalidParameterValue.HitBlacklist). */
export const BLACK_HEADERS = [
  'Host',
  'Connection',
  'Content-Length',
  'Transfer-Encoding',
  'Upgrade',
  'X-Forwarded-For',
  'X-Real-IP',
  'Keep-Alive',
];
