import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli, scratchDir, writeYaml } from './cli-harness.js';
import {
  applyAndConverge as converge,
  gaapSuite,
  type PlanJson,
  planJson as planStack,
} from './gaap-suite.js';

// The settings operators manage that need calls beyond create/modify (item 4 of issue 15): each is
// applied, re-planned to `No changes.`, changed, planned as an in-place update with its own call,
// applied, and re-planned to `No changes.` again, through the built CLI against the emulator.
/** A certificate made by hand before the stack exists, adopted by it (`adopt:`) with a display name. */
let handMadeCa: string;
const suite = gaapSuite(async ({ client }) => {
  const pem = readFileSync(join(ROOT, 'test', 'fixtures', 'gaap', 'client-ca.pem'), 'utf8');
  handMadeCa = (
    await client.call('CreateCertificate', {
      CertificateType: 3,
      CertificateContent: encodeURIComponent(pem),
      CertificateAlias: 'hand-made partner CA',
    })
  ).CertificateId;
});

interface Settings {
  tls: string;
  proxyEnabled: boolean;
  groupEnabled: boolean;
  auth: string;
  proxyTags: string;
  originTags: string;
  groupTags: string;
  domainTags: string;
  caName: string;
}

const BASE: Settings = {
  tls: '{ versions: [TLSv1.2, TLSv1.3], ciphers: GAAP_TLS_CIPHERS_STRICT }',
  proxyEnabled: true,
  groupEnabled: false,
  auth: '{ basic: users, originCa: [origin-ca] }',
  proxyTags: '{ team: web, cost-center: "42" }',
  originTags: '{ team: web }',
  groupTags: '{ team: pool }',
  domainTags: '{ team: dns }',
  caName: 'Partner CA',
};

const stack = (s: Settings) => `version: 1
stack: settings-e2e
gaap:
  realServers:
    origin: { address: 198.51.100.80, tags: ${s.originTags} }
  certificates:
    site: { type: server, content: { file: site-a.pem }, key: { file: site-a.key } }
    users: { type: basic-auth, content: "alice:$apr1$Qm0f3Kx1$yWl0aH1aZ1b9Qv6o2Q9f1/" }
    to-origin: { type: gaap, content: { file: site-b.pem }, key: { file: site-b.key } }
    origin-ca: { type: origin-ca, content: { file: client-ca.pem } }
    partner-ca: { type: origin-ca, content: { file: client-ca.pem }, adopt: ${handMadeCa}, name: ${s.caName} }
  globalDomains:
    www: { defaultValue: 203.0.113.10, tags: ${s.domainTags} }
  proxyGroups:
    pool:
      realServerRegion: NorthAmerica
      accessRegions: [{ region: SouthChina, bandwidth: 10, concurrent: 2 }]
      enabled: ${s.groupEnabled}
      tags: ${s.groupTags}
  proxies:
    edge:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
      enabled: ${s.proxyEnabled}
      tags: ${s.proxyTags}
      listeners:
        - protocol: HTTPS
          port: 443
          certificate: site
          forwardProtocol: HTTP
          tls: ${s.tls}
          domains:
            - domain: www.example.com
              auth: ${s.auth}
              rules:
                - path: /
                  realServers: [{ realServer: origin, port: 80 }]
`;

describe('item-4 settings converge through the CLI', () => {
  const dir = scratchDir('edgeform-settings-');
  for (const f of ['site-a.pem', 'site-a.key', 'site-b.pem', 'site-b.key', 'client-ca.pem'])
    copyFileSync(join(ROOT, 'test', 'fixtures', 'gaap', f), join(dir, f));

  const planJson = (s: Settings): Promise<PlanJson> => planStack(suite, dir, stack(s));
  const applyAndConverge = () => converge(suite, dir);
  const edgeProxy = async () => {
    const proxies = await suite.client.call('DescribeProxies', {
      TagSet: [{ TagKey: 'edgeform:name', TagValue: 'edge' }],
      Limit: 100,
      Offset: 0,
    });
    return proxies.ProxySet![0]!;
  };
  const httpsListener = async () => {
    const { ProxyId } = await edgeProxy();
    const l = await suite.client.call('DescribeHTTPSListeners', { ProxyId, Limit: 50, Offset: 0 });
    return l.ListenerSet![0]!;
  };
  const wwwDomain = async () => {
    const { ListenerId } = await httpsListener();
    const rules = await suite.client.call('DescribeRules', { ListenerId });
    return rules.DomainRuleSet!.find((d) => d.Domain === 'www.example.com')!;
  };
  const certId = async (name: string) => {
    const certs = await suite.client.call('DescribeCertificates', {
      CertificateType: -1,
      Limit: 100,
      Offset: 0,
    });
    return certs.CertificateSet!.find((c) => c.CertificateAlias.endsWith(name))!.CertificateId;
  };
  const tagsOf = (set: readonly { TagKey: string; TagValue: string }[] | null | undefined) =>
    Object.fromEntries((set ?? []).map((t) => [t.TagKey, t.TagValue]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
  const originTags = async () => {
    const rs = await suite.client.call('DescribeRealServers', {
      ProjectId: -1,
      SearchValue: '198.51.100.80',
      Limit: 50,
      Offset: 0,
    });
    return tagsOf(rs.RealServerSet![0]!.TagSet);
  };
  const poolTags = async () => {
    const groups = await suite.client.call('DescribeProxyGroupList', {
      ProjectId: -1,
      TagSet: [{ TagKey: 'edgeform:name', TagValue: 'pool' }],
      Limit: 100,
      Offset: 0,
    });
    return tagsOf(groups.ProxyGroupList![0]!.TagSet);
  };
  const domainTags = async () => {
    const domains = await suite.client.call('DescribeGlobalDomains', {
      ProjectId: -1,
      TagSet: [{ TagKey: 'edgeform:name', TagValue: 'www' }],
      Limit: 100,
      Offset: 0,
    });
    return tagsOf(domains.Domains![0]!.TagSet);
  };
  const aliasOf = async (id: string) =>
    (await suite.client.call('DescribeCertificateDetail', { CertificateId: id })).CertificateDetail
      .CertificateAlias;
  const poolStatus = async () => {
    const groups = await suite.client.call('DescribeProxyGroupList', {
      ProjectId: -1,
      TagSet: [{ TagKey: 'edgeform:name', TagValue: 'pool' }],
      Limit: 100,
      Offset: 0,
    });
    return groups.ProxyGroupList![0]!.Status;
  };

  let current = BASE;

  it('creates the estate with every setting, then re-plans to No changes.', async () => {
    const plan = await planJson(current);
    const actions = plan.steps.map((s) => s.action);
    expect(actions).toContain('SetTlsVersion');
    // A group declared closed is created, then closed.
    expect(actions).toContain('CloseProxyGroup');
    // The adopted certificate takes its display name.
    expect(actions).toContain('ModifyCertificateAttributes');
    await applyAndConverge();
    const l = await httpsListener();
    expect([...l.TLSSupportVersion].sort()).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(l.TLSCiphers).toBe('GAAP_TLS_CIPHERS_STRICT');
    expect(await poolStatus()).toBe('CLOSED');
    const d = await wwwDomain();
    expect([d.BasicAuth, d.GaapAuth, d.RealServerAuth]).toEqual([1, 0, 1]);
    expect(d.BasicAuthConfId).toBe(await certId('users'));
    expect(d.PolyRealServerCertificateAliasInfo!.map((c) => c.CertificateId)).toEqual([
      await certId('origin-ca'),
    ]);
    // User tags next to edgeform's own, from the create.
    expect(tagsOf((await edgeProxy()).TagSet)).toEqual({
      'cost-center': '42',
      'edgeform:name': 'edge',
      'edgeform:stack': 'settings-e2e',
      team: 'web',
    });
    expect(await poolTags()).toEqual({
      'edgeform:name': 'pool',
      'edgeform:stack': 'settings-e2e',
      team: 'pool',
    });
    expect(await domainTags()).toEqual({
      'edgeform:name': 'www',
      'edgeform:stack': 'settings-e2e',
      team: 'dns',
    });
    expect(await aliasOf(handMadeCa)).toBe('Partner CA');
  });

  const LISTENER = 'gaap.proxy["edge"].listener["HTTPS:443"]';
  const WWW = `${LISTENER}.domain["www.example.com"]`;
  const cases: {
    what: string;
    change: Partial<Settings>;
    /** Address → changed attribute paths; every change is an in-place update. */
    updates: Record<string, string[]>;
    /** The write steps, each after the one before (repeats of one action are independent). */
    actions: string[];
    check: () => Promise<void>;
  }[] = [
    {
      what: 'HTTPS listener TLS versions and cipher suite',
      change: { tls: '{ versions: [TLSv1.3] }' },
      updates: { [LISTENER]: ['tlsCiphers', 'tlsVersions'] },
      actions: ['SetTlsVersion'],
      check: async () => {
        const l = await httpsListener();
        expect(l.TLSSupportVersion).toEqual(['TLSv1.3']);
        // Not declared = the documented default.
        expect(l.TLSCiphers).toBe('GAAP_TLS_CIPHERS_WIDE');
      },
    },
    {
      what: 'proxy closed while its listener changes (the listener first: a closed proxy refuses writes)',
      change: { proxyEnabled: false, tls: '{ versions: [TLSv1.2, TLSv1.3] }' },
      updates: { 'gaap.proxy["edge"]': ['enabled'], [LISTENER]: ['tlsVersions'] },
      actions: ['SetTlsVersion', 'CloseProxies'],
      check: async () => {
        expect((await edgeProxy()).Status).toBe('CLOSED');
      },
    },
    {
      what: 'proxy opened while its listener changes (the proxy first)',
      change: { proxyEnabled: true, tls: '{ versions: [TLSv1.3], ciphers: GAAP_TLS_CIPHERS_GENERAL }' },
      updates: { 'gaap.proxy["edge"]': ['enabled'], [LISTENER]: ['tlsCiphers', 'tlsVersions'] },
      actions: ['OpenProxies', 'SetTlsVersion'],
      check: async () => {
        expect((await edgeProxy()).Status).toBe('RUNNING');
        expect((await httpsListener()).TLSCiphers).toBe('GAAP_TLS_CIPHERS_GENERAL');
      },
    },
    {
      what: 'domain authentication: basic auth off, GAAP client certificate on, origin verification kept',
      change: { auth: '{ gaapCertificate: to-origin, originCa: [origin-ca] }' },
      updates: { [WWW]: ['basicAuth', 'gaapCertificate'] },
      actions: ['SetAuthentication'],
      check: async () => {
        const d = await wwwDomain();
        expect([d.BasicAuth, d.GaapAuth, d.RealServerAuth]).toEqual([0, 1, 1]);
        expect(d.GaapCertificateId).toBe(await certId('to-origin'));
      },
    },
    {
      what: 'domain authentication: everything off',
      change: { auth: '{}' },
      updates: { [WWW]: ['gaapCertificate', 'originCa'] },
      actions: ['SetAuthentication'],
      check: async () => {
        const d = await wwwDomain();
        expect([d.BasicAuth, d.GaapAuth, d.RealServerAuth]).toEqual([0, 0, 0]);
      },
    },
    {
      what: 'domain authentication: basic auth on again',
      change: { auth: '{ basic: users }' },
      updates: { [WWW]: ['basicAuth'] },
      actions: ['SetAuthentication'],
      check: async () => {
        expect((await wwwDomain()).BasicAuth).toBe(1);
      },
    },
    {
      what: 'user tags of a proxy and a real server (one changed, one added, one removed)',
      change: { proxyTags: '{ team: edge, env: prod }', originTags: '{}' },
      updates: { 'gaap.proxy["edge"]': ['userTags'], 'gaap.real_server["origin"]': ['userTags'] },
      actions: ['ModifyResourceTags', 'ModifyResourceTags'],
      check: async () => {
        expect(tagsOf((await edgeProxy()).TagSet)).toEqual({
          'edgeform:name': 'edge',
          'edgeform:stack': 'settings-e2e',
          env: 'prod',
          team: 'edge',
        });
        expect(await originTags()).toEqual({ 'edgeform:name': 'origin', 'edgeform:stack': 'settings-e2e' });
      },
    },
    {
      what: 'user tags of a proxy group and a global domain',
      change: { groupTags: '{ team: pool, env: prod }', domainTags: '{ owner: dns-team }' },
      updates: { 'gaap.proxy_group["pool"]': ['userTags'], 'gaap.global_domain["www"]': ['userTags'] },
      actions: ['ModifyResourceTags', 'ModifyResourceTags'],
      check: async () => {
        expect(await poolTags()).toEqual({
          'edgeform:name': 'pool',
          'edgeform:stack': 'settings-e2e',
          env: 'prod',
          team: 'pool',
        });
        expect(await domainTags()).toEqual({
          'edgeform:name': 'www',
          'edgeform:stack': 'settings-e2e',
          owner: 'dns-team',
        });
      },
    },
    {
      what: 'display name of an adopted certificate',
      change: { caName: '"Partner CA 2027"' },
      updates: { 'gaap.certificate["partner-ca"]': ['name'] },
      actions: ['ModifyCertificateAttributes'],
      check: async () => {
        expect(await aliasOf(handMadeCa)).toBe('Partner CA 2027');
      },
    },
    {
      what: 'proxy group opened',
      change: { groupEnabled: true },
      updates: { 'gaap.proxy_group["pool"]': ['enabled'] },
      actions: ['OpenProxyGroup'],
      check: async () => {
        expect(await poolStatus()).toBe('RUNNING');
      },
    },
    {
      what: 'proxy group closed',
      change: { groupEnabled: false },
      updates: { 'gaap.proxy_group["pool"]': ['enabled'] },
      actions: ['CloseProxyGroup'],
      check: async () => {
        expect(await poolStatus()).toBe('CLOSED');
      },
    },
  ];

  for (const c of cases) {
    it(`${c.what}: planned as an in-place update, applied, converged`, async () => {
      const next = { ...current, ...c.change };
      const plan = await planJson(next);
      const changes = plan.changes.filter((x) => x.kind !== 'no-op');
      expect(Object.fromEntries(changes.map((x) => [x.address, x.kind]))).toEqual(
        Object.fromEntries(Object.keys(c.updates).map((a) => [a, 'update'])),
      );
      for (const x of changes) expect(x.attributes.map((a) => a.path).sort()).toEqual(c.updates[x.address]);
      expect(plan.steps.map((s) => s.action).sort()).toEqual([...c.actions].sort());
      // Each step waits for the one before it in `actions`.
      const stepOf = (action: string) => plan.steps.find((s) => s.action === action)!;
      for (let i = 1; i < c.actions.length; i++) {
        if (c.actions[i] === c.actions[i - 1]) continue;
        expect(stepOf(c.actions[i]!).dependsOn).toContain(stepOf(c.actions[i - 1]!).id);
      }
      await applyAndConverge();
      await c.check();
      current = next;
    });
  }

  it('a change under a proxy that stays closed fails the plan, located, before any write', async () => {
    const closed = { ...current, proxyEnabled: false };
    await planJson(closed);
    await applyAndConverge();
    current = closed;
    writeYaml(dir, 'edgeform.yaml', stack({ ...closed, tls: '{ versions: [TLSv1.2] }' }));
    suite.emulator.resetStats();
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir, env: suite.env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error[GAAP_PARENT_CLOSED]');
    expect(r.stderr).toMatch(/edgeform\.yaml:\d+:\d+ gaap\.proxy\["edge"\] is closed/);
    expect(r.stderr).toContain('listener["HTTPS:443"]');
    expect(r.stderr).toContain('enabled: true');
    const writes = Object.keys(suite.emulator.stats().gaap.requests).filter((a) => !/^Describe/.test(a));
    expect(writes).toEqual([]);
  });

  it('export --gaap writes the settings back, and the exported file plans to No changes.', async () => {
    const r = await runCli(['export', '--gaap', '--stack', 'settings-e2e', '-o', 'exported.yaml'], {
      cwd: dir,
      env: suite.env,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const exported = readFileSync(join(dir, 'exported.yaml'), 'utf8');
    const edge = parse(exported).gaap.proxies.edge;
    expect(edge.listeners[0].tls).toEqual({ versions: ['TLSv1.3'], ciphers: 'GAAP_TLS_CIPHERS_GENERAL' });
    expect(parse(exported).gaap.proxyGroups.pool.enabled).toBe(false);
    expect(edge.enabled).toBe(false);
    expect(edge.tags).toEqual({ env: 'prod', team: 'edge' });
    expect(edge.listeners[0].domains[0].auth).toEqual({ basic: 'users' });
    // Export never writes a private key: it names the variable to put it in.
    const key = readFileSync(join(dir, 'site-a.key'), 'utf8');
    const replan = await runCli(['plan', '--detailed-exitcode', '-f', 'exported.yaml'], {
      cwd: dir,
      env: {
        ...suite.env,
        EDGEFORM_CERT_SITE_KEY: key,
        EDGEFORM_CERT_TO_ORIGIN_KEY: readFileSync(join(dir, 'site-b.key'), 'utf8'),
      },
    });
    expect(replan.exitCode, replan.stdout + replan.stderr).toBe(0);
    expect(replan.stdout).toContain('No changes.');
  });
});
