import { describe, expect, it } from 'vitest';
import type { InquiryPriceCreateProxyResponse } from '../../../src/providers/gaap/gaap-types.js';
import { type Inquiry, priceOf } from '../../../src/providers/gaap/prices.js';

// The answer of the seed's InquiryPriceCreateProxy example (GAAP API 2018-05-29).
const SEED: InquiryPriceCreateProxyResponse = {
  ProxyDailyPrice: 80.64,
  DiscountProxyDailyPrice: 80.64,
  BandwidthUnitPrice: [
    { BandwidthRange: [0, 20], BandwidthUnitPrice: 130, DiscountBandwidthUnitPrice: 130 },
    { BandwidthRange: [20, 100], BandwidthUnitPrice: 90, DiscountBandwidthUnitPrice: 90 },
    { BandwidthRange: [100, 500], BandwidthUnitPrice: 70, DiscountBandwidthUnitPrice: 70 },
    { BandwidthRange: [500, 2000], BandwidthUnitPrice: 60, DiscountBandwidthUnitPrice: 60 },
    { BandwidthRange: [2000, -1], BandwidthUnitPrice: 50, DiscountBandwidthUnitPrice: 50 },
  ],
  Currency: 'CNY',
  FlowUnitPrice: null,
  DiscountFlowUnitPrice: null,
  Cn2BandwidthPrice: 0,
  Cn2BandwidthPriceWithDiscount: 0,
  RequestId: 'd04ffc2a-5c92-455c-b1b1-1d4e460a63e2',
};

const inquiry = (over: Partial<Inquiry>): Inquiry => ({
  AccessRegion: 'Guangzhou',
  RealServerRegion: 'Shanghai',
  Bandwidth: 10,
  Concurrent: 2,
  IPAddressVersion: 'IPv4',
  NetworkType: 'normal',
  PackageType: 'Thunder',
  BillingType: 0,
  ...over,
});

describe('the price of a new proxy from an InquiryPriceCreateProxy answer', () => {
  it('billed by bandwidth: the daily fee plus the bandwidth at its gradient step (the upper bound belongs to the step)', () => {
    expect(priceOf(inquiry({}), SEED)).toEqual({
      currency: 'CNY',
      perDay: 1380.64,
      base: 80.64,
      bandwidth: 1300,
    });
    expect(priceOf(inquiry({ Bandwidth: 20 }), SEED)?.bandwidth).toBe(2600);
    expect(priceOf(inquiry({ Bandwidth: 50 }), SEED)?.bandwidth).toBe(4500);
    // -1 closes no range: 5000 Mbps is in the last step.
    expect(priceOf(inquiry({ Bandwidth: 5000 }), SEED)?.bandwidth).toBe(250000);
  });

  it('uses the discounted prices, and adds the CN2 bandwidth price on a cn2 network', () => {
    const discounted = { ...SEED, DiscountProxyDailyPrice: 56.84, Cn2BandwidthPriceWithDiscount: 2.5 };
    expect(priceOf(inquiry({}), discounted)?.perDay).toBe(1356.84);
    expect(priceOf(inquiry({ NetworkType: 'cn2' }), discounted)).toEqual({
      currency: 'CNY',
      perDay: 1381.84,
      base: 56.84,
      bandwidth: 1325,
    });
  });

  it('billed by traffic: the daily fee, and the price per GB when the API gives one', () => {
    expect(priceOf(inquiry({ BillingType: 1 }), SEED)).toEqual({
      currency: 'CNY',
      perDay: 80.64,
      base: 80.64,
    });
    expect(
      priceOf(inquiry({ BillingType: 1 }), { ...SEED, FlowUnitPrice: 1, DiscountFlowUnitPrice: 0.8 }),
    ).toEqual({ currency: 'CNY', perDay: 80.64, base: 80.64, perGB: 0.8 });
  });
});
