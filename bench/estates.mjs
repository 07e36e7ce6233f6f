// Generators of benchmark estates (desired-state YAML) and the call minimums each one implies.
// The minimums are computed from what the estate declares and from the vendors' documented page
// sizes and batch limits, never from edgeform's own code, so a regression there shows up as a
// ratio above 1.00.
import { stringify } from 'yaml';

/** Documented maxima (gaap-api.md §6, §7.20; baishan-api.md §1.9). */
export const DOC = {
  baishanDomainsPerCall: 10,
  baishanPerMinute: 30,
  gaapPerSecond: 20,
  gaapPage: {
    DescribeProxies: 100,
    DescribeProxyGroupList: 100,
    DescribeRealServers: 50,
    // NOTE: no documented maximum for the listener lists; §8.6 says page with ≤ 20 until a larger
    // value is verified, so 20 is the largest page the API is known to allow.
    DescribeTCPListeners: 20,
    DescribeUDPListeners: 20,
    DescribeHTTPListeners: 20,
    DescribeHTTPSListeners: 20,
    DescribeCertificates: 20,
    // NOTE: neither a default nor a maximum documented; 20 is the safe pick.
    DescribeGlobalDomains: 20,
  },
  // DescribeRealServers is documented at 1000 requests/s, every other action at 20/s.
  gaapRateOverrides: { DescribeRealServers: 1000 },
};

const pages = (n, limit) => Math.max(1, Math.ceil(n / limit));

/**
 * A Baishan estate of `n` domains: about 70 % in groups of 25 domains sharing one config (so
 * merging identical changes matters, and 25 is not a multiple of 10), the rest with a config of
 * their own. `timeout` comes from `defaults`: changing it is the "identical change on every
 * domain" scenario.
 */
export function baishanEstate(n, { stack, label, timeout = '30' }) {
  const grouped = Math.round(n * 0.7);
  const groupSize = 25;
  const groups = [];
  for (let left = grouped; left > 0; left -= groupSize) groups.push(Math.min(groupSize, left));
  const unique = n - grouped;
  const name = (i) => `d${i}.${label}.bench.example.com`;
  const entries = [];
  let i = 0;
  groups.forEach((size, g) => {
    const domains = [];
    for (let k = 0; k < size; k++) domains.push(name(i++));
    entries.push({
      domains,
      config: {
        origin: { default_master: `g${g}.${label}.origin.example.net`, origin_mode: 'http' },
        cache_rule_list: [
          { match_method: 'ext', pattern: 'jpg,jpeg,png,webp', expire: 30, expire_unit: 'D', priority: 10 },
          { match_method: 'route', pattern: '/health', expire: 0, cache_or_not: 'no', priority: 1 },
        ],
        referer: { type: 2, list: ['*.example.com'], allow_empty: true },
      },
    });
  });
  for (let u = 0; u < unique; u++) {
    entries.push({
      domain: name(i++),
      config: { origin: { default_master: `u${u}.${label}.origin.example.net`, origin_mode: 'https' } },
    });
  }
  const doc = {
    version: 1,
    stack,
    providers: { baishan: { rateLimitPerMinute: DOC.baishanPerMinute } },
    baishan: {
      defaults: { range_back_source: 'off', timeout: { time: timeout } },
      domains: entries,
    },
  };
  const per = DOC.baishanDomainsPerCall;
  return {
    yaml: stringify(doc),
    domains: n,
    groups,
    unique,
    minimum: {
      /** Plan: one GET per 10 declared domains. */
      readCalls: Math.ceil(n / per),
      /** Apply from empty: one POST per 10 domains of each identical config, one per unique domain. */
      createCalls: groups.reduce((s, g) => s + Math.ceil(g / per), 0) + unique,
      /** The same change on every domain: one POST per 10 domains. */
      identicalChangeCalls: Math.ceil(n / per),
    },
  };
}

/**
 * A GAAP estate of `p` proxies. Per proxy: one TCP entry with two ports sharing every setting
 * (`ports: [7000, 7001]`), one TCP listener, one UDP listener; every listener binds one or two
 * real servers; with `l7`, one HTTP listener with one domain and two rules, each rule bound to a
 * real server. Real servers: max(2, p), shared round robin.
 * `ipBase` keeps real-server addresses unique across estates (AddRealServers refuses duplicates).
 */
export function gaapEstate(p, { stack, ipBase = 0, listeners = 'mixed', l7 = false }) {
  const r = Math.max(2, p);
  const realServers = {};
  for (let k = 0; k < r; k++) realServers[`rs-${k}`] = { address: testIp(ipBase + k) };
  const proxies = {};
  let tcp = 0;
  let udp = 0;
  let createCalls = 0;
  let bindings = 0;
  let http = 0;
  let l7Domains = 0;
  let l7Rules = 0;
  const perProxyPages = [];
  for (let k = 0; k < p; k++) {
    const a = `rs-${k % r}`;
    const b = `rs-${(k + 1) % r}`;
    let ls;
    if (listeners === 'mixed') {
      ls = [
        {
          protocol: 'TCP',
          ports: [7000, 7001],
          scheduler: 'wrr',
          healthCheck: {
            enabled: true,
            delayLoop: 10,
            connectTimeout: 3,
            healthyThreshold: 3,
            unhealthyThreshold: 3,
          },
          realServers: [
            { realServer: a, port: 7000, weight: 10 },
            { realServer: b, port: 7000, weight: 5 },
          ],
        },
        { protocol: 'TCP', port: 8000, realServers: [{ realServer: a, port: 8000 }] },
        { protocol: 'UDP', port: 9000, realServers: [{ realServer: b, port: 9000 }] },
      ];
      if (l7) {
        ls.push({
          protocol: 'HTTP',
          port: 80,
          domains: [
            {
              domain: `w${k}.${stack}.example.com`,
              rules: [
                { path: '/', realServers: [{ realServer: a, port: 80 }] },
                { path: '/api', realServers: [{ realServer: b, port: 8080 }] },
              ],
            },
          ],
        });
      }
    } else {
      // `listeners` = N single-port listeners, half TCP, half UDP (the local-cost estate).
      ls = [];
      for (let j = 0; j < listeners; j++) {
        ls.push({
          protocol: j % 2 === 0 ? 'TCP' : 'UDP',
          port: 10000 + j,
          realServers: [{ realServer: a, port: 10000 + j }],
        });
      }
    }
    let t = 0;
    let u = 0;
    let h = 0;
    for (const l of ls) {
      if (l.protocol === 'HTTP') {
        // One CreateHTTPListener, then per domain one CreateDomain, per rule one CreateRule and one
        // BindRuleRealServers.
        h++;
        http++;
        l7Domains += l.domains.length;
        for (const d of l.domains) l7Rules += d.rules.length;
        continue;
      }
      const n = l.ports ? l.ports.length : 1;
      if (l.protocol === 'TCP') t += n;
      else u += n;
      // CreateTCPListeners/CreateUDPListeners take a Ports list: one call per declaration.
      createCalls += 1;
      bindings += n;
    }
    tcp += t;
    udp += u;
    perProxyPages.push({
      tcp: pages(t, DOC.gaapPage.DescribeTCPListeners),
      udp: pages(u, DOC.gaapPage.DescribeUDPListeners),
      http: pages(h, DOC.gaapPage.DescribeHTTPListeners),
      https: pages(0, DOC.gaapPage.DescribeHTTPSListeners),
    });
    proxies[`p${k}`] = {
      accessRegion: 'SouthChina',
      realServerRegion: 'NorthAmerica',
      bandwidth: 10,
      concurrent: 2,
      listeners: ls,
    };
  }
  const listenerCreates = createCalls;
  const doc = { version: 1, stack, gaap: { realServers, proxies } };
  const readPages = {
    DescribeProxyGroupList: pages(0, DOC.gaapPage.DescribeProxyGroupList),
    DescribeRealServers: pages(r, DOC.gaapPage.DescribeRealServers),
    DescribeCertificates: pages(0, DOC.gaapPage.DescribeCertificates),
    DescribeProxies: pages(p, DOC.gaapPage.DescribeProxies),
    DescribeTCPListeners: perProxyPages.reduce((s, x) => s + x.tcp, 0),
    DescribeUDPListeners: perProxyPages.reduce((s, x) => s + x.udp, 0),
    DescribeHTTPListeners: perProxyPages.reduce((s, x) => s + x.http, 0),
    DescribeHTTPSListeners: perProxyPages.reduce((s, x) => s + x.https, 0),
    // Owned global domains are found by tag, like proxy groups: one list even when there are none.
    DescribeGlobalDomains: pages(0, DOC.gaapPage.DescribeGlobalDomains),
    // One DescribeRules per layer-7 listener answers with its domains, their rules and the rules'
    // bound real servers.
    ...(http > 0 ? { DescribeRules: http } : {}),
  };
  return {
    yaml: stringify(doc),
    proxies: p,
    realServers: r,
    listeners: tcp + udp + http,
    l7: { listeners: http, domains: l7Domains, rules: l7Rules },
    resources: r + p + tcp + udp + http + l7Domains + l7Rules,
    perProxyPages,
    minimum: {
      /** Plan on the matching estate, per action (see README for the formula). */
      readByAction: readPages,
      readCalls: Object.values(readPages).reduce((s, x) => s + x, 0),
      /** Plan on an empty account: the five account-level lists, one page each. */
      readCallsEmpty: 5,
      /**
       * Apply from empty, writes only: one AddRealServers per real server (each carries its own
       * name tag), one CreateProxy per proxy, one Create*Listeners per listener declaration (a
       * `ports:` list is one call), one BindListenerRealServers per listener.
       */
      createCalls: r + p + listenerCreates + bindings + http + l7Domains + 2 * l7Rules,
      createByAction: {
        AddRealServers: r,
        CreateProxy: p,
        'Create{TCP,UDP}Listeners': listenerCreates,
        BindListenerRealServers: bindings,
        CreateHTTPListener: http,
        CreateDomain: l7Domains,
        CreateRule: l7Rules,
        BindRuleRealServers: l7Rules,
      },
    },
  };
}

/** Distinct addresses from the three documentation ranges (762 of them). */
function testIp(i) {
  const nets = ['203.0.113', '198.51.100', '192.0.2'];
  const net = nets[Math.floor(i / 254)];
  if (!net) throw new Error('bench: out of test addresses');
  return `${net}.${(i % 254) + 1}`;
}
