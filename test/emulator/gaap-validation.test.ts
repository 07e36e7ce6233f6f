import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../src/emulator/gaap/catalog.js';
import { FAKE_CERT, FAKE_KEY, type GaapHarness, runningProxy, startGaap } from './gaap-test-client.js';

const TCP = { ListenerName: 'l', Ports: [80], Scheduler: 'rr', HealthCheck: 1, RealServerType: 'IP' };

describe('GAAP emulator: catalog-driven validation', () => {
  let h: GaapHarness;
  let proxyId: string;
  beforeAll(async () => {
    h = await startGaap();
    proxyId = await runningProxy(h);
  });
  afterAll(() => h.close());

  const code = async (action: string, params: Record<string, unknown>) =>
    (await h.call(action, params)).Error?.Code;

  it('reports a missing required parameter', async () => {
    expect(await code('CreateProxy', { ProjectId: 0 })).toBe('MissingParameter');
    expect(await code('DescribeProxyGroupList', { Offset: 0, Limit: 10 })).toBe('MissingParameter');
  });

  it('reports unknown parameters, also inside structures', async () => {
    expect(await code('DescribeProxies', { Foo: 1 })).toBe('UnknownParameter');
    expect(await code('DescribeProxies', { Filters: [{ Name: 'GroupId', Values: ['x'], Extra: 1 }] })).toBe(
      'UnknownParameter',
    );
  });

  it('reports wrong types for scalars, arrays and structure fields', async () => {
    expect(await code('DescribeProxies', { Limit: 'ten' })).toBe('InvalidParameter');
    expect(await code('DescribeProxies', { Limit: '1.5' })).toBe('InvalidParameter');
    expect(await code('DescribeProxies', { Limit: 1.5 })).toBe('InvalidParameter');
    expect(await code('DescribeProxies', { ProxyIds: 'link-1' })).toBe('InvalidParameter');
    expect(await code('DescribeProxies', { TagSet: [{ TagKey: 'a', TagValue: 1 }] })).toBe(
      'InvalidParameter',
    );
    expect(
      await code('CreateDomain', { ListenerId: 'listener-x', Domain: 'a.com', IsDefaultServer: 'yes' }),
    ).toBe('InvalidParameter');
  });

  it('rejects a body that is not a JSON object', async () => {
    expect((await h.call('DescribeProxies', {}, { rawBody: '[1]' })).Error?.Code).toBe('InvalidParameter');
  });

  it('enforces enums and ranges from the descriptions', async () => {
    expect(await code('CreateTCPListeners', { ...TCP, ProxyId: proxyId, Scheduler: 'random' })).toBe(
      'InvalidParameterValue',
    );
    expect(await code('CreateTCPListeners', { ...TCP, ProxyId: proxyId, RealServerType: 'HOST' })).toBe(
      'InvalidParameterValue',
    );
    expect(await code('CreateTCPListeners', { ...TCP, ProxyId: proxyId, DelayLoop: 4 })).toBe(
      'InvalidParameterValue',
    );
    expect(await code('CreateTCPListeners', { ...TCP, ProxyId: proxyId, DelayLoop: 301 })).toBe(
      'InvalidParameterValue',
    );
    expect(await code('CreateTCPListeners', { ...TCP, ProxyId: proxyId, HealthyThreshold: 11 })).toBe(
      'InvalidParameterValue',
    );
    expect(await code('CreateTCPListeners', { ...TCP, ProxyId: proxyId, Ports: [70000] })).toBe(
      'InvalidParameterValue.InvalidListenerPort',
    );
    expect(await code('CreateCertificate', { CertificateType: 5, CertificateContent: 'x' })).toBe(
      'InvalidParameterValue',
    );
    expect(await code('CreateSecurityPolicy', { DefaultAction: 'ALLOW', ProxyId: proxyId })).toBe(
      'InvalidParameterValue',
    );
    expect(await code('DescribeProxies', { Filters: [{ Name: 'Color', Values: ['red'] }] })).toBe(
      'InvalidParameterValue',
    );
    expect(
      await code('CreateProxy', {
        ProjectId: 0,
        ProxyName: 'x'.repeat(33),
        AccessRegion: 'SouthChina',
        RealServerRegion: 'NorthChina',
        Bandwidth: 10,
        Concurrent: 2,
      }),
    ).toBe('InvalidParameterValue');
    expect(
      await code('CreateProxy', {
        ProjectId: 0,
        ProxyName: 'p',
        AccessRegion: 'SouthChina',
        RealServerRegion: 'NorthChina',
        Bandwidth: 10,
        Concurrent: 2,
        ClientToken: 't'.repeat(65),
      }),
    ).toBe('InvalidParameterValue');
  });

  it('checks structure fields of RuleCheckParams (Method, StatusCode)', async () => {
    const base = {
      ListenerId: 'listener-x',
      Domain: 'a.com',
      Path: '/',
      RealServerType: 'IP',
      Scheduler: 'rr',
      HealthCheck: 1,
    };
    const check = { DelayLoop: 10, ConnectTimeout: 5, Path: '/', Method: 'GET', StatusCode: [200] };
    expect(await code('CreateRule', { ...base, CheckParams: { ...check, Method: 'POST' } })).toBe(
      'InvalidParameterValue',
    );
    expect(await code('CreateRule', { ...base, CheckParams: { ...check, StatusCode: [200, 404] } })).toBe(
      'InvalidParameterValue',
    );
    expect(await code('CreateRule', { ...base, CheckParams: { ...check, ConnectTimeout: 10 } })).toBe(
      'InvalidParameterValue',
    );
  });

  it('requires ConnectTimeout < DelayLoop, also against stored values on modify', async () => {
    expect(
      await code('CreateTCPListeners', { ...TCP, ProxyId: proxyId, DelayLoop: 10, ConnectTimeout: 10 }),
    ).toBe('InvalidParameterValue');
    const created = await h.ok('CreateTCPListeners', {
      ...TCP,
      Ports: [9001],
      ProxyId: proxyId,
      DelayLoop: 10,
      ConnectTimeout: 5,
    });
    const listenerId = (created.ListenerIds as string[])[0];
    expect(
      await code('ModifyTCPListenerAttribute', {
        ListenerId: listenerId,
        ProxyId: proxyId,
        ConnectTimeout: 10,
      }),
    ).toBe('InvalidParameterValue');
  });

  it('requires exactly one of ProxyId and GroupId on listener actions', async () => {
    expect(await code('CreateTCPListeners', TCP)).toBe('MissingParameter');
    expect(await code('CreateTCPListeners', { ...TCP, ProxyId: proxyId, GroupId: 'lg-aaaaaaaa' })).toBe(
      'InvalidParameter',
    );
    expect(await code('DescribeTCPListeners', {})).toBe('MissingParameter');
    expect(await code('DescribeTCPListeners', { ProxyId: proxyId, GroupId: 'lg-aaaaaaaa' })).toBe(
      'InvalidParameter',
    );
  });

  it('applies the other cross-field rules', async () => {
    // RealServerRegion is required unless GroupId.
    expect(
      await code('CreateProxy', {
        ProjectId: 0,
        ProxyName: 'p',
        AccessRegion: 'SouthChina',
        Bandwidth: 10,
        Concurrent: 2,
      }),
    ).toBe('MissingParameter');
    expect(
      await code('DescribeProxies', { ProxyIds: [proxyId], Filters: [{ Name: 'ProjectId', Values: ['0'] }] }),
    ).toBe('InvalidParameter');
    expect(
      await code('CreateRule', {
        ListenerId: 'listener-x',
        Domain: 'a.com',
        Path: '/',
        RealServerType: 'IP',
        Scheduler: 'rr',
        HealthCheck: 0,
        ServerNameIndicationSwitch: 'ON',
      }),
    ).toBe('MissingParameter');
  });

  it('enforces the documented Limit maxima', async () => {
    expect(await code('DescribeProxies', { Limit: 100 })).toBeUndefined();
    expect(await code('DescribeProxies', { Limit: 101 })).toBe('InvalidParameterValue');
    expect(await code('DescribeProxyGroupList', { Offset: 0, Limit: 101, ProjectId: -1 })).toBe(
      'InvalidParameterValue',
    );
    expect(await code('DescribeRealServers', { ProjectId: -1, Limit: 50 })).toBeUndefined();
    expect(await code('DescribeRealServers', { ProjectId: -1, Limit: 51 })).toBe('InvalidParameterValue');
    expect(await code('DescribeRuleRealServers', { RuleId: 'rule-x', Limit: 1001 })).toBe(
      'InvalidParameterValue',
    );
  });

  it('validates every catalog action before its handler and answers well-formed envelopes', async () => {
    const known = new Set(catalog.commonErrors.map((e) => e.code));
    for (const [name, def] of Object.entries(catalog.actions)) {
      const r = await h.call(name, {});
      expect(r.RequestId, name).toBeTruthy();
      const requiresSomething = def.input.some((p) => p.required);
      if (requiresSomething) {
        expect(r.Error?.Code, name).toBe('MissingParameter');
        continue;
      }
      if (r.Error) {
        // Optional-only actions may still need one of several parameters or an existing object.
        expect(known.has(r.Error.Code), `${name}: ${r.Error.Code}`).toBe(true);
        continue;
      }
      for (const out of def.output) expect(r, `${name}.${out.name}`).toHaveProperty(out.name);
    }
  });
});

describe('GAAP emulator: request forms the tables forbid', () => {
  it('refuses SearchValue with Port or ListenerName, NetworkType triple in CheckProxyCreate, and ModifyHTTPSListenerAttribute without ProxyId', async () => {
    const h = await startGaap();
    try {
      const proxyId = await runningProxy(h);
      const search = (extra: Record<string, unknown>) =>
        h.call('DescribeTCPListeners', { ProxyId: proxyId, SearchValue: '80', ...extra });
      expect((await search({})).Error).toBeUndefined();
      expect((await search({ Port: 80 })).Error?.Code).toBe('InvalidParameter');
      expect((await search({ ListenerName: 'x' })).Error?.Code).toBe('InvalidParameter');
      const check = { AccessRegion: 'Guangzhou', RealServerRegion: 'Beijing', Bandwidth: 10, Concurrent: 2 };
      expect((await h.call('CheckProxyCreate', { ...check, NetworkType: 'cn2' })).Error).toBeUndefined();
      expect((await h.call('CheckProxyCreate', { ...check, NetworkType: 'triple' })).Error?.Code).toBe(
        'InvalidParameterValue',
      );
      const cert = await h.ok('CreateCertificate', {
        CertificateType: 2,
        CertificateContent: FAKE_CERT,
        CertificateKey: FAKE_KEY,
      });
      const https = await h.ok('CreateHTTPSListener', {
        ProxyId: proxyId,
        ListenerName: 's',
        Port: 443,
        ForwardProtocol: 'HTTP',
        CertificateId: cert.CertificateId,
      });
      const modify = { ListenerId: https.ListenerId, ListenerName: 't' };
      expect((await h.call('ModifyHTTPSListenerAttribute', modify)).Error?.Code).toBe('MissingParameter');
      expect(
        (await h.call('ModifyHTTPSListenerAttribute', { ...modify, ProxyId: proxyId })).Error,
      ).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});
