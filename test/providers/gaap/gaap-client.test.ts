import { afterEach, describe, expect, it } from 'vitest';
import type { EdgeformEvent } from '../../../src/core/event-types.js';
import { GaapClient, type GaapClientOptions } from '../../../src/providers/gaap/gaap-client.js';
import { gaapCredentialsFromEnv } from '../../../src/providers/gaap/gaap-credentials.js';
import { GaapApiError } from '../../../src/providers/gaap/gaap-errors.js';
import { GAAP_CONTENT_TYPE } from '../../../src/providers/gaap/gaap-request.js';
import { sign, utcDate } from '../../../src/providers/gaap/tc3-sign.js';
import {
  apiError,
  type RecordedRequest,
  type Reply,
  startTestServer,
  type TestServer,
} from './test-server.js';

const CREDS = { secretId: 'AKIDtestid', secretKey: 'test-secret-key-value' };
const STS = { ...CREDS, token: 'sts-session-token' };

let server: TestServer | undefined;
let client: GaapClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

/** A clock that moves 1.5 s per reading, so every attempt gets its own X-TC-Timestamp. */
function steppingClock(start = Date.UTC(2025, 4, 13, 23, 59, 50)) {
  let t = start;
  return () => {
    t += 1500;
    return t;
  };
}

async function setup(
  handler: (req: RecordedRequest, i: number) => Reply,
  opts: Partial<GaapClientOptions> = {},
) {
  server = await startTestServer(handler);
  const events: EdgeformEvent[] = [];
  client = new GaapClient({
    credentials: CREDS,
    endpoint: server.url,
    events: (e) => events.push(e),
    rateLimitPerSecond: 1000,
    retry: { baseMs: 1, maxMs: 4, busyBaseMs: 1, busyMaxMs: 4, throttleWaitMs: 2 },
    ...opts,
  });
  return { server, client, events };
}

/** Recomputes the signature over exactly what the server received. */
function verifies(req: RecordedRequest, secretKey = CREDS.secretKey): boolean {
  const auth = String(req.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const extra: Record<string, string> = {};
  for (const h of signedHeaders) if (h !== 'content-type' && h !== 'host') extra[h] = String(req.headers[h]);
  const s = sign(
    { secretId: CREDS.secretId, secretKey },
    {
      method: 'POST',
      host: String(req.headers.host),
      contentType: String(req.headers['content-type']),
      payload: req.raw,
      timestamp: Number(req.headers['x-tc-timestamp']),
      service: 'gaap',
      extraSignedHeaders: extra,
    },
  );
  return s.authorization === auth;
}

describe('GaapClient: request shape', () => {
  it('sends a signed POST with the documented headers and a verifiable signature', async () => {
    const { server, client } = await setup(() => ({ response: { TotalCount: 0, ProxyGroupList: [] } }), {
      region: 'ap-guangzhou',
    });
    const res = await client.call('DescribeProxyGroupList', { Offset: 0, Limit: 100, ProjectId: -1 });
    expect(res.TotalCount).toBe(0);
    expect(res.RequestId).toBe('req-1');
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe(GAAP_CONTENT_TYPE);
    expect(req.headers['x-tc-action']).toBe('DescribeProxyGroupList');
    expect(req.headers['x-tc-version']).toBe('2018-05-29');
    expect(req.headers['x-tc-region']).toBe('ap-guangzhou');
    expect(req.headers['x-tc-token']).toBeUndefined();
    expect(req.headers.authorization).toMatch(/SignedHeaders=content-type;host;x-tc-action,/);
    expect(req.body).toEqual({ Offset: 0, Limit: 100, ProjectId: -1 });
    expect(verifies(req)).toBe(true);
  });

  it('omits X-TC-Region for actions whose catalog says Region is not used, and when none is configured', async () => {
    const { server, client } = await setup(
      () => ({ response: { TotalCount: 0, ProxySet: [], InstanceSet: [] } }),
      {
        region: 'ap-guangzhou',
      },
    );
    await client.call('DescribeProxies', {});
    expect(server.requests[0]!.headers['x-tc-region']).toBeUndefined();
    await client.call('DescribeCertificates', {});
    expect(server.requests[1]!.headers['x-tc-region']).toBe('ap-guangzhou');
    await client.close();
    const noRegion = new GaapClient({ credentials: CREDS, endpoint: server.url });
    await noRegion.call('DescribeCertificates', {});
    await noRegion.close();
    expect(server.requests[2]!.headers['x-tc-region']).toBeUndefined();
  });

  it('sends X-TC-Token only with temporary credentials; UTF-8 bodies sign correctly', async () => {
    const { server, client } = await setup(() => ({ response: {} }), { credentials: STS });
    await client.call('ModifyRealServerName', { RealServerName: '源站-été 🚀', RealServerId: 'rs-1' });
    const req = server.requests[0]!;
    expect(req.headers['x-tc-token']).toBe('sts-session-token');
    expect(req.body.RealServerName).toBe('源站-été 🚀');
    expect(verifies(req)).toBe(true);
  });

  it('never puts the secret key or token in errors or events', async () => {
    const { client, events } = await setup(() => apiError('AuthFailure.SignatureFailure', 'bad sig'), {
      credentials: STS,
    });
    const err = await client.call('DescribeCertificates', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GaapApiError);
    const text = JSON.stringify([
      String(err),
      (err as GaapApiError).resolution,
      (err as GaapApiError).details,
      events,
    ]);
    expect(text).not.toContain(STS.secretKey);
    expect(text).not.toContain(STS.token);
  });
});

describe('GaapClient: retries', () => {
  it('re-signs every attempt (new timestamp, new signature) and keeps the ClientToken', async () => {
    const { server, client, events } = await setup(
      (_r, i) => (i < 2 ? apiError('InternalError') : { response: { InstanceId: 'link-1' } }),
      { now: steppingClock() },
    );
    const res = await client.call(
      'CreateProxy',
      {
        ProjectId: 0,
        ProxyName: 'p',
        AccessRegion: 'HongKong',
        Bandwidth: 10,
        Concurrent: 2,
        RealServerRegion: 'SouthChina',
      },
      { clientToken: 'edgeform-token-1' },
    );
    expect(res.InstanceId).toBe('link-1');
    const reqs = server.requests;
    expect(reqs).toHaveLength(3);
    expect(new Set(reqs.map((r) => r.headers['x-tc-timestamp'])).size).toBe(3);
    expect(new Set(reqs.map((r) => r.headers.authorization)).size).toBe(3);
    expect(reqs.map((r) => r.body.ClientToken)).toEqual([
      'edgeform-token-1',
      'edgeform-token-1',
      'edgeform-token-1',
    ]);
    // Same bytes each time: only the signature changes.
    expect(new Set(reqs.map((r) => r.raw.toString('hex'))).size).toBe(1);
    expect(reqs.every((r) => verifies(r))).toBe(true);
    // Timestamps straddle UTC midnight: the credential-scope date follows each attempt's timestamp.
    const dates = reqs.map(
      (r) => /Credential=[^/]+\/(\d{4}-\d{2}-\d{2})/.exec(String(r.headers.authorization))?.[1],
    );
    expect(dates).toEqual(reqs.map((r) => utcDate(Number(r.headers['x-tc-timestamp']))));
    expect(new Set(dates)).toEqual(new Set(['2025-05-13', '2025-05-14']));
    expect(events.filter((e) => e.kind === 'retry')).toHaveLength(2);
    expect(events.filter((e) => e.kind === 'api-call').map((e) => (e as { status: string }).status)).toEqual([
      'error',
      'error',
      'ok',
    ]);
  });

  it('refuses a ClientToken on actions that do not accept one', async () => {
    const { client } = await setup(() => ({ response: {} }));
    await expect(client.call('CreateRule', {} as never, { clientToken: 't' })).rejects.toMatchObject({
      code: 'GAAP_CLIENT_TOKEN_UNSUPPORTED',
    });
  });

  it('absorbs throttled answers without surfacing them, and reports them as throttled events', async () => {
    const { server, client, events } = await setup((_r, i) =>
      i < 3 ? apiError('RequestLimitExceeded') : { response: { RuleId: 'rule-1' } },
    );
    const res = await client.call('CreateRule', {
      ListenerId: 'listener-1',
      Domain: 'a.example.com',
      Path: '/',
      RealServerType: 'IP',
      Scheduler: 'rr',
      HealthCheck: 0,
    });
    expect(res.RuleId).toBe('rule-1');
    expect(server.requests).toHaveLength(4);
    expect(events.filter((e) => e.kind === 'throttled')).toHaveLength(3);
  });

  it('retries busy objects with backoff, then gives up with the last error shown', async () => {
    const { server, client } = await setup((_r, i) =>
      i < 2 ? apiError('FailedOperation.ListenerHasTask') : { response: {} },
    );
    await client.call('ModifyHTTPListenerAttribute', { ListenerId: 'listener-1', ListenerName: 'n' });
    expect(server.requests).toHaveLength(3);

    await client.close();
    await server.close();
    const again = await setup(
      (_r, i) => apiError('FailedOperation.ProxyStatusNotInRuning', `still busy ${i}`),
      {
        retry: { busyBaseMs: 1, busyMaxMs: 2, busyMaxAttempts: 4 },
      },
    );
    const err = (await again.client
      .call('CreateHTTPListener', { ListenerName: 'l', Port: 80, ProxyId: 'link-1' })
      .catch((e: unknown) => e)) as GaapApiError;
    expect(again.server.requests).toHaveLength(4);
    expect(err.errorClass).toBe('busy');
    expect(err.code).toBe('GAAP_BUSY');
    expect(err.message).toContain('still busy 3');
    expect(err.message).toContain('RequestId req-4');
    expect(err.message).toContain('after 4 attempts');
    expect(err.details).toHaveLength(3);
  });

  it('does not repeat a non-idempotent write after a dropped connection: ambiguous error', async () => {
    const { server, client } = await setup(() => 'drop');
    const err = (await client
      .call('AddRealServers', { ProjectId: 0, RealServerIP: ['1.1.1.1'], RealServerName: 'rs' })
      .catch((e: unknown) => e)) as GaapApiError;
    expect(server.requests).toHaveLength(1);
    expect(err).toBeInstanceOf(GaapApiError);
    expect(err.errorClass).toBe('ambiguous');
    expect(err.code).toBe('GAAP_AMBIGUOUS');
    expect(err.resolution).toMatch(/Re-run plan/);
  });

  it('repeats reads after a dropped connection, and writes carrying a ClientToken', async () => {
    const { server, client } = await setup((r, i) =>
      i % 2 === 0
        ? 'drop'
        : r.action === 'DescribeCertificates'
          ? { response: { CertificateSet: [], TotalCount: 0 } }
          : { response: {} },
    );
    await client.call('DescribeCertificates', {});
    expect(server.requests).toHaveLength(2);
    await client.call('OpenProxies', { ProxyIds: ['link-1'] }, { clientToken: 'tok' });
    expect(server.requests).toHaveLength(4);
    expect(server.requests[2]!.body.ClientToken).toBe('tok');
    expect(server.requests[3]!.body.ClientToken).toBe('tok');
  });

  it('retries a read past the 8 attempts of a write, until the time of the call is spent', async () => {
    // Fifteen InternalErrors, then the answer: a plan needs it (8 attempts left about one plan in
    // 1,000 failing under 24 % faults).
    const { server, client } = await setup((r, i) =>
      i < 15
        ? apiError('InternalError')
        : r.action === 'DescribeCertificates'
          ? { response: { CertificateSet: [], TotalCount: 0 } }
          : { response: {} },
    );
    const res = await client.call('DescribeCertificates', {});
    expect(res.TotalCount).toBe(0);
    expect(server.requests).toHaveLength(16);
    // A write that may be repeated (a ClientToken) keeps the 8 attempts.
    const before = server.requests.length;
    await client.close();
    await server.close();
    const again = await setup(() => apiError('InternalError'));
    const err = (await again.client
      .call('OpenProxies', { ProxyIds: ['link-1'] }, { clientToken: 'tok' })
      .catch((e: unknown) => e)) as GaapApiError;
    expect(err.errorClass).toBe('internal');
    expect(again.server.requests).toHaveLength(8);
    expect(before).toBe(16);
  });

  it('gives a read up at readMaxAttempts, or once the time of the call would be spent', async () => {
    const { server, client } = await setup(() => apiError('InternalError'), {
      retry: { baseMs: 1, maxMs: 4, readMaxAttempts: 20 },
    });
    const err = (await client.call('DescribeCertificates', {}).catch((e: unknown) => e)) as GaapApiError;
    expect(err.errorClass).toBe('internal');
    expect(server.requests).toHaveLength(20);
    await client.close();
    await server.close();
    // The stepping clock moves 1.5 s a reading: 10 s of call time is a handful of attempts.
    const timed = await setup(() => apiError('InternalError'), {
      retry: { baseMs: 1, maxMs: 4, maxElapsedMs: 10_000 },
      now: steppingClock(),
    });
    const late = (await timed.client
      .call('DescribeCertificates', {})
      .catch((e: unknown) => e)) as GaapApiError;
    expect(late.errorClass).toBe('internal');
    expect(timed.server.requests.length).toBeGreaterThan(1);
    expect(timed.server.requests.length).toBeLessThan(8);
  });

  it('does not retry a read once the client is closed (a run that ended closes its clients)', async () => {
    const { server, client } = await setup(() => apiError('InternalError'), {
      retry: { baseMs: 1000, maxMs: 1000 },
      random: () => 1,
    });
    const started = Date.now();
    const read = client.call('DescribeCertificates', {}).catch((e: unknown) => e);
    // The first InternalError is answered; the client closes during its backoff.
    await new Promise((r) => setTimeout(r, 100));
    await client.close();
    const err = (await read) as GaapApiError;
    expect(err).toBeInstanceOf(GaapApiError);
    expect(err.errorClass).toBe('internal');
    expect(server.requests).toHaveLength(1);
    // It waited out its backoff (1 s), not 24 attempts.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('does not retry internal errors on writes unless told the write is idempotent', async () => {
    const { server, client } = await setup((_r, i) =>
      i === 0 ? apiError('InternalError') : { response: {} },
    );
    const err = (await client
      .call('DeleteCertificate', { CertificateId: 'cert-1' })
      .catch((e: unknown) => e)) as GaapApiError;
    expect(err.errorClass).toBe('internal');
    expect(server.requests).toHaveLength(1);
    await client.call('DeleteCertificate', { CertificateId: 'cert-1' }, { idempotent: true });
    expect(server.requests).toHaveLength(2);
  });

  it('retries SignatureExpire once with a fresh signature, then fails pointing at the clock', async () => {
    const { server, client } = await setup(() => apiError('AuthFailure.SignatureExpire', 'expired'), {
      now: steppingClock(),
    });
    const err = (await client.call('DescribeCertificates', {}).catch((e: unknown) => e)) as GaapApiError;
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.headers.authorization).not.toBe(server.requests[1]!.headers.authorization);
    expect(err.errorClass).toBe('auth');
    expect(err.resolution).toMatch(/clock/);
  });

  it('fails fast on invalid input and names the parameter', async () => {
    const { server, client } = await setup(() =>
      apiError('InvalidParameterValue', 'The value of `Bandwidth` is invalid'),
    );
    const err = (await client
      .call('ModifyProxyConfiguration', { ProxyId: 'link-1', Bandwidth: 7 })
      .catch((e: unknown) => e)) as GaapApiError;
    expect(server.requests).toHaveLength(1);
    expect(err.code).toBe('GAAP_INVALID_INPUT');
    expect(err.parameter).toBe('Bandwidth');
    expect(err.message).toContain('parameter Bandwidth');
  });

  it('reports already-done without retrying so the caller can adopt', async () => {
    const { server, client } = await setup(() => apiError('FailedOperation.ProxySecurityAlreadyOpen'));
    const err = (await client
      .call('OpenSecurityPolicy', { PolicyId: 'sp-1' })
      .catch((e: unknown) => e)) as GaapApiError;
    expect(server.requests).toHaveLength(1);
    expect(err.errorClass).toBe('already-done');
  });

  it('treats a non-GAAP HTTP error as a dropped connection (gateway in between)', async () => {
    const { server, client } = await setup((r, i) =>
      i === 0 || r.action === 'DeleteCertificate'
        ? { status: 502, text: 'bad gateway' }
        : { response: { CertificateSet: [], TotalCount: 0 } },
    );
    await client.call('DescribeCertificates', {});
    expect(server.requests).toHaveLength(2);
    const err = (await client
      .call('DeleteCertificate', { CertificateId: 'c' })
      .catch((e: unknown) => e)) as GaapApiError;
    expect(server.requests).toHaveLength(3);
    expect(err.errorClass).toBe('ambiguous');
  });
});

describe('gaapCredentialsFromEnv', () => {
  it('reads the key pair and optional session token', () => {
    expect(gaapCredentialsFromEnv({ TENCENTCLOUD_SECRET_ID: 'id', TENCENTCLOUD_SECRET_KEY: 'key' })).toEqual({
      secretId: 'id',
      secretKey: 'key',
    });
    expect(
      gaapCredentialsFromEnv({
        TENCENTCLOUD_SECRET_ID: 'id',
        TENCENTCLOUD_SECRET_KEY: 'key',
        TENCENTCLOUD_SESSION_TOKEN: 't',
      }).token,
    ).toBe('t');
  });

  it('throws GAAP_CREDENTIALS_MISSING with a resolution, without echoing values', () => {
    try {
      gaapCredentialsFromEnv({ TENCENTCLOUD_SECRET_ID: 'visible-id-value' });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'GAAP_CREDENTIALS_MISSING', source: 'user' });
      expect((e as Error).message).toContain('TENCENTCLOUD_SECRET_KEY');
      expect((e as Error).message).not.toContain('visible-id-value');
      expect((e as { resolution: string }).resolution).toContain('TENCENTCLOUD_SECRET_ID');
    }
  });
});

describe('catalog-derived action metadata', () => {
  it('gives ClientToken to exactly the seven documented actions', async () => {
    const { GAAP_ACTIONS } = await import('../../../src/providers/gaap/gaap-action-meta.js');
    const withToken = Object.entries(GAAP_ACTIONS)
      .filter(([, m]) => m.clientToken)
      .map(([a]) => a)
      .sort();
    expect(withToken).toEqual([
      'CloseProxies',
      'CreateProxy',
      'DestroyProxies',
      'ModifyProxiesAttribute',
      'ModifyProxiesProject',
      'ModifyProxyConfiguration',
      'OpenProxies',
    ]);
    expect(Object.values(GAAP_ACTIONS).filter((m) => m.regionParam === 'not-used')).toHaveLength(18);
    expect(GAAP_ACTIONS.DescribeRealServers.rateLimitPerSecond).toBe(1000);
  });
});
