import type { GaapDesired } from '../../model/gaap-desired-types.js';
import type { ProxyPrice } from '../../planner/plan-types.js';
import { addr } from './engine/kind-module.js';
import type { LiveNode } from './engine/node-types.js';
import type { GaapCaller } from './gaap-client.js';
import { isGaapApiError } from './gaap-errors.js';
import type { InquiryPriceCreateProxyResponse } from './gaap-types.js';

export type Inquiry = {
  AccessRegion: string;
  RealServerRegion: string;
  Bandwidth: number;
  Concurrent: number;
  IPAddressVersion: string;
  NetworkType: string;
  PackageType: string;
  BillingType: number;
};

/**
 * The list price of each proxy the plan creates, from `InquiryPriceCreateProxy` (one call per
 * distinct combination of regions, capacity, IP version, network, package and billing type; none
 * when the plan creates no proxy). A proxy of a group is priced with its group, which has no
 * inquiry call, so it is left out; so is a proxy the plan replaces.
 *
 * NOTE: the price per day is the discounted base fee (`DiscountProxyDailyPrice`, 元/天) plus, billed
 * by bandwidth (`billingType: 0`), the bandwidth times the discounted unit price of the gradient
 * step it falls in (`BandwidthPriceGradient.DiscountBandwidthUnitPrice`, 元/Mbps/天; a range's
 * upper bound -1 is open) — and for `networkType: cn2` the bandwidth times
 * `Cn2BandwidthPriceWithDiscount` (元/Mbps/天). Billed by traffic (`billingType: 1`), the base fee
 * is per day and the traffic per GB (`DiscountFlowUnitPrice`). A failed inquiry is no plan error
 * (the price is information; the catalog checks judge what is on sale): that proxy shows no price.
 */
export async function pricesOfNewProxies(
  model: GaapDesired,
  live: readonly LiveNode[],
  client: GaapCaller,
): Promise<Map<string, ProxyPrice>> {
  const have = new Set(live.map((n) => n.address));
  const wanted: { address: string; inquiry: Inquiry; key: string }[] = [];
  for (const [name, p] of Object.entries(model.proxies ?? {})) {
    const address = addr.proxy(name);
    if (have.has(address) || p.adopt || p.group || p.realServerRegion === undefined) continue;
    const inquiry: Inquiry = {
      AccessRegion: p.accessRegion,
      RealServerRegion: p.realServerRegion,
      Bandwidth: p.bandwidth,
      Concurrent: p.concurrent,
      IPAddressVersion: p.ipVersion ?? 'IPv4',
      NetworkType: p.networkType ?? 'normal',
      PackageType: p.packageType ?? 'Thunder',
      BillingType: p.billingType ?? 0,
    };
    wanted.push({ address, inquiry, key: JSON.stringify(inquiry) });
  }
  const keys = [...new Set(wanted.map((w) => w.key))];
  const answers = new Map(
    await Promise.all(
      keys.map(async (key) => {
        const inquiry = wanted.find((w) => w.key === key)!.inquiry;
        try {
          return [key, priceOf(inquiry, await client.call('InquiryPriceCreateProxy', inquiry))] as const;
        } catch (e) {
          if (isGaapApiError(e)) return [key, undefined] as const;
          throw e;
        }
      }),
    ),
  );
  const out = new Map<string, ProxyPrice>();
  for (const w of wanted) {
    const price = answers.get(w.key);
    if (price) out.set(w.address, price);
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function priceOf(inquiry: Inquiry, r: InquiryPriceCreateProxyResponse): ProxyPrice | undefined {
  const base = r.DiscountProxyDailyPrice ?? r.ProxyDailyPrice;
  if (typeof base !== 'number') return undefined;
  const currency = r.Currency || 'CNY';
  if (inquiry.BillingType === 1) {
    const perGB = r.DiscountFlowUnitPrice ?? r.FlowUnitPrice;
    return {
      currency,
      perDay: round(base),
      base: round(base),
      ...(typeof perGB === 'number' ? { perGB } : {}),
    };
  }
  const bw = inquiry.Bandwidth;
  const step = (r.BandwidthUnitPrice ?? []).find((g) => {
    const [from = 0, to = -1] = g.BandwidthRange ?? [];
    return bw >= from && (to === -1 || bw <= to);
  });
  const unit = step?.DiscountBandwidthUnitPrice ?? step?.BandwidthUnitPrice ?? 0;
  const cn2 =
    inquiry.NetworkType === 'cn2' ? (r.Cn2BandwidthPriceWithDiscount ?? r.Cn2BandwidthPrice ?? 0) : 0;
  const bandwidth = round(bw * (unit + cn2));
  return { currency, perDay: round(base + bandwidth), base: round(base), bandwidth };
}
