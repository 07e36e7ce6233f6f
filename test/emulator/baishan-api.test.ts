import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { BaishanApiOptions } from '../../src/emulator/api-options.js';
import { createBaishanApi } from '../../src/emulator/baishan/baishan-api.js';
import type { EmulatedApi } from '../../src/emulator/emulator-types.js';
import { type ServedApi, serveApi } from '../../src/emulator/server-kit.js';

// Transport-level behaviour of the Baishan emulator: routing, auth, rate limit, GET shapes,
// domains, persistence, admin. Write semantics and validation: baishan-config.test.ts.

const TOKEN = 'tok-baishan-test';
const A = 'a.example.com';
const B = 'b.example.com';

interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected field by field.
  body: any;
}

interface Harness {
  api: EmulatedApi;
  served: ServedApi;
  clock: { t: number };
  get(domains: string, keys?: string[], token?: string): Promise<Reply>;
  post(body: Record<string, unknown>, query?: string): Promise<Reply>;
  raw(path: string, init?: RequestInit): Promise<Reply>;
}

const running: ServedApi[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(overrides: Partial<BaishanApiOptions> = {}, faultRate = 0): Promise<Harness> {
  const clock = { t: 1_700_000_000_000 };
  const now = () => clock.t;
  const api = createBaishanApi({
    now,
    random: Math.random,
    log: () => {},
    token: TOKEN,
    rateLimit: 10_000,
    rateWindowMs: 60_000,
    domains: [A, B],
    autoDomains: false,
    ...overrides,
  });
  const served = await serveApi(api, {
    host: '127.0.0.1',
    port: 0,
    latencyMs: 0,
    faultRate,
    dropRate: 0,
    dropAfterCommitRate: 0,
    random: () => 0,
    now,
    onMutated: () => {},
    log: () => {},
  });
  running.push(served);
  const raw = async (path: string, init?: RequestInit): Promise<Reply> => {
    const res = await fetch(`${served.url}${path}`, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    api,
    served,
    clock,
    raw,
    get: (domains, keys = [], token = TOKEN) => {
      const q = new URLSearchParams({ token, domains });
      for (const k of keys) q.append('config[]', k);
      return raw(`/v2/domain/config?${q}`);
    },
    post: (body, query = '') =>
      raw(`/v2/domain/config${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  };
}

describe('routing', () => {
  it('answers 404 for other paths and 405 for other methods, and names operations for stats', async () => {
    const h = await start();
    const notFound = await h.raw(`/v2/domain/list?token=${TOKEN}`);
    expect(notFound.status).toBe(404);
    expect(notFound.body.code).not.toBe(0);
    const put = await h.raw(`/v2/domain/config?token=${TOKEN}`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.body.code).not.toBe(0);
    await h.get(A, ['referer']);
    await h.post({ token: TOKEN, domains: A, config: { timeout: { time: '6' } } });
    expect(h.served.stats.requests).toEqual({
      'GET /v2/domain/list': 1,
      'PUT /v2/domain/config': 1,
      'GET domain/config': 1,
      'POST domain/config': 1,
    });
  });

  it('answers an injected fault with a retryable 503', async () => {
    const h = await start({}, 1);
    const res = await h.get(A);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 503, message: 'Service Unavailable' });
    expect(h.served.stats.faults).toBe(1);
  });
});

describe('authentication', () => {
  it('accepts the token in the query (GET) and in the JSON body or the query (POST)', async () => {
    const h = await start();
    expect((await h.get(A)).status).toBe(200);
    const inBody = await h.post({ token: TOKEN, domains: A, config: { timeout: { time: '6' } } });
    expect(inBody.status).toBe(200);
    const inQuery = await h.post({ domains: A, config: { timeout: { time: '7' } } }, `?token=${TOKEN}`);
    expect(inQuery.status).toBe(200);
    // [001]'s client_real_ip example sends a real token in the query and a placeholder in the body.
    const both = await h.post(
      { token: '{{token}}', domains: A, config: { timeout: { time: '8' } } },
      `?token=${TOKEN}`,
    );
    expect(both.status).toBe(200);
    expect((await h.get(A, ['timeout'])).body.data[0].config).toEqual({ timeout: { time: '8' } });
  });

  it('refuses a wrong or missing token with 401 and changes nothing', async () => {
    const h = await start();
    const wrong = await h.get(A, [], 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      code: 401,
      message: 'Authorization Error: invalid token or lack of access',
    });
    const missing = await h.post({ domains: A, config: { timeout: { time: '6' } } });
    expect(missing.status).toBe(401);
    expect(missing.body.code).not.toBe(0);
    expect((await h.get(A)).body.data[0].config).toEqual({});
  });
});

describe('multipart/form-data', () => {
  it('reads the token and the JSON config from a multipart body', async () => {
    const h = await start();
    const form = new FormData();
    form.append('token', TOKEN);
    form.append('domains', A);
    form.append('config', JSON.stringify({ timeout: { time: '7' } }));
    const res = await h.raw('/v2/domain/config', { method: 'POST', body: form });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.code).toBe(0);
    expect((await h.get(A)).body.data[0].config).toEqual({ timeout: { time: '7' } });
    const wrong = new FormData();
    wrong.append('token', 'not-the-token');
    wrong.append('domains', A);
    wrong.append('config', JSON.stringify({ timeout: { time: '8' } }));
    expect((await h.raw('/v2/domain/config', { method: 'POST', body: wrong })).status).toBe(401);
  });
});

describe('GET', () => {
  async function seeded(): Promise<Harness> {
    const h = await start();
    const res = await h.post({
      token: TOKEN,
      domains: `${A},${B}`,
      config: {
        referer: { type: 1, list: ['*.x.com'], allow_empty: true },
        origin: { default_master: '1.1.1.1', origin_mode: 'http' },
        timeout: { time: '6' },
      },
    });
    expect(res.status).toBe(200);
    return h;
  }

  it('returns the selected keys per domain, in request order, with digit-string ids', async () => {
    const h = await seeded();
    const res = await h.get(`${B},${A}`, ['referer', 'origin']);
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(0);
    expect(res.body.data.map((d: { domain: string }) => d.domain)).toEqual([B, A]);
    for (const entry of res.body.data) {
      expect(entry.domain_id).toMatch(/^\d+$/);
      expect(entry.config).toEqual({
        referer: { type: 1, list: ['*.x.com'], allow_empty: true },
        origin: { default_master: '1.1.1.1', origin_mode: 'http' },
      });
    }
    expect(res.body.data[0].domain_id).not.toBe(res.body.data[1].domain_id);
  });

  it('accepts config%5B%5D, a comma list and no selection (every key that is set)', async () => {
    const h = await seeded();
    const encoded = await h.raw(`/v2/domain/config?token=${TOKEN}&domains=${A}&config%5B%5D=timeout`);
    expect(encoded.body.data[0].config).toEqual({ timeout: { time: '6' } });
    const comma = await h.raw(`/v2/domain/config?token=${TOKEN}&domains=${A}&config=timeout,referer`);
    expect(Object.keys(comma.body.data[0].config)).toEqual(['timeout', 'referer']);
    const all = await h.get(A);
    expect(Object.keys(all.body.data[0].config).sort()).toEqual(['origin', 'referer', 'timeout']);
    // A key that was never set is simply absent, even when asked for.
    const unset = await h.get(A, ['https', 'timeout']);
    expect(unset.body.data[0].config).toEqual({ timeout: { time: '6' } });
  });

  it('accepts the JSON-body form of [003] sample 2', async () => {
    const h = await seeded();
    const body = JSON.stringify({ token: TOKEN, domains: A, config: ['origin'] });
    const url = new URL(`${h.served.url}/v2/domain/config`);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'GET',
          // Node sends a GET body unframed unless told its length.
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
    expect(JSON.parse(answer.text).data[0].config).toEqual({
      origin: { default_master: '1.1.1.1', origin_mode: 'http' },
    });
  });

  it('refuses an unknown key in the selection', async () => {
    const h = await seeded();
    const res = await h.get(A, ['referer', 'no_such_key']);
    expect(res.status).toBe(400);
    expect(res.body.code).not.toBe(0);
    expect(res.body.message).toContain('no_such_key');
  });

  it('omits range_back_source while it is "on" and shows it when "off"', async () => {
    const h = await start();
    await h.post({ token: TOKEN, domains: A, config: { range_back_source: 'off' } });
    expect((await h.get(A, ['range_back_source'])).body.data[0].config).toEqual({ range_back_source: 'off' });
    const on = await h.post({ token: TOKEN, domains: A, config: { range_back_source: 'on' } });
    expect(on.body.data.config).toEqual({ range_back_source: 'on' });
    expect((await h.get(A)).body.data[0].config).toEqual({});
  });

  it('adds a read-only request_style to visit_timestamp and shows secrets in clear', async () => {
    const h = await start();
    const stamp = {
      pattern: '.*',
      time_format: 'timestamp',
      key: 'secret-one secret-two',
      deadtime: '3600',
      req_uri_type: '2',
      keyname: 'sign',
      timename: 't',
    };
    const res = await h.post({ token: TOKEN, domains: A, config: { visit_timestamp: stamp } });
    const expected = {
      ...stamp,
      deadtime: 3600,
      req_uri_type: 2,
      request_style: '$scheme://$domain/$uri?$args&t=$time&sign=$key&$args',
    };
    expect(res.body.data.config.visit_timestamp).toEqual(expected);
    expect((await h.get(A)).body.data[0].config.visit_timestamp).toEqual(expected);
  });
});

describe('domains parameter', () => {
  it('accepts 10 domains and refuses 11, or none', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `d${i}.example.com`);
    const h = await start({ domains: names });
    expect((await h.get(names.slice(0, 10).join(','))).body.data).toHaveLength(10);
    const eleven = await h.get(names.join(','));
    expect(eleven.status).toBe(400);
    expect(eleven.body.code).not.toBe(0);
    const none = await h.get('');
    expect(none.status).toBe(400);
    const post = await h.post({ token: TOKEN, domains: names.join(','), config: { timeout: { time: '6' } } });
    expect(post.status).toBe(400);
    expect((await h.get(names[0] ?? '')).body.data[0].config).toEqual({});
  });

  it('refuses a domain of another account with InvalidDomain.NotFound, writing nothing', async () => {
    const h = await start();
    const res = await h.post({
      token: TOKEN,
      domains: `${A},other.example.org`,
      config: { timeout: { time: '6' } },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: 400,
      message: 'The domain provided does not belong to you.Invalid domains:other.example.org',
      error_code: 'InvalidDomain.NotFound',
    });
    expect((await h.get(A)).body.data[0].config).toEqual({});
    expect((await h.get('other.example.org')).body.error_code).toBe('InvalidDomain.NotFound');
  });

  it('refuses writes to a domain that is not online, but still reads it', async () => {
    const h = await start();
    h.api.admin?.('domains', { domains: ['off.example.com'], status: 'offline' });
    const res = await h.post({
      token: TOKEN,
      domains: `${A},off.example.com`,
      config: { timeout: { time: '6' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('InvalidDomain.Offline');
    expect(res.body.message).toBe('The domain provided is offline.Invalid domains:off.example.com');
    expect((await h.get(A)).body.data[0].config).toEqual({});
    const read = await h.get('off.example.com');
    expect(read.status).toBe(200);
    expect(read.body.data[0].config).toEqual({});
  });

  it('with autoDomains, creates any valid domain asked for (online, empty), but not on a failed write', async () => {
    const h = await start({ domains: [], autoDomains: true });
    const first = await h.get('new.example.com');
    expect(first.status).toBe(200);
    expect(first.body.data[0]).toEqual({
      domain: 'new.example.com',
      domain_id: expect.stringMatching(/^\d+$/),
      config: {},
    });
    const again = await h.get('new.example.com');
    expect(again.body.data[0].domain_id).toBe(first.body.data[0].domain_id);

    const failed = await h.post({
      token: TOKEN,
      domains: 'later.example.com',
      config: { timeout: { time: '1' } },
    });
    expect(failed.status).toBe(400);
    expect((h.api.snapshot() as { domains: { name: string }[] }).domains.map((d) => d.name)).toEqual([
      'new.example.com',
    ]);
    const written = await h.post({
      token: TOKEN,
      domains: 'later.example.com',
      config: { timeout: { time: '9' } },
    });
    expect(written.status).toBe(200);
    expect(written.body.data.domains).toEqual([
      { id: expect.stringMatching(/^\d+$/), domain: 'later.example.com' },
    ]);
    expect((await h.get('bad_name!.com')).body.error_code).toBe('InvalidDomainName');
  });
});

describe('rate limit', () => {
  it('sends the X-Ratelimit headers on every answer and throttles over the limit with 429', async () => {
    const h = await start({ rateLimit: 3, rateWindowMs: 600 });
    const first = await h.get(A);
    expect(
      Object.fromEntries(
        ['api-id', 'x-ratelimit-grad', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-retry-after'].map(
          (n) => [n, first.headers.get(n)],
        ),
      ),
    ).toEqual({
      'api-id': '814',
      'x-ratelimit-grad': 'minute',
      'x-ratelimit-limit': '3',
      'x-ratelimit-remaining': '2',
      // 600 ms window (scaled): seconds of the scaled minute (10 ms each), a full window away.
      'x-retry-after': '60',
    });
    // GET and POST share the account's budget; error answers count and carry the headers too.
    const failed = await h.post({ token: TOKEN, domains: A, config: { timeout: { time: '1' } } });
    expect(failed.status).toBe(400);
    expect(failed.headers.get('api-id')).toBe('221328331');
    expect(failed.headers.get('x-ratelimit-remaining')).toBe('1');
    const third = await h.post({ token: TOKEN, domains: A, config: { timeout: { time: '6' } } });
    expect(third.headers.get('x-ratelimit-remaining')).toBe('0');

    const throttled = await h.post({ token: TOKEN, domains: A, config: { timeout: { time: '7' } } });
    expect(throttled.status).toBe(429);
    expect(throttled.body.code).not.toBe(0);
    expect(throttled.body.message).toMatch(/rate limit/);
    expect(throttled.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(throttled.headers.get('x-retry-after'))).toBeGreaterThan(0);
    expect(Number(throttled.headers.get('x-retry-after'))).toBeLessThanOrEqual(60);
    expect(h.served.stats.throttled).toBe(1);

    // A new window: the throttled write was never processed.
    h.clock.t += 600;
    const after = await h.get(A, ['timeout']);
    expect(after.status).toBe(200);
    expect(after.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(after.body.data[0].config).toEqual({ timeout: { time: '6' } });
  });

  it('counts X-Retry-After down in whole seconds over a real minute', async () => {
    const h = await start({ rateLimit: 30, rateWindowMs: 60_000 });
    expect((await h.get(A)).headers.get('x-retry-after')).toBe('60');
    h.clock.t += 2_500;
    const later = await h.get(A);
    expect(later.headers.get('x-retry-after')).toBe('58');
    expect(later.headers.get('x-ratelimit-remaining')).toBe('28');
  });

  it('does not count unauthenticated calls', async () => {
    const h = await start({ rateLimit: 1 });
    expect((await h.get(A, [], 'wrong')).status).toBe(401);
    expect((await h.get(A)).status).toBe(200);
  });
});

describe('persistence and admin', () => {
  it('restores domains, ids, statuses and config from a JSON snapshot', async () => {
    const h = await start();
    h.api.admin?.('domains', { domains: ['paused.example.com'], status: 'offline' });
    await h.post({
      token: TOKEN,
      domains: `${A},${B}`,
      config: {
        ip_black_list: { list: ['1.1.1.0/24'] },
        visit_deny_whitelist: [{ url: '/a', turn_on: true }],
      },
    });
    const before = (await h.get(`${A},${B},paused.example.com`)).body;
    const state = JSON.parse(JSON.stringify(h.api.snapshot()));

    const fresh = await start({ domains: [] });
    fresh.api.restore(state);
    expect((await fresh.get(`${A},${B},paused.example.com`)).body).toEqual(before);
    const offline = await fresh.post({
      token: TOKEN,
      domains: 'paused.example.com',
      config: { timeout: { time: '6' } },
    });
    expect(offline.body.error_code).toBe('InvalidDomain.Offline');
    // New domains do not reuse restored ids.
    const added = fresh.api.admin?.('domains', { domains: ['c.example.com'] }) as {
      domains: { domain_id: string }[];
    };
    const ids = before.data.map((d: { domain_id: string }) => d.domain_id);
    expect(ids).not.toContain(added.domains[0]?.domain_id);
  });

  it('registers domains, overwrites stored keys and resets over the admin endpoints', async () => {
    const h = await start({ rateLimit: 5 });
    const admin = (op: string, body: unknown) =>
      h.raw(`/_emulator/baishan/${op}`, { method: 'POST', body: JSON.stringify(body) });
    const registered = await admin('domains', { domains: ['c.example.com'] });
    expect(registered.body.domains).toEqual([
      { domain: 'c.example.com', domain_id: expect.stringMatching(/^\d+$/), status: 'online' },
    ]);
    await admin('set-config', {
      domain: 'c.example.com',
      config: {
        referer: { type: 2, list: ['a.com'], allow_empty: false },
        visit_deny_whitelist: { url: ['/x'] },
      },
    });
    expect((await h.get('c.example.com')).body.data[0].config).toEqual({
      referer: { type: 2, list: ['a.com'], allow_empty: false },
      visit_deny_whitelist: { url: ['/x'] },
    });
    await admin('set-config', { domain: 'c.example.com', config: { referer: null } });
    expect((await h.get('c.example.com')).body.data[0].config).toEqual({
      visit_deny_whitelist: { url: ['/x'] },
    });
    expect((await admin('set-config', { domain: 'nope.example.com', config: {} })).body.ok).toBe(false);

    await admin('reset', {});
    expect((h.api.snapshot() as { domains: unknown[] }).domains).toEqual([]);
    const gone = await h.get('c.example.com');
    expect(gone.body.error_code).toBe('InvalidDomain.NotFound');
    expect(gone.headers.get('x-ratelimit-remaining')).toBe('4');
  });
});
