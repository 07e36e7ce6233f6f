import { request } from 'node:http';
import type { GaapApiOptions } from '../../src/emulator/api-options.js';
import type { EmulatedApi } from '../../src/emulator/emulator-types.js';
import { createGaapApi } from '../../src/emulator/gaap/gaap-api.js';
import { type ServedApi, seededRandom, serveApi } from '../../src/emulator/server-kit.js';
import { sign } from '../../src/providers/gaap/tc3-sign.js';

export const SECRET_ID = 'AKIDTESTGAAP0000000000000000000000';
export const SECRET_KEY = 'test-secret-key-gaap-0000000000';

export interface GaapError {
  Code: string;
  Message: string;
}
export type GaapResponse = Record<string, unknown> & { RequestId: string; Error?: GaapError };

export interface CallOptions {
  secretId?: string;
  secretKey?: string;
  /** Seconds added to the signed timestamp (skew tests). */
  timestampOffset?: number;
  /** Rewrites the body after signing (tamper tests). */
  tamper?: (body: Buffer) => Buffer;
  /** Overrides the credential-scope date (signed consistently with it). */
  scopeDate?: string;
  authorization?: string | null;
  version?: string;
  method?: 'POST' | 'GET';
  /** Raw JSON body instead of JSON.stringify(params). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Credential-scope service signed for (default gaap). */
  service?: string;
  /** Host header sent and signed (default 127.0.0.1:PORT). */
  host?: string;
}

/** A fake clock both the emulator and the signing client read. */
export class FakeClock {
  constructor(public t = Date.UTC(2025, 4, 13, 8, 0, 0)) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

export interface GaapHarness {
  api: EmulatedApi;
  served: ServedApi;
  clock: FakeClock;
  port: number;
  call(action: string, params?: Record<string, unknown>, o?: CallOptions): Promise<GaapResponse>;
  /** call() that fails the test on an error envelope. */
  ok(action: string, params?: Record<string, unknown>): Promise<GaapResponse>;
  admin(op: string, body?: unknown): unknown;
  close(): Promise<void>;
}

export async function startGaap(over: Partial<GaapApiOptions> = {}): Promise<GaapHarness> {
  const clock = new FakeClock();
  const api = createGaapApi({
    now: clock.now,
    random: seededRandom(42),
    log: () => {},
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    strictService: false,
    rateLimit: 10_000,
    rateWindowMs: 1_000,
    asyncDelayMs: 0,
    ...over,
  });
  const served = await serveApi(api, {
    host: '127.0.0.1',
    port: 0,
    latencyMs: 0,
    faultRate: 0,
    dropRate: 0,
    dropAfterCommitRate: 0,
    random: seededRandom(7),
    now: clock.now,
    onMutated: () => {},
    log: () => {},
  });
  const port = Number(new URL(served.url).port);

  const call = (action: string, params: Record<string, unknown> = {}, o: CallOptions = {}) =>
    signedCall(port, clock, action, params, o);
  return {
    api,
    served,
    clock,
    port,
    call,
    async ok(action, params = {}) {
      const r = await call(action, params);
      if (r.Error) throw new Error(`${action} failed: ${r.Error.Code}: ${r.Error.Message}`);
      return r;
    },
    admin: (op, body) => api.admin?.(op, body ?? {}),
    close: () => served.close(),
  };
}

function flatten(prefix: string, v: unknown, out: [string, string][]): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      flatten(`${prefix}.${i}`, x, out);
    });
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, x, out);
  } else out.push([prefix, String(v)]);
}

export async function signedCall(
  port: number,
  clock: FakeClock,
  action: string,
  params: Record<string, unknown>,
  o: CallOptions = {},
): Promise<GaapResponse> {
  const method = o.method ?? 'POST';
  const host = o.host ?? `127.0.0.1:${port}`;
  const timestamp = Math.floor(clock.t / 1000) + (o.timestampOffset ?? 0);
  const contentType =
    method === 'GET' ? 'application/x-www-form-urlencoded' : 'application/json; charset=utf-8';
  let query = '';
  if (method === 'GET') {
    const pairs: [string, string][] = [];
    flatten('', params, pairs);
    query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  }
  const body = method === 'GET' ? '' : (o.rawBody ?? JSON.stringify(params));
  let authorization: string | undefined;
  if (o.authorization !== null) {
    const sig = sign(
      { secretId: o.secretId ?? SECRET_ID, secretKey: o.secretKey ?? SECRET_KEY },
      {
        method,
        host,
        contentType,
        payload: body,
        query,
        // A scope date other than the timestamp's is simulated by signing at that date's noon.
        timestamp: o.scopeDate ? Date.parse(`${o.scopeDate}T12:00:00Z`) / 1000 : timestamp,
        service: o.service ?? 'gaap',
        extraSignedHeaders: { 'x-tc-action': action },
      },
    );
    authorization = sig.authorization;
  }
  if (o.authorization) authorization = o.authorization;
  const sent = o.tamper ? o.tamper(Buffer.from(body)) : Buffer.from(body);
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    Host: host,
    'X-TC-Action': action,
    'X-TC-Version': o.version ?? '2018-05-29',
    'X-TC-Timestamp': String(timestamp),
    'X-TC-Region': 'ap-guangzhou',
    ...o.headers,
  };
  if (authorization) headers.Authorization = authorization;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path: method === 'GET' ? `/?${query}` : '/', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Response: GaapResponse };
            resolve(parsed.Response);
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(sent);
  });
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A RUNNING proxy (asyncDelayMs 0 makes CREATING end at once). */
export async function runningProxy(h: GaapHarness, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await h.ok('CreateProxy', {
    ProjectId: 0,
    ProxyName: 'p1',
    AccessRegion: 'SouthChina',
    RealServerRegion: 'NorthChina',
    Bandwidth: 10,
    Concurrent: 2,
    ...extra,
  });
  return r.InstanceId as string;
}

/** A self-signed-looking PEM that passes the emulator's shape checks (not parsed as X.509). */
export const FAKE_CERT = encodeURIComponent('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
export const FAKE_KEY = encodeURIComponent('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
