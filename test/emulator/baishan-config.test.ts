import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBaishanApi } from '../../src/emulator/baishan/baishan-api.js';
import type { EmulatedApi } from '../../src/emulator/emulator-types.js';
import { type ServedApi, serveApi } from '../../src/emulator/server-kit.js';

// POST /v2/domain/config: per-key write semantics (baishan-api.md §8.6), the echo, validation and
// the all-or-nothing rule. Transport-level behaviour: baishan-api.test.ts.

const TOKEN = 'tok-baishan-config';
const A = 'a.example.com';
const B = 'b.example.com';

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected field by field.
  body: any;
}

let served: ServedApi;
let api: EmulatedApi;

beforeEach(async () => {
  const now = () => 1_700_000_000_000;
  api = createBaishanApi({
    now,
    random: Math.random,
    log: () => {},
    token: TOKEN,
    rateLimit: 10_000,
    rateWindowMs: 60_000,
    domains: [A, B],
    autoDomains: false,
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
afterEach(() => served.close());

async function call(path: string, init?: RequestInit): Promise<Reply> {
  const res = await fetch(`${served.url}${path}`, init);
  return { status: res.status, body: await res.json() };
}

function post(config: unknown, domains = A): Promise<Reply> {
  return call('/v2/domain/config', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: TOKEN, domains, config }),
  });
}

/** Posts and insists on success; returns the echoed config. */
async function write(config: Record<string, unknown>, domains = A): Promise<Record<string, unknown>> {
  const res = await post(config, domains);
  expect(res.body.message ?? 'ok').toBe('ok');
  expect(res.status).toBe(200);
  expect(res.body.code).toBe(0);
  return res.body.data.config;
}

async function stored(domain = A): Promise<Record<string, unknown>> {
  const res = await call(`/v2/domain/config?token=${TOKEN}&domains=${domain}`);
  expect(res.status).toBe(200);
  return res.body.data[0].config;
}

describe('POST answer', () => {
  it('echoes the domains and every posted key as stored, with ints normalised from digit strings', async () => {
    const res = await post(
      {
        referer: { type: '1', list: ['*.example.com', 'www.example2.com'], allow_empty: true },
        https: { cert_id: 10101, http2: 'on', force_https: '301', ocsp: 'on' },
        speed_limit: [{ type: 'ext', speed: 80, begin_time: '12:00', end_time: '13:00', pattern: 'jpg' }],
      },
      `${A},${B}`,
    );
    expect(res.status).toBe(200);
    const ids = (await call(`/v2/domain/config?token=${TOKEN}&domains=${A},${B}`)).body.data.map(
      (d: { domain_id: string }) => d.domain_id,
    );
    expect(res.body).toEqual({
      code: 0,
      data: {
        domains: [
          { id: ids[0], domain: A },
          { id: ids[1], domain: B },
        ],
        config: {
          referer: { type: 1, list: ['*.example.com', 'www.example2.com'], allow_empty: true },
          https: { cert_id: 10101, http2: 'on', force_https: 301, ocsp: 'on' },
          // speed is a digit string in the table: an int is stored as its string.
          speed_limit: [{ type: 'ext', speed: '80', begin_time: '12:00', end_time: '13:00', pattern: 'jpg' }],
        },
      },
    });
    expect(await stored(B)).toEqual(res.body.data.config);
  });

  it('accepts a form-encoded body with config as a JSON string', async () => {
    const form = new URLSearchParams({
      token: TOKEN,
      domains: A,
      config: JSON.stringify({ timeout: { time: '6' } }),
    });
    const res = await call('/v2/domain/config', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(await stored()).toEqual({ timeout: { time: '6' } });
  });

  it('leaves keys that are not posted untouched and replaces the posted ones whole', async () => {
    await write({
      origin: { default_master: '1.1.1.1', origin_mode: 'custom', ori_https: 'yes', port: 1040 },
    });
    await write({ origin_host: { host: 'src.example.com' } });
    await write({ origin: { default_master: '2.2.2.2' } });
    expect(await stored()).toEqual({
      origin: { default_master: '2.2.2.2' },
      origin_host: { host: 'src.example.com' },
    });
  });
});

describe('IP lists', () => {
  it('cover (the default) replaces and append unions without duplicates', async () => {
    await write({ ip_black_list: { list: ['1.1.1.0/24', '2.2.2.2'], mode: 'cover' } });
    expect(await write({ ip_black_list: { list: ['3.3.3.3', '2.2.2.2'], mode: 'append' } })).toEqual({
      ip_black_list: { list: ['1.1.1.0/24', '2.2.2.2', '3.3.3.3'] },
    });
    await write({ ip_black_list: { list: ['9.9.9.9'] } });
    expect(await stored()).toEqual({ ip_black_list: { list: ['9.9.9.9'] } });
  });

  it('writing one list deletes the other', async () => {
    await write({ ip_black_list: { list: ['1.1.1.1'] } });
    await write({ ip_white_list: { list: ['10.0.0.0/8'], mode: 'append' } });
    expect(await stored()).toEqual({ ip_white_list: { list: ['10.0.0.0/8'] } });
    await write({ ip_black_list: { list: ['1.1.1.1'] } });
    expect(await stored()).toEqual({ ip_black_list: { list: ['1.1.1.1'] } });
  });

  it('refuses an append that would overlap or exceed 200 entries, on every domain', async () => {
    await write({ ip_black_list: { list: ['1.1.1.0/24'] } }, B);
    const overlap = await post({ ip_black_list: { list: ['1.1.1.5'], mode: 'append' } }, `${A},${B}`);
    expect(overlap.status).toBe(400);
    expect(overlap.body.message).toContain(B);
    expect(await stored(A)).toEqual({});
    expect(await stored(B)).toEqual({ ip_black_list: { list: ['1.1.1.0/24'] } });

    const many = Array.from({ length: 150 }, (_, i) => `10.0.${i}.1`);
    await write({ ip_black_list: { list: many } });
    const more = Array.from({ length: 60 }, (_, i) => `11.0.${i}.1`);
    const tooMany = await post({ ip_black_list: { list: more, mode: 'append' } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toMatch(/200/);
    expect(((await stored()).ip_black_list as { list: string[] }).list).toHaveLength(150);
  });
});

describe('add_response_head', () => {
  const ct = { name: 'Content-Type', value: 'text/html' };
  const cc = { name: 'Cache-Control', value: 'max-age=300' };

  it('reset replaces, add upserts by case-insensitive name, remove deletes names', async () => {
    await write({ add_response_head: { type: 'reset', list: [ct, cc] } });
    await write({
      add_response_head: {
        type: 'add',
        list: [
          { name: 'content-type', value: 'text/plain' },
          { name: 'X-A', value: '1' },
        ],
      },
    });
    expect(await stored()).toEqual({
      add_response_head: {
        list: [{ name: 'content-type', value: 'text/plain' }, cc, { name: 'X-A', value: '1' }],
      },
    });
    const echo = await write({ add_response_head: { type: 'remove', list: ['CACHE-CONTROL', 'Not-There'] } });
    expect(echo).toEqual({
      add_response_head: {
        list: [
          { name: 'content-type', value: 'text/plain' },
          { name: 'X-A', value: '1' },
        ],
      },
    });
  });

  it('resets when type is omitted ([001]: the default is reset)', async () => {
    await write({ add_response_head: { type: 'add', list: [ct, cc] } });
    await write({ add_response_head: { list: [{ name: 'X-Only', value: 'yes' }] } });
    expect(await stored()).toEqual({ add_response_head: { list: [{ name: 'X-Only', value: 'yes' }] } });
  });

  it('a reset to an empty list removes the key', async () => {
    await write({ add_response_head: { type: 'reset', list: [ct] } });
    expect(await write({ add_response_head: { type: 'reset', list: [] } })).toEqual({
      add_response_head: { list: [] },
    });
    expect(await stored()).toEqual({});
  });
});

describe('visit_deny_whitelist', () => {
  it('toggles URLs one by one and is echoed and read as {url: [...]}', async () => {
    expect(
      await write({
        visit_deny_whitelist: [
          { url: '/user/get?index', turn_on: true },
          { url: '/contract/get?index', turn_on: true },
        ],
      }),
    ).toEqual({ visit_deny_whitelist: { url: ['/user/get?index', '/contract/get?index'] } });
    await write({
      visit_deny_whitelist: [
        { url: '/other', turn_on: true },
        { url: '/user/get?index', turn_on: false },
      ],
    });
    expect(await stored()).toEqual({ visit_deny_whitelist: { url: ['/contract/get?index', '/other'] } });
    await write({
      visit_deny_whitelist: [
        { url: '/contract/get?index', turn_on: false },
        { url: '/other', turn_on: false },
      ],
    });
    expect(await stored()).toEqual({});
  });
});

describe('https', () => {
  it('keeps the stored ocsp when it is omitted', async () => {
    await write({ https: { cert_id: 1, http2: 'on', ocsp: 'on' } });
    expect(await write({ https: { cert_id: 2, http2: 'off' } })).toEqual({
      https: { cert_id: 2, http2: 'off', ocsp: 'on' },
    });
    await write({ https: { cert_id: 2, ocsp: 'off' } });
    expect(await stored()).toEqual({ https: { cert_id: 2, ocsp: 'off' } });
  });

  it('cert_id 0 unbinds the certificate: the https key disappears', async () => {
    await write({ https: { cert_id: 7, force_https: 301, ocsp: 'on' }, timeout: { time: '6' } });
    expect(await write({ https: { cert_id: 0 } })).toEqual({ https: { cert_id: 0 } });
    expect(await stored()).toEqual({ timeout: { time: '6' } });
  });
});

describe('replace-semantics keys', () => {
  it('new_origin and speed_limit are covered whole', async () => {
    const origin = (ip: string) => ({
      origin: ip,
      port: 80,
      protocol: 'http',
      level: 20,
      weight_level: 1,
      isp: 'default',
    });
    await write({ new_origin: [origin('1.1.1.1'), origin('2.2.2.2')] });
    await write({ new_origin: [origin('3.3.3.3')] });
    const rule = (p: string) => ({
      type: 'ext',
      pattern: p,
      speed: '80',
      begin_time: '08:00',
      end_time: '09:00',
    });
    await write({ speed_limit: [rule('jpg'), rule('png')] });
    await write({ speed_limit: [rule('gif')] });
    expect(await stored()).toEqual({ new_origin: [origin('3.3.3.3')], speed_limit: [rule('gif')] });
  });

  it('stores cache_error_code with bcache "off" as given', async () => {
    await write({
      cache_error_code: { bcache: 'on', code: ['404'], cache_time: '10', cache_unit: 'minute' },
    });
    expect(await stored()).toEqual({
      cache_error_code: { bcache: 'on', code: ['404'], cache_time: 10, cache_unit: 'minute' },
    });
    await write({ cache_error_code: { code: ['403'], bcache: 'off' } });
    expect(await stored()).toEqual({ cache_error_code: { code: ['403'], bcache: 'off' } });
  });
});

describe('validation: any failure stores nothing, for any key or domain', () => {
  const before = {
    referer: { type: 1, list: ['a.example.org'], allow_empty: true },
    ip_black_list: { list: ['5.5.5.5'] },
  };
  const goodKey = { timeout: { time: '30' } };
  const ips = (n: number) => Array.from({ length: n }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.1`);
  const referers = (n: number) => Array.from({ length: n }, (_, i) => `r${i}.example.org`);

  const cases: { name: string; config: unknown; message: RegExp; errorCode?: string }[] = [
    {
      name: 'wrong type',
      config: { https: { cert_id: 'abc' } },
      message: /https\.cert_id/,
      errorCode: 'BindException',
    },
    { name: 'bad int enum', config: { referer: { type: '3' } }, message: /referer\.type/ },
    {
      name: 'out of range',
      config: { post_upload_size_limit: { limit_value: 2000 } },
      message: /post_upload_size_limit\.limit_value/,
    },
    {
      name: 'bad enum',
      config: { cache_share: { share_way: 'everywhere', domain: A } },
      message: /cache_share\.share_way/,
    },
    {
      name: 'bad switch',
      config: { https: { http2: 'yes' } },
      message: /on\\off/,
      errorCode: 'InvalidSwitchValue',
    },
    {
      name: 'missing required field',
      config: { extend: {} },
      message: /extend\.squid/,
      errorCode: 'RequiresInputValue',
    },
    {
      name: 'unknown field',
      config: { visit_timestamp: { pattern: '.*', error_page: '' } },
      message: /error_page/,
    },
    { name: 'unknown key', config: { no_such_key: {} }, message: /no_such_key/ },
    { name: 'empty config', config: {}, message: /config/, errorCode: 'RequiresInputValue' },
    { name: 'no config', config: undefined, message: /config/, errorCode: 'RequiresInputValue' },
    {
      name: '201 referers',
      config: { referer: { type: 1, list: referers(201) } },
      message: /Between 1 and 200, but receive:201/,
      errorCode: 'TooManyReferList',
    },
    { name: '201 IPs', config: { ip_white_list: { list: ips(201) } }, message: /ip_white_list\.list.*200/ },
    {
      name: 'both IP lists',
      config: { ip_black_list: { list: ['1.1.1.1'] }, ip_white_list: { list: ['2.2.2.2'] } },
      message: /only one/,
    },
    {
      name: 'CIDR overlap',
      config: { ip_black_list: { list: ['1.1.0.0/16', '1.1.1.0/24'] } },
      message: /overlap/,
    },
    {
      name: 'a /20 network',
      config: { ip_black_list: { list: ['1.1.0.0/20'] } },
      message: /ip_black_list\.list\[0\]/,
    },
    {
      name: 'bad HH:ii',
      config: {
        speed_limit: [{ type: 'all', pattern: '.*', speed: '80', begin_time: '08:00', end_time: '24:00' }],
      },
      message: /speed_limit\[0\]\.end_time.*HH:ii/,
    },
    {
      name: 'end before begin',
      config: {
        speed_limit: [{ type: 'all', pattern: '.*', speed: '80', begin_time: '13:00', end_time: '12:00' }],
      },
      message: /later than begin_time/,
    },
    {
      name: 'duplicate priority',
      config: {
        cache_rule_list: [
          { match_method: 'ext', pattern: 'jpg', priority: 1 },
          { match_method: 'ext', pattern: 'png', priority: '1' },
        ],
      },
      message: /priority 1/,
    },
    {
      name: 'backup repeats primary',
      config: { origin: { default_master: '1.1.1.1,1.1.1.2', default_slave: '1.1.1.2' } },
      message: /default_slave/,
    },
    {
      name: 'cache_time out of range',
      config: { cache_error_code: { bcache: 'on', code: ['404'], cache_time: 3, cache_unit: 'year' } },
      message: /cache_error_code\.cache_time/,
    },
  ];

  beforeEach(async () => {
    await write(before, `${A},${B}`);
  });

  it.each(cases)('$name → 400, state unchanged', async ({ config, message, errorCode }) => {
    const posted =
      config !== null && typeof config === 'object' && Object.keys(config).length > 0
        ? { ...goodKey, ...config }
        : config;
    const res = await post(posted, `${A},${B}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toEqual(expect.any(Number));
    expect(res.body.code).not.toBe(0);
    expect(res.body.message).toMatch(message);
    if (errorCode) expect(res.body.error_code).toBe(errorCode);
    expect(await stored(A)).toEqual(before);
    expect(await stored(B)).toEqual(before);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await call(`/v2/domain/config?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"domains": "a.example.com", "config": ',
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/JSON/);
    expect(await stored(A)).toEqual(before);
  });

  it("accepts what the documents' own examples send once numbers are normalised", async () => {
    // [001]'s combined example, minus the parts its own tables forbid (both IP lists, error_page).
    await write({
      cache_rule: [
        { type: '2', pattern: '/product/index,/test/index', time: 3600 },
        { type: '1', pattern: 'jpg,png', time: 3600, timeunit: 's' },
      ],
      visit_timestamp: {
        pattern: '.*',
        time_format: 'timestamp',
        key: 'k',
        deadtime: '3600',
        req_uri_type: '2',
        origin_type: '2',
      },
      compress_response: { content_type: ['text/plain'], min_size: '2', min_size_unit: 'KB' },
    });
    const config = await stored();
    expect(config.cache_rule).toEqual([
      { type: 2, pattern: '/product/index,/test/index', time: 3600 },
      { type: 1, pattern: 'jpg,png', time: 3600, timeunit: 's' },
    ]);
    expect(config.compress_response).toEqual({
      content_type: ['text/plain'],
      min_size: 2,
      min_size_unit: 'KB',
    });
    expect(config.visit_timestamp).toMatchObject({ deadtime: 3600, req_uri_type: 2, origin_type: 2 });
  });
});
