import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GaapDesired, L7ListenerDesired, ProxyDesired } from '../../../src/model/gaap-desired-types.js';
import { PAGE_LIMITS } from '../../../src/providers/gaap/paging.js';
import { changed, gaapHarness } from './gaap-harness.js';

// Issue 4's yardstick: an estate of 20 proxies × 5 listeners × 5 rules, planned against a live
// state that matches it, makes exactly the minimum number of read calls the API allows.
const PROXIES = 20;
const LISTENERS = 5;
const RULES = 5;

let h: Awaited<ReturnType<typeof gaapHarness>>;
beforeAll(async () => {
  h = await gaapHarness({ asyncDelayMs: 0, rateWindowScale: 0.05 });
});
afterAll(async () => {
  await h.close();
});

const listener = (port: number): L7ListenerDesired => ({
  protocol: 'HTTP',
  port,
  domains: [
    {
      domain: `l${port}.example.com`,
      rules: Array.from({ length: RULES }, (_, r) => ({
        path: `/r${r}`,
        realServers: [{ realServer: 'origin', port: 8080 }],
      })),
    },
  ],
});

const estate = (): GaapDesired => ({
  realServers: { origin: { address: '198.51.100.80' } },
  proxies: Object.fromEntries(
    Array.from({ length: PROXIES }, (_, i): [string, ProxyDesired] => [
      `p${i}`,
      {
        accessRegion: 'SouthChina',
        realServerRegion: 'NorthAmerica',
        bandwidth: 10,
        concurrent: 2,
        listeners: Array.from({ length: LISTENERS }, (_, l) => listener(8000 + l)),
      },
    ]),
  ),
});

it(
  'plans 20 proxies × 5 listeners × 5 rules with the minimum number of read calls',
  { timeout: 180_000 },
  async () => {
    const { result } = await h.apply('economy', estate());
    expect(result.failed, JSON.stringify(result.steps.filter((s) => s.error).slice(0, 3), null, 2)).toBe(0);

    h.emulator.resetStats();
    const { plan, readCalls } = await h.plan('economy', estate());
    expect(changed(plan)).toEqual([]);
    const stats = h.emulator.stats().gaap;
    // Served calls per action. A request the emulator throttles (possible on a loaded machine with
    // windows scaled to 50 ms) is counted apart and its retry once, so the figures stay exact.

    // pages(N, limit) = max(1, ceil(N / limit)): a listing costs one call even when empty.
    // Account-wide listings once each; per proxy one listing per listener protocol (no action
    // lists listeners across proxies); per HTTP/HTTPS listener one DescribeRules, which returns its
    // domains, rules and each rule's bound servers (so no DescribeRuleRealServers).
    const pages = (n: number, limit: number) => Math.max(1, Math.ceil(n / limit));
    const expected: Record<string, number> = {
      DescribeProxyGroupList: pages(0, PAGE_LIMITS.DescribeProxyGroupList),
      DescribeRealServers: pages(1, PAGE_LIMITS.DescribeRealServers),
      DescribeCertificates: pages(0, PAGE_LIMITS.DescribeCertificates),
      DescribeProxies: pages(PROXIES, PAGE_LIMITS.DescribeProxies),
      DescribeGlobalDomains: pages(0, PAGE_LIMITS.DescribeGlobalDomains),
      DescribeTCPListeners: PROXIES * pages(0, PAGE_LIMITS.DescribeTCPListeners),
      DescribeUDPListeners: PROXIES * pages(0, PAGE_LIMITS.DescribeUDPListeners),
      DescribeHTTPListeners: PROXIES * pages(LISTENERS, PAGE_LIMITS.DescribeHTTPListeners),
      DescribeHTTPSListeners: PROXIES * pages(0, PAGE_LIMITS.DescribeHTTPSListeners),
      DescribeRules: PROXIES * LISTENERS,
    };
    expect(stats.requests).toEqual(expected);
    const minimum = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(readCalls).toBe(minimum);
    expect(minimum).toBe(185);
  },
);
