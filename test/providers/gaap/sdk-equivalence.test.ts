import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { GAAP_ACTIONS } from '../../../src/providers/gaap/gaap-action-meta.js';
import { buildGaapHeaders, GAAP_CONTENT_TYPE } from '../../../src/providers/gaap/gaap-request.js';
import type { Tc3Credentials } from '../../../src/providers/gaap/tc3-sign.js';

// The official SDK's signer, called directly (it is CommonJS).
const require = createRequire(import.meta.url);
const Sign = (require('tencentcloud-sdk-nodejs/tencentcloud/common/sign.js') as { default: SdkSign }).default;
interface SdkSign {
  sign3(opts: {
    method: string;
    url: string;
    payload: Buffer;
    timestamp: number;
    service: string;
    secretId: string;
    secretKey: string;
    multipart: boolean;
    boundary?: string;
    headers: Record<string, string>;
  }): string;
}

/** Deterministic generator (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTIONS = Object.keys(GAAP_ACTIONS);
const TEXTS = [
  '未命名',
  'été',
  'Ωmega',
  '🚀 rocket',
  'plain',
  'tab\tand\nnewline',
  '"quoted"',
  'back\\slash',
  'ß',
  '',
];
const REGIONS = [undefined, 'ap-guangzhou', 'ap-hongkong', 'na-ashburn'];
const HOSTS = [
  'gaap.tencentcloudapi.com',
  'gaap.ap-guangzhou.tencentcloudapi.com',
  'gaap.ap-shanghai-fsi.tencentcloudapi.com',
];
// UTC midnight of several days, including a leap day and a year boundary.
const MIDNIGHTS = [
  Date.UTC(2019, 1, 26),
  Date.UTC(2024, 1, 29),
  Date.UTC(2025, 0, 1),
  Date.UTC(2026, 5, 30),
].map((ms) => ms / 1000);

interface Case {
  name: string;
  action: string;
  host: string;
  region: string | undefined;
  timestamp: number;
  credentials: Tc3Credentials;
  body: Buffer;
}

function makeCases(n: number): Case[] {
  const r = rng(20240229);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const alnum = (len: number) =>
    Array.from(
      { length: len },
      () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(r() * 62)],
    ).join('');
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const action = pick(ACTIONS);
    // Within ±90 s of a UTC midnight for most cases, so the credential-scope date flips.
    const timestamp =
      i % 4 === 3
        ? 1_500_000_000 + Math.floor(r() * 300_000_000)
        : pick(MIDNIGHTS) + Math.floor(r() * 181) - 90;
    const temporary = r() < 0.4;
    const credentials: Tc3Credentials = {
      secretId: `AKID${alnum(32)}`,
      secretKey: alnum(32),
      ...(temporary ? { token: `${alnum(40)}==` } : {}),
    };
    const payload: Record<string, unknown> = {};
    const fields = Math.floor(r() * 5);
    for (let f = 0; f < fields; f++) {
      const kind = Math.floor(r() * 4);
      const key = `${pick(['ProxyName', 'Domain', 'ListenerName', 'Path', 'Alias'])}${f}`;
      if (kind === 0) payload[key] = `${pick(TEXTS)}${pick(TEXTS)}`;
      else if (kind === 1) payload[key] = Math.floor(r() * 1e9);
      else if (kind === 2) payload[key] = [pick(TEXTS), `link-${alnum(8)}`];
      else payload[key] = { TagKey: pick(TEXTS), TagValue: pick(TEXTS) };
    }
    cases.push({
      name: `#${i} ${action} t=${timestamp}${temporary ? ' sts' : ''}`,
      action,
      host: pick(HOSTS),
      region: pick(REGIONS),
      timestamp,
      credentials,
      body: Buffer.from(JSON.stringify(payload), 'utf8'),
    });
  }
  return cases;
}

const CASES = makeCases(240);

describe('edgeform signing equals the official SDK (tencentcloud-sdk-nodejs Sign.sign3)', () => {
  it('covers non-ASCII bodies, STS tokens, regions and both sides of UTC midnight', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(200);
    expect(CASES.some((c) => c.body.length !== c.body.toString('utf8').length)).toBe(true);
    expect(CASES.some((c) => c.credentials.token)).toBe(true);
    expect(CASES.some((c) => c.region)).toBe(true);
    const dates = new Set(CASES.map((c) => new Date(c.timestamp * 1000).toISOString().slice(0, 10)));
    expect(dates.has('2024-02-28') && dates.has('2024-02-29') && dates.has('2024-12-31')).toBe(true);
  });

  it.each(CASES)('$name', (c) => {
    // NOTE: the SDK signs only content-type;host, so this compares edgeform in that mode; the
    // x-tc-action mode is pinned by the seed's own example (tc3-sign.test.ts).
    const headers = buildGaapHeaders({
      action: c.action,
      body: c.body,
      host: c.host,
      timestamp: c.timestamp,
      credentials: c.credentials,
      region: c.region,
      signActionHeader: false,
    });
    const sdk = Sign.sign3({
      method: 'POST',
      url: `https://${c.host}/`,
      payload: c.body,
      timestamp: c.timestamp,
      service: 'gaap',
      secretId: c.credentials.secretId,
      secretKey: c.credentials.secretKey,
      multipart: false,
      headers: { 'Content-Type': GAAP_CONTENT_TYPE },
    });
    expect(headers.authorization).toBe(sdk);
    expect(headers['x-tc-token']).toBe(c.credentials.token);
  });
});
