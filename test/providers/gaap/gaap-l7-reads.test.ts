import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CertificateDesired,
  GaapDesired,
  L7ListenerDesired,
  ProxyDesired,
} from '../../../src/model/gaap-desired-types.js';
import { certificateAlias } from '../../../src/providers/gaap/kinds/certificate.js';
import { PAGE_LIMITS } from '../../../src/providers/gaap/paging.js';
import { changed, expectApplied, fixtureSecret, fixtureText, gaapHarness } from './gaap-harness.js';

let h: Awaited<ReturnType<typeof gaapHarness>>;
beforeAll(async () => {
  // An emulator of its own: the certificate listing counts every certificate of the account.
  h = await gaapHarness();
});
afterAll(async () => {
  await h.close();
});

const text = fixtureText;
const secret = fixtureSecret;

const STACK = 'reads';
const PROXIES = 2;
const DOMAINS = 2;
const RULES = 2;
const BASIC_AUTH = 3;
/** Certificates of someone else in the account: enough for the listing to take two pages. */
const FOREIGN = 18;

const siteCert = (pem: string, key: string): CertificateDesired => ({
  type: 'server',
  content: secret(pem),
  key: secret(key),
});

function listeners(): L7ListenerDesired[] {
  return (['HTTP', 'HTTPS'] as const).map((protocol) => ({
    protocol,
    port: protocol === 'HTTP' ? 80 : 443,
    ...(protocol === 'HTTPS' ? { certificate: 'site' } : {}),
    domains: Array.from({ length: DOMAINS }, (_, d) => ({
      domain: `d${d}.example.com`,
      // Error pages on the first domain of each listener only.
      ...(d === 0 ? { errorPages: [{ errorCodes: [503], body: 'later' }] } : {}),
      rules: Array.from({ length: RULES }, (_, r) => ({
        path: `/r${r}`,
        realServers: [{ realServer: r === 0 ? 'a' : 'b', port: 8000 + r }],
        // Headers on the first rule of each domain only.
        ...(r === 0 ? { headers: [{ name: 'X-Rule', value: `r${r}` }] } : {}),
      })),
    })),
  }));
}

const estate = (): GaapDesired => ({
  realServers: { a: { address: '198.51.100.1' }, b: { address: '198.51.100.2' } },
  certificates: {
    site: siteCert('site-a.pem', 'site-a.key'),
    ...Object.fromEntries(
      Array.from({ length: BASIC_AUTH }, (_, i) => [
        `basic-${i}`,
        { type: 'basic-auth', content: `user${i}:$apr1$x$y` } satisfies CertificateDesired,
      ]),
    ),
  },
  proxies: Object.fromEntries(
    Array.from({ length: PROXIES }, (_, i): [string, ProxyDesired] => [
      `p${i}`,
      {
        accessRegion: 'SouthChina',
        realServerRegion: 'NorthAmerica',
        bandwidth: 10,
        concurrent: 2,
        listeners: listeners(),
      },
    ]),
  ),
});

describe('GAAP layer 7 reads', () => {
  it('reads an estate with the minimum number of calls the paging limits allow', async () => {
    // Certificates of someone else in the account: listed, never read in detail, never touched.
    for (let i = 0; i < FOREIGN; i++) {
      await h.client().call('CreateCertificate', {
        CertificateType: 0,
        CertificateContent: encodeURIComponent(`someone${i}:$apr1$a$b`),
        CertificateAlias: `not-edgeform-${i}`,
      });
    }
    const { result } = await h.apply(STACK, estate());
    expectApplied(result);

    h.emulator.resetStats();
    const { plan } = await h.plan(STACK, estate());
    expect(changed(plan)).toEqual([]);
    const stats = h.emulator.stats().gaap;
    // Every call counted once: none was refused by the rate limit and sent again.
    expect(stats.throttled).toBe(0);
    const requests = stats.requests;

    // The minimum, for P proxies with one HTTP and one HTTPS listener each, C owned certificates
    // among A in the account, S real servers, H rules declaring headers, E domains declaring
    // error pages, where pages(N, limit) = max(1, ceil(N / limit)) (one call even when N = 0):
    //   groups pages(0) + real servers pages(S) + certificates pages(A) + C details + proxies
    //   pages(P) + P × (TCP + UDP + HTTP + HTTPS listener pages) + P × 2 DescribeRules + H + E.
    // Domains and rules share DescribeRules, which carries bound servers: no DescribeRuleRealServers.
    const pages = (n: number, limit: number) => Math.max(1, Math.ceil(n / limit));
    const L7_LISTENERS = 2; // per proxy: one HTTP, one HTTPS
    const ownedCerts = 1 + BASIC_AUTH;
    const expected: Record<string, number> = {
      DescribeProxyGroupList: pages(0, PAGE_LIMITS.DescribeProxyGroupList),
      DescribeRealServers: pages(2, PAGE_LIMITS.DescribeRealServers),
      // The listing is account-wide (certificates take no tags): foreign ones count.
      DescribeCertificates: pages(ownedCerts + FOREIGN, PAGE_LIMITS.DescribeCertificates),
      // Content and key are only in the detail: one per owned certificate.
      DescribeCertificateDetail: ownedCerts,
      DescribeProxies: pages(PROXIES, PAGE_LIMITS.DescribeProxies),
      DescribeTCPListeners: PROXIES * pages(0, PAGE_LIMITS.DescribeTCPListeners),
      DescribeUDPListeners: PROXIES * pages(0, PAGE_LIMITS.DescribeUDPListeners),
      DescribeHTTPListeners: PROXIES * pages(1, PAGE_LIMITS.DescribeHTTPListeners),
      DescribeHTTPSListeners: PROXIES * pages(1, PAGE_LIMITS.DescribeHTTPSListeners),
      // Unpaged, and shared by domains and rules (bound servers included).
      DescribeRules: PROXIES * L7_LISTENERS,
      // Only where the YAML declares headers / error pages.
      DescribeCustomHeader: PROXIES * L7_LISTENERS * DOMAINS,
      DescribeDomainErrorPageInfo: PROXIES * L7_LISTENERS,
    };
    expect(expected.DescribeCertificates).toBe(2);
    const seen = Object.fromEntries(Object.keys(expected).map((a) => [a, requests[a] ?? 0]));
    expect(seen).toEqual(expected);
    // Nothing else of layers 4/7 or certificates, and no write.
    expect(requests.DescribeRuleRealServers ?? 0).toBe(0);
    expect(Object.keys(requests).filter((a) => !/^Describe/.test(a))).toEqual([]);
  });

  it('finishes an interrupted rotation: repoints from the leftover certificate, then deletes it', async () => {
    // The new certificate was created under the same alias, the run stopped before repointing.
    const created = await h.client().call('CreateCertificate', {
      CertificateType: 2,
      CertificateContent: encodeURIComponent(text('site-b.pem').replace(/\r?\n$/, '')),
      CertificateKey: encodeURIComponent(text('site-b.key').replace(/\r?\n$/, '')),
      CertificateAlias: certificateAlias(STACK, 'site'),
    });
    const model = estate();
    model.certificates!.site = siteCert('site-b.pem', 'site-b.key');
    const { plan } = await h.plan(STACK, model);
    const kinds = Object.fromEntries(changed(plan).map((c) => [c.address, c.kind]));
    // The certificate matching the YAML keeps the address; the old one is a leftover.
    expect(plan.changes.find((c) => c.address === 'gaap.certificate["site"]')).toMatchObject({
      kind: 'no-op',
      id: created.CertificateId,
    });
    const leftover = Object.keys(kinds).find((a) => a.startsWith('gaap.certificate["site@'))!;
    expect(kinds[leftover]).toBe('delete');
    for (let i = 0; i < PROXIES; i++)
      expect(kinds[`gaap.proxy["p${i}"].listener["HTTPS:443"]`]).toBe('update');
    const del = plan.steps.find((s) => s.action === 'DeleteCertificate')!;
    const repoints = plan.steps.filter((s) => s.action === 'ModifyHTTPSListenerAttribute');
    expect(repoints).toHaveLength(PROXIES);
    expect(del.dependsOn).toEqual(expect.arrayContaining(repoints.map((s) => s.id)));
    const { result } = await h.apply(STACK, model);
    expect(result.failed).toBe(0);
    expect(changed((await h.plan(STACK, model)).plan)).toEqual([]);
  });

  it('leaves certificates it does not own alone when the stack is emptied', async () => {
    const { result } = await h.apply(STACK, {});
    expect(result.failed).toBe(0);
    const left = await h.client().call('DescribeCertificates', { Limit: 50 });
    expect(left.CertificateSet.map((c) => c.CertificateAlias)).toEqual(
      Array.from({ length: FOREIGN }, (_, i) => `not-edgeform-${i}`),
    );
  });
});
