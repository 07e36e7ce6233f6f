import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  GaapDesired,
  L7DomainDesired,
  L7ListenerDesired,
  RuleDesired,
} from '../../../src/model/gaap-desired-types.js';
import type { Plan } from '../../../src/planner/plan-types.js';
import { changed, expectApplied, fixtureSecret, fixtureText, gaapHarness } from './gaap-harness.js';

let h: Awaited<ReturnType<typeof gaapHarness>>;
beforeAll(async () => {
  h = await gaapHarness();
});
afterAll(async () => {
  await h.close();
});

const text = fixtureText;
const secret = fixtureSecret;

const STACK = 'l7';
const LISTENER = 'gaap.proxy["edge"].listener["HTTPS:443"]';
const WWW = `${LISTENER}.domain["www.example.com"]`;
const API = `${LISTENER}.domain["api.example.com"]`;
const ROOT_RULE = `${WWW}.rule["/"]`;
const API_RULE = `${WWW}.rule["/api"]`;
const STATIC_RULE = `${WWW}.rule["/static"]`;
const V1_RULE = `${API}.rule["/v1"]`;
const ERROR_PAGE = `${WWW}.error_page["404,502"]`;
const SITE_CERT = 'gaap.certificate["site"]';

/** An HTTPS site: two domains, rules with bindings, health checks, headers and an error page. */
const site = (): GaapDesired => ({
  realServers: { 'web-a': { address: '203.0.113.20' }, 'web-b': { address: '203.0.113.21' } },
  certificates: {
    // Inline PEM content (a plain string), the key a secret reference.
    site: { type: 'server', content: text('site-a.pem'), key: secret('site-a.key') },
    'client-ca': { type: 'client-ca', content: secret('client-ca.pem') },
  },
  proxies: {
    edge: {
      accessRegion: 'SouthChina',
      realServerRegion: 'NorthAmerica',
      bandwidth: 10,
      concurrent: 2,
      listeners: [
        {
          protocol: 'HTTPS',
          port: 443,
          certificate: 'site',
          forwardProtocol: 'HTTP',
          domains: [
            {
              domain: 'www.example.com',
              isDefaultServer: true,
              rules: [
                {
                  path: '/',
                  scheduler: 'wrr',
                  healthCheck: {
                    enabled: true,
                    delayLoop: 10,
                    connectTimeout: 3,
                    path: '/health',
                    method: 'GET',
                    statusCodes: [300, 200],
                  },
                  realServers: [
                    { realServer: 'web-a', port: 80, weight: 10 },
                    { realServer: 'web-b', port: 80, weight: 5 },
                  ],
                  headers: [
                    { name: 'X-Edge', value: 'edgeform' },
                    { name: 'X-Client-IP', value: '$remote_addr' },
                  ],
                },
                {
                  path: '/api',
                  forwardHost: 'api.internal',
                  realServers: [{ realServer: 'web-b', port: 8080 }],
                },
                { path: '/static' },
              ],
              errorPages: [{ errorCodes: [502, 404], body: '<h1>try again</h1>', newErrorCode: 200 }],
            },
            {
              domain: 'api.example.com',
              certificate: 'site',
              clientCertificates: ['client-ca'],
              rules: [{ path: '/v1', realServers: [{ realServer: 'web-a', port: 9000 }] }],
            },
          ],
        },
      ],
    },
  },
});

/** The model the estate is in after the previous test: each test edits a copy of it. */
let current = site();
const edit = (f: (m: GaapDesired) => void): GaapDesired => {
  const m = structuredClone(current);
  // structuredClone drops the SecretValue class: keep the originals.
  if (current.certificates) m.certificates = current.certificates;
  f(m);
  return m;
};
const listener = (m: GaapDesired) => m.proxies!.edge!.listeners![0] as L7ListenerDesired;
const domain = (m: GaapDesired, name: string) => listener(m).domains!.find((d) => d.domain === name)!;
const rule = (m: GaapDesired, d: string, path: string) => domain(m, d).rules!.find((r) => r.path === path)!;

async function applyOk(model: GaapDesired): Promise<Plan> {
  const { plan, result } = await h.apply(STACK, model);
  expectApplied(result);
  expect(changed((await h.plan(STACK, model)).plan)).toEqual([]);
  current = model;
  return plan;
}

describe('GAAP layer 7 against the emulator', () => {
  it('creates an HTTPS site from empty, then re-plans to no changes', async () => {
    const { plan } = await h.plan(STACK, current);
    const kinds = Object.fromEntries(plan.changes.map((c) => [c.address, c.kind]));
    for (const a of [SITE_CERT, LISTENER, WWW, API, ROOT_RULE, API_RULE, STATIC_RULE, V1_RULE, ERROR_PAGE])
      expect(kinds[a], a).toBe('create');
    // Certificate content and key are never displayed.
    const cert = plan.changes.find((c) => c.address === SITE_CERT)!;
    expect(cert.attributes.find((a) => a.path === 'key')?.after).toEqual({ $sensitive: true });
    expect(JSON.stringify(plan)).not.toContain('PRIVATE KEY');
    const actions = plan.steps.map((s) => s.action);
    for (const a of [
      'CreateCertificate',
      'CreateHTTPSListener',
      'CreateDomain',
      'CreateRule',
      'BindRuleRealServers',
      'CreateCustomHeader',
      'CreateDomainErrorPageInfo',
    ])
      expect(actions).toContain(a);
    // The rule waits for its domain, the domain for its listener, the listener for its certificate.
    const stepOf = (action: string, address: string) =>
      plan.steps.find((s) => s.action.startsWith(action) && s.addresses.includes(address))!;
    expect(stepOf('CreateRule', ROOT_RULE).dependsOn).toContain(stepOf('CreateDomain', WWW).id);
    expect(stepOf('CreateDomain', WWW).dependsOn).toContain(stepOf('CreateHTTPSListener', LISTENER).id);
    expect(stepOf('CreateHTTPSListener', LISTENER).dependsOn).toContain(
      stepOf('CreateCertificate', SITE_CERT).id,
    );
    await applyOk(current);
  });

  const updates: {
    what: string;
    address: string;
    actions: string[];
    change: (m: GaapDesired) => void;
  }[] = [
    {
      what: 'listener name',
      address: LISTENER,
      actions: ['ModifyHTTPSListenerAttribute'],
      change: (m) => {
        listener(m).name = 'site-443';
      },
    },
    {
      what: 'listener origin protocol',
      address: LISTENER,
      actions: ['ModifyHTTPSListenerAttribute'],
      change: (m) => {
        listener(m).forwardProtocol = 'HTTPS';
      },
    },
    {
      what: 'domain default-server flag',
      address: WWW,
      actions: ['ModifyDomain'],
      change: (m) => {
        domain(m, 'www.example.com').isDefaultServer = false;
      },
    },
    {
      what: 'domain certificates (back to the listener default)',
      address: API,
      actions: ['ModifyCertificate'],
      change: (m) => {
        const d = domain(m, 'api.example.com') as L7DomainDesired;
        delete d.certificate;
        delete d.clientCertificates;
      },
    },
    {
      what: 'domain certificates (own again)',
      address: API,
      actions: ['ModifyCertificate'],
      change: (m) => {
        const d = domain(m, 'api.example.com');
        d.certificate = 'site';
        d.clientCertificates = ['client-ca'];
      },
    },
    {
      what: 'rule scheduler',
      address: ROOT_RULE,
      actions: ['ModifyRuleAttribute'],
      change: (m) => {
        rule(m, 'www.example.com', '/').scheduler = 'lc';
      },
    },
    {
      what: 'rule health-check parameters',
      address: ROOT_RULE,
      actions: ['ModifyRuleAttribute'],
      change: (m) => {
        const hc = rule(m, 'www.example.com', '/').healthCheck!;
        hc.delayLoop = 20;
        hc.statusCodes = [200];
      },
    },
    {
      what: 'rule health check (on, defaults for the rest)',
      address: API_RULE,
      actions: ['ModifyRuleAttribute'],
      change: (m) => {
        rule(m, 'www.example.com', '/api').healthCheck = { enabled: true, path: '/ping' };
      },
    },
    {
      what: 'rule origin host, SNI and redirect',
      address: API_RULE,
      actions: ['ModifyRuleAttribute'],
      change: (m) => {
        const r = rule(m, 'www.example.com', '/api');
        r.forwardHost = 'api2.internal';
        r.sni = 'api2.internal';
        r.forcedRedirect = 'https:';
      },
    },
    {
      what: 'rule bindings',
      address: V1_RULE,
      actions: ['BindRuleRealServers'],
      change: (m) => {
        rule(m, 'api.example.com', '/v1').realServers = [
          { realServer: 'web-a', port: 9000, weight: 3 },
          { realServer: 'web-b', port: 9000 },
        ];
      },
    },
    {
      what: 'rule custom headers',
      address: ROOT_RULE,
      actions: ['CreateCustomHeader'],
      change: (m) => {
        rule(m, 'www.example.com', '/').headers = [{ name: 'X-Edge', value: 'v2' }];
      },
    },
  ];
  for (const u of updates) {
    it(`changes the ${u.what} in place and nothing else`, async () => {
      const model = edit(u.change);
      const { plan } = await h.plan(STACK, model);
      expect(changed(plan)).toEqual([{ address: u.address, kind: 'update' }]);
      expect(plan.steps.map((s) => s.action)).toEqual(u.actions);
      await applyOk(model);
    });
  }

  it('replaces a rule whose origin type changes, marked as forcing replacement', async () => {
    const model = edit((m) => {
      rule(m, 'www.example.com', '/static').realServerType = 'DOMAIN';
    });
    const { plan } = await h.plan(STACK, model);
    expect(changed(plan)).toEqual([{ address: STATIC_RULE, kind: 'replace' }]);
    const change = plan.changes.find((c) => c.address === STATIC_RULE)!;
    expect(change.attributes.find((a) => a.path === 'realServerType')?.forcesReplacement).toBe(true);
    // Domain + path is the key: the old rule goes first.
    const del = plan.steps.find((s) => s.action === 'DeleteRule')!;
    const create = plan.steps.find((s) => s.action === 'CreateRule')!;
    expect(create.dependsOn).toContain(del.id);
    await applyOk(model);
  });

  it('refuses to plan the replacement of a protected rule', async () => {
    const model = edit((m) => {
      const r = rule(m, 'www.example.com', '/static') as RuleDesired;
      r.protect = true;
      r.realServerType = 'IP';
    });
    await expect(h.plan(STACK, model)).rejects.toMatchObject({ code: 'PROTECTED_OBJECT' });
    // protect alone (no forced replacement) changes nothing.
    const safe = edit((m) => {
      rule(m, 'www.example.com', '/static').protect = true;
    });
    expect(changed((await h.plan(STACK, safe)).plan)).toEqual([]);
  });

  it('rotates a certificate: create the new one, repoint its users, then delete the old one', async () => {
    const model = edit((m) => {
      m.certificates = {
        ...current.certificates,
        site: { type: 'server', content: secret('site-b.pem'), key: secret('site-b.key') },
      };
    });
    const { plan } = await h.plan(STACK, model);
    expect(changed(plan)).toEqual([
      { address: SITE_CERT, kind: 'replace' },
      { address: LISTENER, kind: 'update' },
      { address: API, kind: 'update' },
    ]);
    const cert = plan.changes.find((c) => c.address === SITE_CERT)!;
    expect(cert.attributes.find((a) => a.path === 'content')).toMatchObject({
      forcesReplacement: true,
      sensitive: true,
      after: { $sensitive: true },
    });
    expect(plan.changes.find((c) => c.address === LISTENER)!.reason).toContain(SITE_CERT);
    const create = plan.steps.find((s) => s.action === 'CreateCertificate')!;
    const repointListener = plan.steps.find((s) => s.action === 'ModifyHTTPSListenerAttribute')!;
    const repointDomain = plan.steps.find((s) => s.action === 'ModifyCertificate')!;
    const del = plan.steps.find((s) => s.action === 'DeleteCertificate')!;
    expect(repointListener.dependsOn).toContain(create.id);
    expect(repointDomain.dependsOn).toContain(create.id);
    expect(del.dependsOn).toEqual(expect.arrayContaining([create.id, repointListener.id, repointDomain.id]));

    const from = h.events.length;
    await applyOk(model);
    // And in that order when applied.
    const order = h.events
      .slice(from)
      .filter((e) => e.kind === 'step-done')
      .map((e) => (e as { stepId: string }).stepId);
    const at = (id: string) => order.indexOf(id);
    expect(at(create.id)).toBeGreaterThanOrEqual(0);
    expect(at(create.id)).toBeLessThan(at(repointListener.id));
    expect(at(repointListener.id)).toBeLessThan(at(del.id));
    expect(at(repointDomain.id)).toBeLessThan(at(del.id));
  });

  it('replaces a listener whose HTTP/3 flag changes, with everything on it', async () => {
    const model = edit((m) => {
      listener(m).http3 = true;
    });
    const { plan } = await h.plan(STACK, model);
    const kinds = Object.fromEntries(changed(plan).map((c) => [c.address, c.kind]));
    expect(kinds[LISTENER]).toBe('replace');
    for (const a of [WWW, API, ROOT_RULE, V1_RULE, ERROR_PAGE]) expect(kinds[a], a).toBe('replace');
    expect(
      plan.changes.find((c) => c.address === LISTENER)!.attributes.find((a) => a.path === 'http3'),
    ).toMatchObject({ forcesReplacement: true });
    // One delete: the listener takes its domains, rules and error pages with it.
    expect(plan.steps.filter((s) => s.operation === 'delete').map((s) => s.action)).toEqual([
      'DeleteListeners',
    ]);
    await applyOk(model);
  });

  it('changes an error page by replacing it, the old one first', async () => {
    const model = edit((m) => {
      domain(m, 'www.example.com').errorPages = [{ errorCodes: [404], body: 'not here' }];
    });
    const { plan } = await h.plan(STACK, model);
    expect(changed(plan)).toEqual([
      { address: `${WWW}.error_page["404"]`, kind: 'create' },
      { address: ERROR_PAGE, kind: 'delete' },
    ]);
    const create = plan.steps.find((s) => s.action === 'CreateDomainErrorPageInfo')!;
    const del = plan.steps.find((s) => s.action === 'DeleteDomainErrorPageInfo')!;
    expect(create.dependsOn).toContain(del.id);
    await applyOk(model);
  });

  it('deletes exactly a rule removed from the YAML', async () => {
    const model = edit((m) => {
      const d = domain(m, 'www.example.com');
      d.rules = d.rules!.filter((r) => r.path !== '/api');
    });
    const { plan } = await h.plan(STACK, model);
    expect(changed(plan)).toEqual([{ address: API_RULE, kind: 'delete' }]);
    expect(plan.steps.map((s) => s.action)).toEqual(['DeleteRule']);
    await applyOk(model);
  });

  it('deletes exactly a domain removed from the YAML, its rules with it', async () => {
    const model = edit((m) => {
      listener(m).domains = listener(m).domains!.filter((d) => d.domain !== 'api.example.com');
    });
    const { plan } = await h.plan(STACK, model);
    expect(changed(plan)).toEqual([
      { address: API, kind: 'delete' },
      { address: V1_RULE, kind: 'delete' },
    ]);
    expect(plan.changes.find((c) => c.address === V1_RULE)!.reason).toContain('deleted with its parent');
    expect(plan.steps.map((s) => s.action)).toEqual(['DeleteDomain']);
    await applyOk(model);
  });

  it('removes the whole site, certificates after the listener that used them', async () => {
    const { plan } = await h.plan(STACK, {});
    const destroy = plan.steps.find((s) => s.action === 'DestroyProxies')!;
    expect(plan.steps.filter((s) => s.action === 'DeleteCertificate')).toHaveLength(2);
    // The site certificate is still used by the listener, which goes with its proxy; the client CA
    // is used by nothing any more and need not wait.
    const deleteSite = plan.steps.find((s) => s.addresses.includes(SITE_CERT))!;
    expect(deleteSite.dependsOn).toContain(destroy.id);
    const { result } = await h.apply(STACK, {});
    expect(result.failed).toBe(0);
    expect(changed((await h.plan(STACK, {})).plan)).toEqual([]);
  });
});
