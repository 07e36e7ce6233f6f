import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { startEmulator } from '../../src/emulator/index.js';
import { sign } from '../../src/providers/gaap/tc3-sign.js';

/**
 * A malformed request is answered as malformed — what the vendor's document names for it — not
 * as a signature or token failure: a client author must learn what is wrong with the request.
 */
const CREDS = { secretId: 'AKIDmalformed000000000000000000000001', secretKey: 'malformed-key' };
const TOKEN = 'malformed-token';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ ...CREDS, baishanToken: TOKEN, baishanDomains: ['m.example.com'] });
});
afterAll(async () => {
  await emu.close();
});

interface GaapAnswer {
  status: number;
  code: string | undefined;
  message: string;
}

/** POSTs `body` to the GAAP emulator, signed (TC3) over exactly what is sent. */
async function gaap(
  body: string,
  opts: { contentType?: string; action?: string | null; version?: string | null; signed?: boolean } = {},
): Promise<GaapAnswer> {
  const contentType = opts.contentType ?? 'application/json; charset=utf-8';
  const host = new URL(emu.gaap).host;
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-tc-timestamp': String(timestamp),
  };
  const action = opts.action === undefined ? 'DescribeProxies' : opts.action;
  const version = opts.version === undefined ? '2018-05-29' : opts.version;
  if (action !== null) headers['x-tc-action'] = action;
  if (version !== null) headers['x-tc-version'] = version;
  if (opts.signed !== false) {
    headers.authorization = sign(CREDS, {
      method: 'POST',
      host,
      contentType,
      payload: Buffer.from(body),
      timestamp,
      service: 'gaap',
    }).authorization;
  }
  const res = await fetch(emu.gaap, { method: 'POST', headers, body });
  const json = (await res.json()) as { Response?: { Error?: { Code?: string; Message?: string } } };
  return {
    status: res.status,
    code: json.Response?.Error?.Code,
    message: json.Response?.Error?.Message ?? '',
  };
}

describe('GAAP: malformed requests', () => {
  it('a well-formed signed request passes (the helper signs correctly)', async () => {
    expect((await gaap('{}')).code).toBeUndefined();
  });

  it('a body that is not JSON: InvalidParameter, signed or not', async () => {
    for (const signed of [true, false]) {
      const a = await gaap('{"Limit": 1,', { signed });
      expect(a.code, a.message).toBe('InvalidParameter');
      expect(a.message).toMatch(/not valid JSON/);
    }
    expect((await gaap('[1, 2]')).code).toBe('InvalidParameter');
  });

  it('no X-TC-Action: MissingParameter naming Action, signed or not', async () => {
    for (const signed of [true, false]) {
      const a = await gaap('{}', { action: null, signed });
      expect(a.code, a.message).toBe('MissingParameter');
      expect(a.message).toContain('Action');
    }
    const v = await gaap('{}', { version: null, signed: false });
    expect(v.code, v.message).toBe('MissingParameter');
    expect(v.message).toContain('Version');
  });

  it('an unknown action: InvalidAction, signed or not', async () => {
    for (const signed of [true, false])
      expect((await gaap('{}', { action: 'NoSuchThing', signed })).code).toBe('InvalidAction');
  });

  it('a Content-Type the API does not take: UnsupportedProtocol naming it, signed or not', async () => {
    for (const contentType of ['text/plain', 'application/xml', '']) {
      for (const signed of [true, false]) {
        const a = await gaap('{}', { contentType, signed });
        expect(a.code, `${contentType}: ${a.message}`).toBe('UnsupportedProtocol');
        expect(a.message).toContain('application/json');
      }
    }
  });

  it('a well-formed request without a signature is still a signature failure', async () => {
    expect((await gaap('{}', { signed: false })).code).toBe('AuthFailure.SignatureFailure');
  });
});

async function baishan(
  method: 'GET' | 'POST',
  query: string,
  body?: string,
  contentType = 'application/json',
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${emu.baishan}/v2/domain/config${query}`, {
    method,
    headers: { 'content-type': contentType },
    ...(body === undefined ? {} : { body }),
  });
  return { status: res.status, text: await res.text() };
}

describe('Baishan: malformed requests', () => {
  it('a body that is not JSON, token in the body: 400 naming the body, not 401', async () => {
    const a = await baishan('POST', '', `{"token":"${TOKEN}","domains":"m.example.com","config":{`);
    expect(a.status, a.text).toBe(400);
    expect(a.text).toMatch(/not valid JSON/);
  });

  it('a body that is not JSON, token in the query: 400 naming the body', async () => {
    const a = await baishan('POST', `?token=${TOKEN}`, '{"domains":');
    expect(a.status, a.text).toBe(400);
    expect(a.text).toMatch(/not valid JSON/);
  });

  it('a readable request with a wrong token is still 401', async () => {
    const a = await baishan('POST', '', '{"token":"wrong","domains":"m.example.com","config":{}}');
    expect(a.status).toBe(401);
  });

  it('a form body whose config is not JSON: 400 naming config', async () => {
    const form = new URLSearchParams({ token: TOKEN, domains: 'm.example.com', config: '{bad' }).toString();
    const a = await baishan('POST', '', form, 'application/x-www-form-urlencoded');
    expect(a.status, a.text).toBe(400);
    expect(a.text).toMatch(/config must be a JSON string/);
  });
});

describe('bodies over 10 MB', () => {
  for (const api of ['gaap', 'baishan'] as const) {
    it(`${api}: chunked (no Content-Length) is refused with 413 before it is read whole`, async () => {
      const url = new URL(api === 'gaap' ? emu.gaap : emu.baishan);
      const answer = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: '/v2/domain/config',
            headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
          },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, sent });
            // Stop sending: the answer is in.
            sent = Number.POSITIVE_INFINITY;
            req.destroy();
          },
        );
        req.on('error', (e) => {
          if (Number.isFinite(sent)) reject(e);
        });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          // 64 MB at most: a server that reads it whole would take it all.
          if (!Number.isFinite(sent)) return;
          while (sent < 64 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          req.end();
        };
        pump();
      });
      expect(answer.status).toBe(413);
      expect(answer.sent).toBeLessThan(64 * 1024 * 1024);
    }, 30_000);
  }
});
