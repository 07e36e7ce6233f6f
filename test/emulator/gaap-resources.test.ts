import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_CERT, FAKE_KEY, type GaapHarness, runningProxy, startGaap } from './gaap-test-client.js';

const TCP = { ListenerName: 'l', Scheduler: 'wrr', HealthCheck: 0, RealServerType: 'IP' };

describe('GAAP emulator: resources and constraints', () => {
  let h: GaapHarness;
  let proxyId: string;
  beforeEach(async () => {
    h = await startGaap();
    proxyId = await runningProxy(h);
  });
  afterEach(() => h.close());

  const codeOf = async (action: string, params: Record<string, unknown>) =>
    (await h.call(action, params)).Error?.Code;

  async function addServers(ips: string[], project = 0, tags: { TagKey: string; TagValue: string }[] = []) {
    const r = await h.ok('AddRealServers', {
      ProjectId: project,
      RealServerIP: ips,
      RealServerName: 'rs',
      TagSet: tags,
    });
    return r.RealServerSet as { RealServerId: string; RealServerIP: string }[];
  }
  async function tcpListener(port: number): Promise<string> {
    return (
      (await h.ok('CreateTCPListeners', { ...TCP, Ports: [port], ProxyId: proxyId })).ListenerIds as string[]
    )[0]!;
  }
  const bindSet = (servers: { RealServerId: string; RealServerIP: string }[], port = 80) =>
    servers.map((s) => ({
      RealServerId: s.RealServerId,
      RealServerIP: s.RealServerIP,
      RealServerPort: port,
      RealServerWeight: 5,
    }));

  async function l7(listenerPort = 80) {
    const listenerId = (
      await h.ok('CreateHTTPListener', { ListenerName: 'w', Port: listenerPort, ProxyId: proxyId })
    ).ListenerId as string;
    await h.ok('CreateDomain', { ListenerId: listenerId, Domain: 'a.example.com' });
    const ruleId = (
      await h.ok('CreateRule', {
        ListenerId: listenerId,
        Domain: 'a.example.com',
        Path: '/',
        RealServerType: 'IP',
        Scheduler: 'rr',
        HealthCheck: 0,
      })
    ).RuleId as string;
    return { listenerId, ruleId };
  }

  it('keeps listener ports unique per proxy and transport', async () => {
    await tcpListener(80);
    expect(await codeOf('CreateTCPListeners', { ...TCP, Ports: [80], ProxyId: proxyId })).toBe(
      'InvalidParameterValue.DuplicatedListenerPort',
    );
    expect(await codeOf('CreateHTTPListener', { ListenerName: 'w', Port: 80, ProxyId: proxyId })).toBe(
      'InvalidParameterValue.DuplicatedListenerPort',
    );
    expect(await codeOf('CreateTCPListeners', { ...TCP, Ports: [81, 81], ProxyId: proxyId })).toBe(
      'InvalidParameterValue.DuplicatedListenerPort',
    );
    // UDP is another transport: the same number is free.
    expect(await codeOf('CreateUDPListeners', { ...TCP, Ports: [80], ProxyId: proxyId })).toBeUndefined();
    // HTTPS with HTTP/3 also takes the UDP port.
    const cert = (
      await h.ok('CreateCertificate', {
        CertificateType: 2,
        CertificateContent: FAKE_CERT,
        CertificateKey: FAKE_KEY,
      })
    ).CertificateId;
    await h.ok('CreateHTTPSListener', {
      ListenerName: 's',
      Port: 443,
      ProxyId: proxyId,
      CertificateId: cert,
      ForwardProtocol: 'HTTP',
      Http3Supported: 1,
    });
    expect(await codeOf('CreateUDPListeners', { ...TCP, Ports: [443], ProxyId: proxyId })).toBe(
      'InvalidParameterValue.DuplicatedListenerPort',
    );
    // Another proxy has its own ports.
    const other = await runningProxy(h);
    expect(await codeOf('CreateTCPListeners', { ...TCP, Ports: [80], ProxyId: other })).toBeUndefined();
  });

  it('binds listener real servers with full-replace semantics', async () => {
    const id = await tcpListener(80);
    const [a, b, c, d] = await addServers(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
    await h.ok('BindListenerRealServers', { ListenerId: id, RealServerBindSet: bindSet([a!, b!, c!]) });
    await h.ok('BindListenerRealServers', { ListenerId: id, RealServerBindSet: bindSet([c!, d!]) });
    const bound = await h.ok('DescribeListenerRealServers', { ListenerId: id });
    expect((bound.BindRealServerSet as { RealServerId: string }[]).map((x) => x.RealServerId)).toEqual([
      c!.RealServerId,
      d!.RealServerId,
    ]);
    expect(bound.BindRealServerTotalCount).toBe(2);
    const listed = await h.ok('DescribeTCPListeners', { ListenerId: id });
    expect(
      (listed.ListenerSet as { RealServerSet: { RealServerWeight: number }[] }[])[0]?.RealServerSet,
    ).toHaveLength(2);
    // An empty set unbinds everything.
    await h.ok('BindListenerRealServers', { ListenerId: id, RealServerBindSet: [] });
    expect((await h.ok('DescribeListenerRealServers', { ListenerId: id })).BindRealServerTotalCount).toBe(0);
  });

  it('refuses to bind a server of another project or with the wrong IP', async () => {
    const id = await tcpListener(80);
    const [foreign] = await addServers(['10.1.0.1'], 7);
    // BindListenerRealServers does not list RealServerNotInProject: its parent FailedOperation.
    expect(
      await codeOf('BindListenerRealServers', { ListenerId: id, RealServerBindSet: bindSet([foreign!]) }),
    ).toBe('FailedOperation');
    const [mine] = await addServers(['10.1.0.2']);
    expect(
      await codeOf('BindListenerRealServers', {
        ListenerId: id,
        RealServerBindSet: bindSet([{ ...mine!, RealServerIP: '9.9.9.9' }]),
      }),
    ).toBe('InvalidParameterValue.RealServerNotBelong');
  });

  it('binds rule real servers as a full replace; omitting the set unbinds all', async () => {
    const { ruleId } = await l7();
    const [a, b, c] = await addServers(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    await h.ok('BindRuleRealServers', { RuleId: ruleId, RealServerBindSet: bindSet([a!, b!]) });
    await h.ok('BindRuleRealServers', { RuleId: ruleId, RealServerBindSet: bindSet([c!]) });
    let rs = await h.ok('DescribeRuleRealServers', { RuleId: ruleId });
    expect((rs.BindRealServerSet as { RealServerId: string }[]).map((x) => x.RealServerId)).toEqual([
      c!.RealServerId,
    ]);
    expect(rs.TotalCount).toBe(3);
    await h.ok('BindRuleRealServers', { RuleId: ruleId });
    rs = await h.ok('DescribeRuleRealServers', { RuleId: ruleId });
    expect(rs.BindRealServerTotalCount).toBe(0);
  });

  it('blocks removing a bound real server and deleting parents with Force=0', async () => {
    const listenerId = await tcpListener(80);
    const [a] = await addServers(['10.0.0.1']);
    await h.ok('BindListenerRealServers', { ListenerId: listenerId, RealServerBindSet: bindSet([a!]) });
    expect(await codeOf('RemoveRealServers', { RealServerIds: [a!.RealServerId] })).toBe(
      'FailedOperation.RealServerAlreadyBound',
    );
    expect(await codeOf('DeleteListeners', { ListenerIds: [listenerId], Force: 0, ProxyId: proxyId })).toBe(
      'FailedOperation.RealServerAlreadyBound',
    );
    expect(await codeOf('DestroyProxies', { ProxyIds: [proxyId], Force: 0 })).toBe(
      'FailedOperation.RealServerAlreadyBound',
    );
    const { listenerId: webId, ruleId } = await l7(8080);
    const [b] = await addServers(['10.0.0.2']);
    await h.ok('BindRuleRealServers', { RuleId: ruleId, RealServerBindSet: bindSet([b!]) });
    expect(await codeOf('DeleteRule', { ListenerId: webId, RuleId: ruleId, Force: 0 })).toBe(
      'FailedOperation.RealServerAlreadyBound',
    );
    expect(await codeOf('DeleteDomain', { ListenerId: webId, Domain: 'a.example.com', Force: 0 })).toBe(
      'FailedOperation.RealServerAlreadyBound',
    );
    // Force=1 deletes and releases the bindings.
    await h.ok('DeleteDomain', { ListenerId: webId, Domain: 'a.example.com', Force: 1 });
    expect((await h.ok('DescribeRulesByRuleIds', { RuleIds: [ruleId] })).TotalCount).toBe(0);
    const del = await h.ok('DeleteListeners', {
      ListenerIds: [listenerId, 'listener-zzzzzzzz'],
      Force: 1,
      ProxyId: proxyId,
    });
    expect(del.OperationSucceedListenerSet).toEqual([listenerId]);
    expect(del.OperationFailedListenerSet).toEqual(['listener-zzzzzzzz']);
    await h.ok('RemoveRealServers', { RealServerIds: [a!.RealServerId, b!.RealServerId] });
  });

  it('blocks deleting a proxy group that still has proxies', async () => {
    const g = (
      await h.ok('CreateProxyGroup', { ProjectId: 0, GroupName: 'g', RealServerRegion: 'NorthChina' })
    ).GroupId as string;
    expect(g).toMatch(/^lg-[a-z0-9]{8}$/);
    await runningProxy(h, { GroupId: g, RealServerRegion: undefined });
    expect(await codeOf('DeleteProxyGroup', { GroupId: g, Force: 0 })).toBe(
      'FailedOperation.DeleteProxyGroupProxyRemained',
    );
    await h.ok('DeleteProxyGroup', { GroupId: g, Force: 1 });
    expect((await h.ok('DescribeProxyGroupList', { Offset: 0, Limit: 10, ProjectId: -1 })).TotalCount).toBe(
      0,
    );
  });

  it('refuses duplicate real servers in a project', async () => {
    await addServers(['10.0.0.1']);
    expect(
      await codeOf('AddRealServers', { ProjectId: 0, RealServerIP: ['10.0.0.1'], RealServerName: 'x' }),
    ).toBe('InvalidParameterValue.DuplicateRS');
    expect(
      await codeOf('AddRealServers', { ProjectId: 3, RealServerIP: ['10.0.0.1'], RealServerName: 'x' }),
    ).toBeUndefined();
  });

  it('protects certificates in use and separates metadata from content', async () => {
    const cert = (
      await h.ok('CreateCertificate', {
        CertificateType: 2,
        CertificateContent: FAKE_CERT,
        CertificateKey: FAKE_KEY,
        CertificateAlias: 'site',
      })
    ).CertificateId as string;
    expect(cert).toMatch(/^cert-[a-z0-9]{8}$/);
    const list = await h.ok('DescribeCertificates', {});
    expect(list.TotalCount).toBe(1);
    expect((list.CertificateSet as Record<string, unknown>[])[0]).not.toHaveProperty('CertificateKey');
    expect((list.CertificateSet as Record<string, unknown>[])[0]).not.toHaveProperty('CertificateContent');
    const detail = (await h.ok('DescribeCertificateDetail', { CertificateId: cert }))
      .CertificateDetail as Record<string, unknown>;
    expect(detail).toMatchObject({
      CertificateContent: FAKE_CERT,
      CertificateKey: FAKE_KEY,
      CertificateAlias: 'site',
    });
    const listenerId = (
      await h.ok('CreateHTTPSListener', {
        ListenerName: 's',
        Port: 443,
        ProxyId: proxyId,
        CertificateId: cert,
        ForwardProtocol: 'HTTPS',
      })
    ).ListenerId as string;
    expect(await codeOf('DeleteCertificate', { CertificateId: cert })).toBe(
      'FailedOperation.CertificateIsUsing',
    );
    // A domain using a certificate protects it as well.
    const cert2 = (
      await h.ok('CreateCertificate', {
        CertificateType: 2,
        CertificateContent: FAKE_CERT,
        CertificateKey: FAKE_KEY,
      })
    ).CertificateId;
    await h.ok('CreateDomain', { ListenerId: listenerId, Domain: 'b.example.com', CertificateId: cert2 });
    expect(await codeOf('DeleteCertificate', { CertificateId: cert2 })).toBe(
      'FailedOperation.CertificateIsUsing',
    );
    await h.ok('DeleteListeners', { ListenerIds: [listenerId], Force: 0, ProxyId: proxyId });
    await h.ok('DeleteCertificate', { CertificateId: cert });
    await h.ok('DeleteCertificate', { CertificateId: cert2 });
    // Content must look like PEM; SSL certificates need a key.
    expect(
      await codeOf('CreateCertificate', {
        CertificateType: 2,
        CertificateContent: 'hello',
        CertificateKey: FAKE_KEY,
      }),
    ).toBe('InvalidParameterValue.InvalidCertificateContent');
    expect(await codeOf('CreateCertificate', { CertificateType: 2, CertificateContent: FAKE_CERT })).toBe(
      'InvalidParameterValue.InvalidCertificateKey',
    );
  });

  it('enforces domain and rule uniqueness, the domain limit and the 3.0 version', async () => {
    const { listenerId } = await l7();
    expect(await codeOf('CreateDomain', { ListenerId: listenerId, Domain: 'a.example.com' })).toBe(
      'FailedOperation.DomainAlreadyExisted',
    );
    expect(
      await codeOf('CreateRule', {
        ListenerId: listenerId,
        Domain: 'a.example.com',
        Path: '/',
        RealServerType: 'IP',
        Scheduler: 'rr',
        HealthCheck: 0,
      }),
    ).toBe('FailedOperation.RuleAlreadyExisted');
    for (let i = 1; i < 100; i++)
      await h.ok('CreateDomain', { ListenerId: listenerId, Domain: `d${i}.example.com` });
    expect(await codeOf('CreateDomain', { ListenerId: listenerId, Domain: 'over.example.com' })).toBe(
      'LimitExceeded',
    );
    expect((await h.ok('DescribeRules', { ListenerId: listenerId })).TotalCount).toBe(100);
    // Layer-7 domains need a 3.0 proxy.
    const old = await runningProxy(h);
    const state = h.api.snapshot() as { proxies: Record<string, { Version: string }> };
    state.proxies[old]!.Version = '2.0';
    h.api.restore(state);
    const oldListener = (await h.ok('CreateHTTPListener', { ListenerName: 'o', Port: 80, ProxyId: old }))
      .ListenerId;
    expect(await codeOf('CreateDomain', { ListenerId: oldListener, Domain: 'x.example.com' })).toBe(
      'FailedOperation.ProxyVersionNotSupport',
    );
  });

  it('replaces a rule custom header set (NOTE: replace, not append) and refuses black-listed names', async () => {
    const { ruleId } = await l7();
    await h.ok('CreateCustomHeader', { RuleId: ruleId, Headers: [{ HeaderName: 'X-A', HeaderValue: '1' }] });
    await h.ok('CreateCustomHeader', {
      RuleId: ruleId,
      Headers: [{ HeaderName: 'X-B', HeaderValue: '$remote_addr' }],
    });
    expect((await h.ok('DescribeCustomHeader', { RuleId: ruleId })).Headers).toEqual([
      { HeaderName: 'X-B', HeaderValue: '$remote_addr' },
    ]);
    expect(
      await codeOf('CreateCustomHeader', {
        RuleId: ruleId,
        Headers: [{ HeaderName: 'host', HeaderValue: 'x' }],
      }),
    ).toBe('InvalidParameterValue.HitBlacklist');
    expect((await h.ok('DescribeBlackHeader', {})).BlackHeaders).toContain('Host');
  });

  it('pages with Offset/Limit and reports TotalCount', async () => {
    await addServers(Array.from({ length: 60 }, (_, i) => `10.2.0.${i + 1}`));
    const first = await h.ok('DescribeRealServers', { ProjectId: 0, Limit: 50 });
    expect(first.TotalCount).toBe(60);
    expect(first.RealServerSet).toHaveLength(50);
    const second = await h.ok('DescribeRealServers', { ProjectId: 0, Offset: 50, Limit: 50 });
    expect(second.RealServerSet).toHaveLength(10);
    const dflt = await h.ok('DescribeRealServers', { ProjectId: -1 });
    expect(dflt.RealServerSet).toHaveLength(20);
    for (let i = 0; i < 4; i++) await runningProxy(h, { ProxyName: `p${i}` });
    const proxies = await h.ok('DescribeProxies', { Offset: 2, Limit: 2, Order: 'asc' });
    expect(proxies.TotalCount).toBe(5);
    expect(proxies.ProxySet).toEqual(proxies.InstanceSet);
    expect((proxies.ProxySet as { ProxyName: string }[]).map((p) => p.ProxyName)).toEqual(['p1', 'p2']);
  });

  it('returns tags in Describe outputs, filters by TagSet (match any) and finds resources by tag', async () => {
    const tagged = await runningProxy(h, { TagSet: [{ TagKey: 'env', TagValue: 'prod' }] });
    const [rs] = await addServers(['10.3.0.1'], 0, [{ TagKey: 'env', TagValue: 'prod' }]);
    await addServers(['10.3.0.2'], 0, [{ TagKey: 'env', TagValue: 'dev' }]);
    const byTag = await h.ok('DescribeProxies', {
      TagSet: [
        { TagKey: 'env', TagValue: 'prod' },
        { TagKey: 'x', TagValue: 'y' },
      ],
    });
    expect((byTag.ProxySet as { ProxyId: string; TagSet: unknown[] }[]).map((p) => p.ProxyId)).toEqual([
      tagged,
    ]);
    expect((byTag.ProxySet as { TagSet: unknown[] }[])[0]?.TagSet).toEqual([
      { TagKey: 'env', TagValue: 'prod' },
    ]);
    const servers = await h.ok('DescribeRealServers', {
      ProjectId: -1,
      TagSet: [{ TagKey: 'env', TagValue: 'dev' }],
    });
    expect(servers.TotalCount).toBe(1);
    const found = await h.ok('DescribeResourcesByTag', { TagKey: 'env', TagValue: 'prod' });
    expect(found.ResourceSet).toEqual([
      { ResourceType: 'Proxy', ResourceId: tagged },
      { ResourceType: 'RealServer', ResourceId: rs!.RealServerId },
    ]);
    const onlyServers = await h.ok('DescribeResourcesByTag', {
      TagKey: 'env',
      TagValue: 'prod',
      ResourceType: 'RealServer',
    });
    expect(onlyServers.TotalCount).toBe(1);
  });

  it('replays the original answer for a repeated ClientToken and refuses its reuse for another request', async () => {
    const params = {
      ProjectId: 0,
      ProxyName: 'idem',
      AccessRegion: 'SouthChina',
      RealServerRegion: 'NorthChina',
      Bandwidth: 10,
      Concurrent: 2,
      ClientToken: 'tok-1',
    };
    const a = await h.ok('CreateProxy', params);
    const b = await h.ok('CreateProxy', params);
    expect(b.InstanceId).toBe(a.InstanceId);
    expect(b.RequestId).not.toBe(a.RequestId);
    expect(
      (await h.ok('DescribeProxies', { Filters: [{ Name: 'ProjectId', Values: ['0'] }] })).TotalCount,
    ).toBe(2);
    expect(await codeOf('CreateProxy', { ...params, ProxyName: 'other' })).toBe(
      'FailedOperation.DuplicatedRequest',
    );
  });

  it('filters proxies by Filters and Independent', async () => {
    const g = (
      await h.ok('CreateProxyGroup', { ProjectId: 5, GroupName: 'g', RealServerRegion: 'EastChina' })
    ).GroupId as string;
    const member = await runningProxy(h, { GroupId: g, ProjectId: 5, RealServerRegion: undefined });
    const inGroup = await h.ok('DescribeProxies', { Filters: [{ Name: 'GroupId', Values: [g] }] });
    expect((inGroup.ProxySet as { ProxyId: string; RealServerRegion: string }[])[0]).toMatchObject({
      ProxyId: member,
      RealServerRegion: 'EastChina',
    });
    expect((await h.ok('DescribeProxies', { Independent: 1 })).TotalCount).toBe(1);
    expect((await h.ok('DescribeProxies', { Independent: 0 })).TotalCount).toBe(1);
    expect(
      (await h.ok('DescribeProxies', { Filters: [{ Name: 'ProjectId', Values: ['5'] }] })).TotalCount,
    ).toBe(1);
  });

  it('persists all state through snapshot/restore as plain JSON', async () => {
    const listenerId = await tcpListener(80);
    const [a] = await addServers(['10.0.0.1']);
    await h.ok('BindListenerRealServers', { ListenerId: listenerId, RealServerBindSet: bindSet([a!]) });
    const json = JSON.stringify(h.api.snapshot());
    const h2 = await startGaap();
    try {
      h2.api.restore(JSON.parse(json));
      const l = await h2.ok('DescribeTCPListeners', { ProxyId: proxyId });
      expect((l.ListenerSet as { ListenerId: string; RealServerSet: unknown[] }[])[0]).toMatchObject({
        ListenerId: listenerId,
      });
      expect((l.ListenerSet as { RealServerSet: unknown[] }[])[0]?.RealServerSet).toHaveLength(1);
      expect(
        await h2.call('RemoveRealServers', { RealServerIds: [a!.RealServerId] }).then((r) => r.Error?.Code),
      ).toBe('FailedOperation.RealServerAlreadyBound');
    } finally {
      await h2.close();
    }
    h.admin('reset');
    expect((await h.ok('DescribeProxies', {})).TotalCount).toBe(0);
  });

  it('rolls back a write that fails half-way', async () => {
    const { listenerId } = await l7();
    const before = JSON.stringify(h.api.snapshot());
    // BasicAuth=1 without a configuration fails after the switch was copied.
    expect(
      await codeOf('SetAuthentication', { ListenerId: listenerId, Domain: 'a.example.com', BasicAuth: 1 }),
    ).toBe('MissingParameter');
    expect(JSON.stringify(h.api.snapshot())).toBe(before);
    // Several parts (numbers, an array replaced, a string) copied before the failure: all undone.
    expect(
      await codeOf('SetAuthentication', {
        ListenerId: listenerId,
        Domain: 'a.example.com',
        RealServerAuth: 0,
        TLSSupportVersion: ['TLSv1.2'],
        TLSCiphers: 'GAAP_TLS_CIPHERS_STRICT',
        BasicAuth: 1,
      }),
    ).toBe('MissingParameter');
    expect(JSON.stringify(h.api.snapshot())).toBe(before);
    // The next write works on the same records, and its result holds no trace of the failed one.
    await h.ok('SetAuthentication', {
      ListenerId: listenerId,
      Domain: 'a.example.com',
      TLSCiphers: 'GAAP_TLS_CIPHERS_STRICT',
    });
    const domain = Object.values(
      (
        h.api.snapshot() as {
          domains: Record<string, { BasicAuth: number; TLSSupportVersion: string[]; TLSCiphers: string }>;
        }
      ).domains,
    )[0]!;
    expect(domain.BasicAuth).toBe(0);
    expect(domain.TLSCiphers).toBe('GAAP_TLS_CIPHERS_STRICT');
  });

  it('models security rules and global domains as stateful objects', async () => {
    const policyId = (await h.ok('CreateSecurityPolicy', { DefaultAction: 'DROP', ProxyId: proxyId }))
      .PolicyId as string;
    expect(await codeOf('CreateSecurityPolicy', { DefaultAction: 'DROP', ProxyId: proxyId })).toBe(
      'FailedOperation.ProxySecurityPolicyExisted',
    );
    const rules = await h.ok('CreateSecurityRules', {
      PolicyId: policyId,
      RuleList: [
        {
          SourceCidr: '10.0.0.0/8',
          Action: 'ACCEPT',
          Protocol: 'TCP',
          DestPortRange: '80,443',
          AliasName: 'x'.repeat(40),
        },
      ],
    });
    const ruleId = (rules.RuleIdList as string[])[0]!;
    expect(ruleId).toMatch(/^sr-[a-z0-9]{8}$/);
    const got = await h.ok('DescribeSecurityRules', { SecurityRuleIds: [ruleId] });
    expect((got.SecurityRuleSet as { AliasName: string }[])[0]?.AliasName).toHaveLength(30);
    expect(
      await codeOf('CreateSecurityRules', {
        PolicyId: policyId,
        RuleList: [{ SourceCidr: '10.0.0.0/8', Action: 'ACCEPT', Protocol: 'TCP', DestPortRange: '80,443' }],
      }),
    ).toBe('FailedOperation.ProxySecurityPolicyDuplicatedRule');
    const domainId = (
      await h.ok('CreateGlobalDomain', {
        ProjectId: 0,
        DefaultValue: '1.1.1.1',
        TagSet: [{ TagKey: 'a', TagValue: 'b' }],
      })
    ).DomainId as string;
    expect(domainId).toMatch(/^dm-[a-z0-9]{8}$/);
    await h.ok('CreateGlobalDomainDns', {
      DomainId: domainId,
      ProxyIdList: [proxyId],
      NationCountryInnerCodes: ['101001'],
    });
    const domains = await h.ok('DescribeGlobalDomains', {
      ProjectId: -1,
      Offset: 0,
      Limit: 10,
      TagSet: [{ TagKey: 'a', TagValue: 'b' }],
    });
    expect((domains.Domains as { ProxyCount: number; TagSet: unknown[] }[])[0]).toMatchObject({
      ProxyCount: 1,
      TagSet: [{ TagKey: 'a', TagValue: 'b' }],
    });
    const detail = await h.ok('DescribeProxyDetail', { ProxyId: proxyId });
    expect(detail.ProxyDetail).toMatchObject({
      PolicyId: policyId,
      RelatedGlobalDomains: [domainId],
      Version: '3.0',
    });
    expect(await codeOf('DeleteGlobalDomain', { DomainId: domainId })).toBe('ResourceInUse');
  });

  it('creates and reads domain error pages', async () => {
    const { listenerId } = await l7();
    const id = (
      await h.ok('CreateDomainErrorPageInfo', {
        ListenerId: listenerId,
        Domain: 'a.example.com',
        ErrorNos: [502, 504],
        Body: 'sorry',
        NewErrorNo: 200,
      })
    ).ErrorPageId as string;
    expect(id).toMatch(/^errorPage-[a-z0-9]{8}$/);
    const pages = await h.ok('DescribeDomainErrorPageInfoByIds', { ErrorPageIds: [id] });
    expect((pages.ErrorPageSet as Record<string, unknown>[])[0]).toMatchObject({
      ErrorNos: [502, 504],
      Body: 'sorry',
      Status: 0,
    });
    await h.ok('DeleteDomainErrorPageInfo', { ErrorPageId: id });
    expect(
      (await h.ok('DescribeDomainErrorPageInfo', { ListenerId: listenerId, Domain: 'a.example.com' }))
        .ErrorPageSet,
    ).toEqual([]);
  });
});
