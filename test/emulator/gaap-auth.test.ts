import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GaapHarness, startGaap, UUID } from './gaap-test-client.js';

describe('GAAP emulator: transport and signature', () => {
  let h: GaapHarness;
  beforeEach(async () => {
    h = await startGaap();
  });
  afterEach(() => h.close());

  it('accepts a correctly signed request and answers with a fresh RequestId', async () => {
    const a = await h.call('DescribeAccessRegions');
    const b = await h.call('DescribeAccessRegions');
    expect(a.Error).toBeUndefined();
    expect(a.TotalCount).toBeGreaterThan(0);
    expect(a.RequestId).toMatch(UUID);
    expect(b.RequestId).toMatch(UUID);
    expect(a.RequestId).not.toBe(b.RequestId);
  });

  it('accepts GET with query parameters', async () => {
    const r = await h.call('DescribeDestRegions', { QualityType: 0 }, { method: 'GET' });
    expect(r.Error).toBeUndefined();
    expect(r.DestRegionSet).toEqual(
      expect.arrayContaining([expect.objectContaining({ RegionId: 'Guangzhou' })]),
    );
  });

  it('rebuilds arrays and structures from GET query parameters', async () => {
    await h.ok('AddRealServers', {
      ProjectId: 0,
      RealServerIP: ['10.0.0.1', '10.0.0.2'],
      RealServerName: 'a',
    });
    const r = await h.call(
      'DescribeRealServers',
      { ProjectId: 0, Limit: 1, Filters: [{ Name: 'RealServerIP', Values: ['10.0.0.2'] }] },
      { method: 'GET' },
    );
    expect(r.Error).toBeUndefined();
    expect(r.TotalCount).toBe(1);
    expect((r.RealServerSet as { RealServerIP: string }[])[0]?.RealServerIP).toBe('10.0.0.2');
  });

  it('rejects a body altered by one byte after signing', async () => {
    const r = await h.call(
      'DescribeProxies',
      { Limit: 10 },
      {
        tamper: (b) => {
          const c = Buffer.from(b);
          c[c.length - 2] = '2'.charCodeAt(0);
          return c;
        },
      },
    );
    expect(r.Error?.Code).toBe('AuthFailure.SignatureFailure');
    expect(r.RequestId).toMatch(UUID);
  });

  it('rejects a wrong secret key with SignatureFailure', async () => {
    const r = await h.call('DescribeProxies', {}, { secretKey: 'not-the-key' });
    expect(r.Error?.Code).toBe('AuthFailure.SignatureFailure');
  });

  it('rejects a timestamp more than 5 minutes off', async () => {
    expect((await h.call('DescribeProxies', {}, { timestampOffset: -301 })).Error?.Code).toBe(
      'AuthFailure.SignatureExpire',
    );
    expect((await h.call('DescribeProxies', {}, { timestampOffset: 301 })).Error?.Code).toBe(
      'AuthFailure.SignatureExpire',
    );
    expect((await h.call('DescribeProxies', {}, { timestampOffset: -299 })).Error).toBeUndefined();
  });

  it('rejects an unknown SecretId', async () => {
    const r = await h.call('DescribeProxies', {}, { secretId: 'AKIDUNKNOWN' });
    expect(r.Error?.Code).toBe('AuthFailure.SecretIdNotFound');
  });

  it('rejects a credential scope dated other than the UTC date of the timestamp', async () => {
    const r = await h.call('DescribeProxies', {}, { scopeDate: '2025-05-12' });
    expect(r.Error?.Code).toBe('AuthFailure.SignatureFailure');
  });

  it('rejects a missing or malformed Authorization header', async () => {
    expect((await h.call('DescribeProxies', {}, { authorization: null })).Error?.Code).toBe(
      'AuthFailure.SignatureFailure',
    );
    expect((await h.call('DescribeProxies', {}, { authorization: 'Bearer abc' })).Error?.Code).toBe(
      'AuthFailure.InvalidAuthorization',
    );
  });

  it('answers InvalidAction for an unknown action and NoSuchVersion for another version', async () => {
    expect((await h.call('DescribeEverything')).Error?.Code).toBe('InvalidAction');
    expect((await h.call('DescribeProxies', {}, { version: '2017-03-12' })).Error?.Code).toBe(
      'NoSuchVersion',
    );
  });

  it('answers an injected fault as InternalError in a 200 envelope', () => {
    const res = h.api.faultResponse({
      method: 'POST',
      path: '/',
      query: new URLSearchParams(),
      headers: {},
      body: Buffer.alloc(0),
      receivedAt: 0,
    });
    expect(res.status).toBe(200);
    const body = res.body as { Response: { Error: { Code: string }; RequestId: string } };
    expect(body.Response.Error.Code).toBe('InternalError');
    expect(body.Response.RequestId).toMatch(UUID);
  });

  it('counts requests per action in the server-kit stats', async () => {
    await h.call('DescribeProxies');
    await h.call('DescribeProxies');
    expect(h.served.stats.requests.DescribeProxies).toBe(2);
  });
});

describe('GAAP emulator: rate limit', () => {
  it('throttles per action within a fixed window and recovers in the next window', async () => {
    const h = await startGaap({ rateLimit: 2, rateWindowMs: 1_000 });
    try {
      expect((await h.call('DescribeProxies')).Error).toBeUndefined();
      expect((await h.call('DescribeProxies')).Error).toBeUndefined();
      const third = await h.call('DescribeProxies');
      expect(third.Error?.Code).toBe('RequestLimitExceeded');
      // Another action has its own window.
      expect((await h.call('DescribeCertificates')).Error).toBeUndefined();
      // DescribeRealServers keeps its own, larger limit.
      for (let i = 0; i < 5; i++)
        expect((await h.call('DescribeRealServers', { ProjectId: -1 })).Error).toBeUndefined();
      expect(h.served.stats.throttled).toBe(1);
      h.clock.advance(1_000);
      expect((await h.call('DescribeProxies')).Error).toBeUndefined();
    } finally {
      await h.close();
    }
  });

  it('does not process a throttled write', async () => {
    const h = await startGaap({ rateLimit: 1, rateWindowMs: 1_000 });
    try {
      await h.ok('AddRealServers', { ProjectId: 0, RealServerIP: ['10.0.0.1'], RealServerName: 'a' });
      const r = await h.call('AddRealServers', {
        ProjectId: 0,
        RealServerIP: ['10.0.0.2'],
        RealServerName: 'b',
      });
      expect(r.Error?.Code).toBe('RequestLimitExceeded');
      const list = await h.ok('DescribeRealServers', { ProjectId: -1 });
      expect(list.TotalCount).toBe(1);
    } finally {
      await h.close();
    }
  });
});

describe('GAAP emulator: usable by clients other than edgeform', () => {
  let h: GaapHarness;
  beforeEach(async () => {
    h = await startGaap();
  });
  afterEach(() => h.close());

  it('accepts the scope service a client derived from a non-tencentcloudapi.com Host, and no other', async () => {
    // The official SDKs sign for the endpoint's first label: "127" for 127.0.0.1:PORT.
    expect((await h.call('DescribeProxies', {}, { service: '127' })).Error).toBeUndefined();
    const other = await h.call('DescribeProxies', {}, { service: 'cvm' });
    expect(other.Error?.Code).toBe('AuthFailure.InvalidAuthorization');
    expect(other.Error?.Message).toContain('DATE/gaap/tc3_request');
    // A tencentcloudapi.com Host is the real service's: only gaap.
    const official = await h.call(
      'DescribeProxies',
      {},
      { service: 'gaap-eu', host: 'gaap-eu.tencentcloudapi.com' },
    );
    expect(official.Error?.Code).toBe('AuthFailure.InvalidAuthorization');
    // The HMAC is still verified with the derived service.
    const tampered = await h.call(
      'DescribeProxies',
      {},
      { service: '127', tamper: () => Buffer.from('{"Limit":1}') },
    );
    expect(tampered.Error?.Code).toBe('AuthFailure.SignatureFailure');
  });

  it('with strictService accepts only gaap, and says so', async () => {
    const strict = await startGaap({ strictService: true });
    try {
      const r = await strict.call('DescribeProxies', {}, { service: '127' });
      expect(r.Error?.Code).toBe('AuthFailure.InvalidAuthorization');
      expect(r.Error?.Message).toContain('--strict-service');
      expect((await strict.call('DescribeProxies', {})).Error).toBeUndefined();
    } finally {
      await strict.close();
    }
  });

  it('refuses X-TC-Token unless a session token is configured, naming the option', async () => {
    const r = await h.call('DescribeProxies', {}, { headers: { 'X-TC-Token': 'temp' } });
    expect(r.Error?.Code).toBe('AuthFailure.TokenFailure');
    expect(r.Error?.Message).toContain('--session-token');
  });

  it('refuses signature v1 naming v3', async () => {
    const q =
      'Action=DescribeProxies&Version=2018-05-29&Nonce=1&Timestamp=1&SecretId=x&SignatureMethod=HmacSHA256&Signature=abc';
    const res = await fetch(`http://127.0.0.1:${h.port}/?${q}`);
    const body = (await res.json()) as { Response: { Error: { Code: string; Message: string } } };
    expect(body.Response.Error.Code).toBe('AuthFailure.SignatureFailure');
    expect(body.Response.Error.Message).toContain('TC3-HMAC-SHA256');
  });

  it('answers an absolute-form request and refuses CONNECT at once', async () => {
    const { connect } = await import('node:net');
    const exchange = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(h.port, '127.0.0.1', () => socket.end(text));
        let got = '';
        socket.on('data', (c) => {
          got += c;
        });
        socket.on('end', () => resolve(got));
        socket.on('error', reject);
      });
    const tunnel = await exchange(
      'CONNECT gaap.tencentcloudapi.com:443 HTTP/1.1\r\nHost: gaap.tencentcloudapi.com:443\r\n\r\n',
    );
    expect(tunnel).toMatch(/^HTTP\/1\.1 405/);
    expect(tunnel).toContain('NO_PROXY');
    const absolute = await exchange(
      `GET http://127.0.0.1:${h.port}/?Action=DescribeProxies HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(absolute).toMatch(/^HTTP\/1\.1 200/);
    expect(absolute).toContain('"Response"');
  });
});
