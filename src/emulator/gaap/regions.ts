import { fail } from './errors.js';
import type { Handler } from './state.js';

/**
 * Fixed region data. NOTE: region IDs follow the doc's examples (SouthChina, EastChina, ...);
 * the live API's list differs per account and changes over time.
 */
export interface Region {
  RegionId: string;
  RegionName: string;
  RegionArea: string;
  RegionAreaName: string;
  IDCType: string;
}

export const REGIONS: readonly Region[] = [
  {
    RegionId: 'SouthChina',
    RegionName: '华南地区（广州）',
    RegionArea: 'SouthChina',
    RegionAreaName: '华南地区',
    IDCType: 'dc',
  },
  {
    RegionId: 'EastChina',
    RegionName: '华东地区（上海）',
    RegionArea: 'EastChina',
    RegionAreaName: '华东地区',
    IDCType: 'dc',
  },
  {
    RegionId: 'NorthChina',
    RegionName: '华北地区（北京）',
    RegionArea: 'NorthChina',
    RegionAreaName: '华北地区',
    IDCType: 'dc',
  },
  {
    RegionId: 'Hongkong',
    RegionName: '中国香港',
    RegionArea: 'Hongkong',
    RegionAreaName: '港澳台地区',
    IDCType: 'dc',
  },
  {
    RegionId: 'SEAsia',
    RegionName: '东南亚（新加坡）',
    RegionArea: 'SEAsia',
    RegionAreaName: '东南亚',
    IDCType: 'dc',
  },
  {
    RegionId: 'NorthAmerica',
    RegionName: '美国西部（硅谷）',
    RegionArea: 'NorthAmerica',
    RegionAreaName: '北美',
    IDCType: 'dc',
  },
  {
    RegionId: 'Europe',
    RegionName: '欧洲（法兰克福）',
    RegionArea: 'Europe',
    RegionAreaName: '欧洲',
    IDCType: 'dc',
  },
];

export const BANDWIDTHS = [10, 20, 50, 100, 200, 500, 1000] as const;
export const CONCURRENTS = [2, 5, 10, 20, 30] as const;

export function regionDetail(id: string) {
  const r = REGIONS.find((x) => x.RegionId === id);
  return {
    RegionId: id,
    RegionName: r?.RegionName ?? id,
    RegionArea: r?.RegionArea ?? id,
    RegionAreaName: r?.RegionAreaName ?? id,
    IDCType: r?.IDCType ?? 'dc',
    FeatureBitmap: 0,
    SupportFeature: { NetworkType: ['normal', 'cn2'] },
  };
}

export function checkAccessRegion(id: string): void {
  if (!REGIONS.some((r) => r.RegionId === id)) {
    fail('InvalidParameterValue.UnknownAccessRegion', `Unknown access region \`${id}\`.`);
  }
}

export function checkDestRegion(id: string): void {
  if (!REGIONS.some((r) => r.RegionId === id))
    fail('InvalidParameterValue.UnknownDestRegion', `Unknown origin region \`${id}\`.`);
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

const COUNTRIES = [
  ['中国', '101001', '华南', '101000', '亚洲', '100000'],
  ['中国香港', '101002', '港澳台', '101100', '亚洲', '100000'],
  ['新加坡', '102001', '东南亚', '102000', '亚洲', '100000'],
  ['日本', '103001', '东北亚', '103000', '亚洲', '100000'],
  ['美国', '201001', '北美', '201000', '北美洲', '200000'],
  ['德国', '301001', '西欧', '301000', '欧洲', '300000'],
] as const;

export const COUNTRY_AREAS = COUNTRIES.map(([n, c, g, gc, ct, ctc]) => ({
  NationCountryName: n,
  NationCountryInnerCode: c,
  GeographicalZoneName: g,
  GeographicalZoneInnerCode: gc,
  ContinentName: ct,
  ContinentInnerCode: ctc,
  Remark: '',
}));

export function countryArea(code: string) {
  return COUNTRY_AREAS.find((c) => c.NationCountryInnerCode === code);
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
