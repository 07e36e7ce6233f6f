import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBaishanApi } from '../../src/emulator/baishan/baishan-api.js';
import { type ServedApi, serveApi } from '../../src/emulator/server-kit.js';
import { shapeDiff } from './shape-diff.js';

/**
 * Every Baishan sample of the seeds replayed against the emulator: the 35 `domain/config` POST
 * samples of 001 and both GET samples of 003, from test/fixtures/seed-examples/baishan-samples.json
 * (scripts/extract-seed-examples.mjs; seed-fixtures.test.ts proves it current). Only the token is
 * replaced: the samples' "xxx" is a placeholder for the caller's own.
 */
interface Samples {
  post: { line: number; body: Record<string, unknown> & { config: Record<string, unknown> } }[];
  get: { query: string; body: Record<string, unknown>; response: Record<string, unknown> };
}
const samples = JSON.parse(
  readFileSync(new URL('../fixtures/seed-examples/baishan-samples.json', import.meta.url), 'utf8'),
) as Samples;

const TOKEN = 'tok-seed-replay';

/**
 * NOTE: 001's combined sample (line 784) sends ip_black_list and ip_white_list together, while its
 * own ip_black_list table says "黑白名单只能同时存在一种" (only one of the two lists can exist): the
 * emulator follows the table and answers 400.
 */
const CONTRADICTIONS: Record<number, string> = {
  784: 'ip_black_list and ip_white_list cannot be set in one call',
};
let served: ServedApi;

beforeAll(async () => {
  const now = () => 1_700_000_000_000;
  const api = createBaishanApi({
    now,
    random: Math.random,
    log: () => {},
    token: TOKEN,
    rateLimit: 10_000,
    rateWindowMs: 60_000,
    domains: [],
    // The samples name their own domains (example.com, aa.qingcdn.com, ...).
    autoDomains: true,
  });
  served = await serveApi(api, {
    host: '127.0.0.1',
    port: 0,
    latencyMs: 0,
    faultRate: 0,
    dropRate: 0,
    dropAfterCommitRate: 0,
    random: () => 0,
    now,
    onMutated: () => {},
    log: () => {},
  });
});
afterAll(() => served.close());

async function send(path: string, init: RequestInit = {}) {
  const res = await fetch(`${served.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { code: number } };
}

describe('Baishan seed samples replayed against the emulator', () => {
  it('extracts all 35 POST samples of 001', () => {
    expect(samples.post).toHaveLength(35);
  });

  for (const sample of samples.post) {
    const keys = Object.keys(sample.body.config);
    it(`001 line ${sample.line}: ${keys.join(', ')}`, async () => {
      const res = await send('/v2/domain/config', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...sample.body, token: TOKEN }),
      });
      const contradiction = CONTRADICTIONS[sample.line];
      if (contradiction) {
        expect(res.status).toBe(400);
        expect(String(res.body.message)).toContain(contradiction);
        return;
      }
      expect(res.body, JSON.stringify(res.body)).toMatchObject({ code: 0 });
      const echo = (res.body.data as { config: Record<string, unknown> }).config;
      expect(Object.keys(echo).sort()).toEqual(expect.arrayContaining([...keys].sort()));
    });
  }

  it('003 sample 1 (query) answers in the documented shape', async () => {
    await send('/v2/domain/config', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: TOKEN,
        domains: 'www.test.com',
        config: { referer: { type: 1, list: ['*.aaa.test.com', 'www.test.com'], allow_empty: true } },
      }),
    });
    const query = samples.get.query.replace(/token=[^&]*/, `token=${TOKEN}`);
    const res = await send(`/v2/domain/config?${query}`);
    expect(res.status).toBe(200);
    expect(shapeDiff(samples.get.response, res.body, 'answer')).toEqual([]);
  });

  it('003 sample 2 (JSON body on GET) is accepted', async () => {
    const body = JSON.stringify({ ...samples.get.body, token: TOKEN });
    const { request } = await import('node:http');
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${served.url}/v2/domain/config`,
        {
          method: 'GET',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 0 });
  });
});
