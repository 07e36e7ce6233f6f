import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../../src/emulator/index.js';
import { BaishanClient } from '../../../src/providers/baishan/baishan-client.js';
import {
  BAISHAN_READ_MAX_ATTEMPTS,
  DEFAULT_BAISHAN_RETRY_POLICY,
} from '../../../src/providers/baishan/baishan-retry-policy.js';

/**
 * A plan cannot go on without its reads: a GET is tried past the 8 attempts of a write, until the
 * time of the call is spent (8 left about one plan in 1,000 failing under 24 % faults).
 */
let emu: RunningEmulator;
let proxy: Server;
let proxyUrl: string;
/** The next this-many requests are answered 503 by the proxy, the rest forwarded to the emulator. */
let failNext = 0;
let seen = 0;

beforeAll(async () => {
  emu = await startEmulator({ baishanAutoDomains: true });
  const target = new URL(emu.baishan);
  proxy = createServer((req, res) => {
    seen++;
    if (failNext > 0) {
      failNext--;
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('busy');
      return;
    }
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => proxy.close(r));
  await emu.close();
});

// random 0: the shortest backoff (1 ms), so that twenty retries take no time.
const client = () =>
  new BaishanClient({
    endpoint: proxyUrl,
    token: EMULATOR_DEFAULTS.baishanToken,
    rateLimitPerMinute: 6000,
    random: () => 0,
  });

describe('BaishanClient reads', () => {
  it('a GET answered 503 twenty times in a row still gets its answer', async () => {
    expect(BAISHAN_READ_MAX_ATTEMPTS).toBeGreaterThan(20);
    const c = client();
    try {
      failNext = 20;
      seen = 0;
      const configs = await c.getConfig(['a.example.com'], ['origin']);
      expect(configs.map((d) => d.domain)).toEqual(['a.example.com']);
      expect(seen).toBe(21);
    } finally {
      await c.close();
    }
  });

  it('a GET gives up after BAISHAN_READ_MAX_ATTEMPTS, a POST after the write budget', async () => {
    const c = client();
    try {
      failNext = 1000;
      seen = 0;
      await expect(c.getConfig(['a.example.com'], ['origin'])).rejects.toThrow();
      expect(seen).toBe(BAISHAN_READ_MAX_ATTEMPTS);
      seen = 0;
      await expect(
        c.postConfig(['a.example.com'], { origin: { default_master: '1.2.3.4' } }),
      ).rejects.toThrow();
      expect(seen).toBe(DEFAULT_BAISHAN_RETRY_POLICY.maxAttempts);
    } finally {
      failNext = 0;
      await c.close();
    }
  });
});
