import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEdgeformError } from '../../../src/core/errors.js';
import { isSecretValue, revealSecrets } from '../../../src/core/secrets.js';
import { BAISHAN_CONFIG_KEYS, REMOVABLE_KEYS } from '../../../src/model/baishan-keys.js';
import type { BaishanSettings, DesiredValue } from '../../../src/model/stack-types.js';
import { normalizeKey, valuesEqual } from '../../../src/providers/baishan/normalize.js';
import { writeForm } from '../../../src/providers/baishan/write-forms.js';
import { CASES, SETTINGS, TOS_AK, TOS_SK, VT_KEY } from './key-fixtures.js';

/** What the provider sends: every SecretValue replaced by its value. */
const reveal = (v: unknown) => revealSecrets(v, process.cwd());

const schema = JSON.parse(
  readFileSync(new URL('../../../schemas/baishan-config.schema.json', import.meta.url), 'utf8'),
);
// Full strict mode, as baishan-api.md §9 states the schema compiles with.
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validateConfig = ajv.compile(schema);

function expectValidPost(config: Record<string, unknown>): void {
  const ok = validateConfig(reveal(config));
  expect(ok ? [] : validateConfig.errors).toEqual([]);
}

const GET_DOC: BaishanSettings = { ...SETTINGS, refererTypeMapping: 'get-doc' };

describe('per key: the complete cover/reset payload, valid against the POST schema', () => {
  describe.each(BAISHAN_CONFIG_KEYS.map((k) => [k, CASES[k]] as const))('%s', (key, c) => {
    const live = c.writeLive ?? c.live;

    it('builds the documented payload', () => {
      expect(writeForm(key, c.desired, live, SETTINGS)).toEqual(c.write);
    });

    it('is valid against schemas/baishan-config.schema.json', () => {
      expectValidPost({ [key]: writeForm(key, c.desired, live, SETTINGS) });
    });

    it('reaches the desired state once the server stores it (normalised echo equals desired)', () => {
      if (key === 'visit_deny_whitelist') return; // toggles; covered below
      const echo = reveal(writeForm(key, c.desired, live, SETTINGS));
      expect(
        valuesEqual(
          normalizeKey(key, c.desired, 'desired', SETTINGS),
          normalizeKey(key, echo, 'live', SETTINGS),
        ),
      ).toBe(true);
    });
  });
});

describe('write details', () => {
  it('never sends unknown or read-only fields', () => {
    const form = writeForm(
      'visit_timestamp',
      { ...(CASES.visit_timestamp.live as object), key: VT_KEY },
      undefined,
      SETTINGS,
    );
    expect(form).not.toHaveProperty('request_style');
    expect(form).not.toHaveProperty('error_page');
  });

  it('keeps secrets as SecretValue until the provider reveals them', () => {
    const form = writeForm('tos_origin', CASES.tos_origin.desired, undefined, SETTINGS) as Record<
      string,
      unknown
    >[];
    expect(isSecretValue(form[0]?.auth_secret_key)).toBe(true);
    expect(form[0]?.auth_access_key).toBe(TOS_AK);
    expect(JSON.stringify(form)).not.toContain('tos-secret-key');
    const revealed = reveal(form) as Record<string, unknown>[];
    expect(revealed[0]?.auth_secret_key).toBe('tos-secret-key');
    expect(form[0]?.auth_secret_key).toBe(TOS_SK);
  });

  it('table wire types: ints as ints, string-typed numbers as strings', () => {
    expect(writeForm('timeout', { time: 6 } as unknown as DesiredValue, undefined, SETTINGS)).toEqual({
      time: '6',
    });
    expect(writeForm('connect_timeout', { origin_connect_timeout: '010' }, undefined, SETTINGS)).toEqual({
      origin_connect_timeout: '10',
    });
    expect(writeForm('speed_limit', [{ type: 'all', speed: 80 }], undefined, SETTINGS)).toEqual([
      { type: 'all', pattern: '.*', speed: '80' },
    ]);
    expect(writeForm('referer', { type: '2', list: [] }, undefined, SETTINGS)).toEqual({
      type: 2,
      list: [],
      allow_empty: true,
    });
    expect(writeForm('https', { cert_id: '7', force_https: '302' }, undefined, SETTINGS)).toEqual({
      cert_id: 7,
      force_https: 302,
    });
  });

  it('https.ocsp is sent only when declared', () => {
    expect(writeForm('https', { cert_id: 7 }, { cert_id: 7, ocsp: 'on' }, SETTINGS)).toEqual({
      cert_id: 7,
      force_https: 0,
    });
    expect(writeForm('https', { cert_id: 7, ocsp: 'off' }, undefined, SETTINGS)).toEqual({
      cert_id: 7,
      force_https: 0,
      ocsp: 'off',
    });
  });

  it('drops ineffective fields', () => {
    expect(
      writeForm('origin', { default_master: '1.1.1.1', ori_https: 'yes', port: 81 }, undefined, SETTINGS),
    ).toEqual({
      default_master: '1.1.1.1',
      origin_mode: 'default',
    });
    expect(
      writeForm('origin', { default_master: '1.1.1.1', origin_mode: 'custom' }, undefined, SETTINGS),
    ).toEqual({
      default_master: '1.1.1.1',
      origin_mode: 'custom',
      port: 80,
    });
    expect(writeForm('new_origin', [{ origin: '1.1.1.1', port: 8080 }], undefined, SETTINGS)).toEqual([
      {
        origin: '1.1.1.1',
        protocol: 'default',
        host: '',
        level: 20,
        weight_level: 1,
        isp: 'default',
        connect_time: 15,
      },
    ]);
  });

  it('cache_error_code 5xx spelling follows the setting (C2)', () => {
    const d = { bcache: 'on', code: ['5XX', '403'], cache_time: 1, cache_unit: 'day' };
    expect(writeForm('cache_error_code', d, undefined, SETTINGS)).toMatchObject({ code: ['5XX', '403'] });
    expect(
      writeForm('cache_error_code', d, undefined, { ...SETTINGS, cacheErrorCode5xx: '5xx' }),
    ).toMatchObject({
      code: ['5xx', '403'],
    });
  });

  it('cache_share inner_share gets a domain (C23): the stored one, else the domain itself', () => {
    const d = { share_way: 'inner_share' } as DesiredValue;
    expect(
      writeForm('cache_share', d, { share_way: 'cross_all_share', domain: 'old.example.com' }, SETTINGS),
    ).toEqual({
      share_way: 'inner_share',
      domain: 'old.example.com',
    });
    const own = writeForm('cache_share', d, undefined, SETTINGS, { domain: 'self.example.com' });
    expect(own).toEqual({ share_way: 'inner_share', domain: 'self.example.com' });
    expectValidPost({ cache_share: own });
  });
});

describe('referer type mapping (C1)', () => {
  it('post-doc sends the YAML numbering as is', () => {
    expect(writeForm('referer', { type: 1, list: ['a.com'] }, undefined, SETTINGS)).toMatchObject({
      type: 1,
    });
    expect(writeForm('referer', { type: 2, list: ['a.com'] }, undefined, SETTINGS)).toMatchObject({
      type: 2,
    });
  });
  it('get-doc flips it, and reads it back the same way', () => {
    const form = writeForm('referer', { type: 1, list: ['a.com'] }, undefined, GET_DOC);
    expect(form).toMatchObject({ type: 2 });
    expect(
      valuesEqual(
        normalizeKey('referer', { type: 1, list: ['a.com'] }, 'desired', GET_DOC),
        normalizeKey('referer', form, 'live', GET_DOC),
      ),
    ).toBe(true);
    expectValidPost({ referer: form });
  });
});

describe('visit_deny_whitelist toggles (§5.1)', () => {
  const d = [
    { url: '/a', turn_on: true },
    { url: '/b', turn_on: true },
  ];
  it('turn_on:true for D−C, false for C−D, nothing for D∩C', () => {
    expect(writeForm('visit_deny_whitelist', d, { url: ['/b', '/c'] }, SETTINGS)).toEqual([
      { url: '/a', turn_on: true },
      { url: '/c', turn_on: false },
    ]);
  });
  it('live absent: every desired URL is turned on', () => {
    expect(writeForm('visit_deny_whitelist', d, undefined, SETTINGS)).toEqual(d);
  });
  it('a desired turn_on:false entry means "not whitelisted"', () => {
    expect(
      writeForm(
        'visit_deny_whitelist',
        [
          { url: '/a', turn_on: true },
          { url: '/c', turn_on: false },
        ],
        { url: ['/c'] },
        SETTINGS,
      ),
    ).toEqual([
      { url: '/a', turn_on: true },
      { url: '/c', turn_on: false },
    ]);
  });
  it('applying the toggles to the live set yields the desired set', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom<string>('/a', '/b', '/c', '/d', '/e')),
        fc.uniqueArray(fc.constantFrom<string>('/a', '/b', '/c', '/d', '/e')),
        (want, have) => {
          const toggles = writeForm(
            'visit_deny_whitelist',
            want.map((url) => ({ url, turn_on: true })),
            { url: have },
            SETTINGS,
          ) as { url: string; turn_on: boolean }[];
          const after = new Set(have);
          for (const t of toggles) {
            if (t.turn_on) after.add(t.url);
            else after.delete(t.url);
          }
          expect([...after].sort()).toEqual([...want].sort());
          if (toggles.length > 0) expectValidPost({ visit_deny_whitelist: toggles });
        },
      ),
    );
  });
});

describe('removal forms (desired null)', () => {
  it('https → cert_id 0', () => {
    expect(writeForm('https', null, { cert_id: '10', http2: 'on' }, SETTINGS)).toEqual({ cert_id: 0 });
  });
  it('range_back_source → "on"', () => {
    expect(writeForm('range_back_source', null, 'off', SETTINGS)).toBe('on');
  });
  it('cache_error_code → the stored codes with bcache off', () => {
    expect(
      writeForm(
        'cache_error_code',
        null,
        { bcache: true, code: ['403', '5xx'], cache_time: '1', cache_unit: 'day' },
        SETTINGS,
      ),
    ).toEqual({ code: ['403', '5XX'], bcache: 'off' });
    expect(writeForm('cache_error_code', null, { bcache: 'on' }, SETTINGS)).toEqual({ bcache: 'off' });
  });
  it('video_drag → both switches off, stored url/start/end kept', () => {
    expect(writeForm('video_drag', null, CASES.video_drag.live, SETTINGS)).toEqual({
      url: '\\.(mp4|flv|f4v|m4v)',
      mp4: 'off',
      flv: 'off',
      start: 'start',
      end: 'end',
    });
    expect(writeForm('video_drag', null, undefined, SETTINGS)).toEqual({ mp4: 'off', flv: 'off' });
  });
  it('visit_deny_whitelist → every live URL turned off', () => {
    expect(writeForm('visit_deny_whitelist', null, { url: ['/a', '/b'] }, SETTINGS)).toEqual([
      { url: '/a', turn_on: false },
      { url: '/b', turn_on: false },
    ]);
  });
  it('add_response_head → reset with an empty list', () => {
    expect(writeForm('add_response_head', null, { list: [{ name: 'a', value: 'b' }] }, SETTINGS)).toEqual({
      type: 'reset',
      list: [],
    });
  });

  it('every removal form is schema-valid and normalises to the off state', () => {
    for (const key of REMOVABLE_KEYS) {
      const live =
        key === 'visit_deny_whitelist'
          ? { url: ['/a'] }
          : (CASES[key as keyof typeof CASES].live ?? undefined);
      const form = writeForm(key, null, live, SETTINGS);
      expectValidPost({ [key]: form });
      if (key !== 'visit_deny_whitelist') expect(normalizeKey(key, form, 'live', SETTINGS)).toBeUndefined();
    }
  });

  it('refuses keys without a documented removal form', () => {
    for (const key of BAISHAN_CONFIG_KEYS.filter((k) => !REMOVABLE_KEYS.has(k))) {
      let caught: unknown;
      try {
        writeForm(key, null, CASES[key].live, SETTINGS);
      } catch (e) {
        caught = e;
      }
      expect(isEdgeformError(caught) && caught.code).toBe('BAISHAN_NOT_REMOVABLE');
      expect(isEdgeformError(caught) && caught.resolution).toBeTruthy();
    }
  });
});

// ---- property: normalising the write form (as the live echo) equals normalising the desired value

const host = fc.constantFrom('a.example.com', 'B.example.com', 'cdn.test.org', 'x.io');
const ip = fc.constantFrom('1.1.1.1', '2.2.2.0/24', '3.3.0.0/16', '4.4.4.4');
const header = fc.constantFrom('X-A', 'x-b', 'Cache-Control', 'X-Trace');

/** Loosens a wire value the way GET echoes do: digit strings, booleans for switches. */
function loosen(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(loosen);
  if (v && typeof v === 'object' && !isSecretValue(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = loosen(x);
    return out;
  }
  if (typeof v === 'number') return String(v);
  if (v === 'on' || v === 'yes') return true;
  if (v === 'off' || v === 'no') return false;
  return v;
}

/**
 * A header value: free text. `loosen` models GET echoing on/off switches as booleans, which a header
 * value is not, so the words it rewrites are left out.
 */
const headerValue = (maxLength: number) =>
  fc.string({ maxLength }).filter((v) => !['on', 'off', 'yes', 'no'].includes(v));

const generators: Record<string, fc.Arbitrary<DesiredValue>> = {
  referer: fc.record(
    { type: fc.constantFrom(1, 2), list: fc.uniqueArray(host, { maxLength: 4 }), allow_empty: fc.boolean() },
    { requiredKeys: ['type', 'list'] },
  ),
  ip_black_list: fc.record({ list: fc.uniqueArray(ip, { minLength: 1, maxLength: 4 }) }),
  cache_rule: fc.array(
    fc
      .record(
        {
          type: fc.constantFrom(1, 2, 3, 4),
          time: fc.integer({ min: 0, max: 1000 }),
          timeunit: fc.constantFrom('s', 'i', 'h'),
          ignore_no_cache: fc.constantFrom('on', 'off'),
          ignore_query: fc.constantFrom('on', 'off'),
        },
        { requiredKeys: ['type', 'time'] },
      )
      .map((r) => ({ ...r, pattern: r.type === 1 ? 'jpg,png' : r.type === 4 ? '\\.mp4$' : '/a,/b' })),
    { maxLength: 4 },
  ),
  new_origin: fc.array(
    fc.record(
      {
        origin: host,
        protocol: fc.constantFrom('default', 'http', 'https'),
        port: fc.integer({ min: 1, max: 65535 }),
        level: fc.integer({ min: 10, max: 20 }),
        weight_level: fc.integer({ min: 1, max: 100 }),
        connect_time: fc.integer({ min: 3, max: 60 }),
      },
      { requiredKeys: ['origin'] },
    ),
    { minLength: 1, maxLength: 4 },
  ),
  add_response_head: fc.record({
    type: fc.constant('reset'),
    list: fc.uniqueArray(fc.record({ name: header, value: headerValue(8) }), {
      minLength: 1,
      maxLength: 4,
      selector: (h) => h.name.toLowerCase(),
    }),
  }),
  cache_error_code: fc.record({
    bcache: fc.constant('on'),
    code: fc.uniqueArray(fc.constantFrom('400', '403', '404', '5xx', '5XX', '502'), {
      minLength: 1,
      selector: (c) => c.toLowerCase(),
    }),
    cache_time: fc.integer({ min: 1, max: 24 }),
    cache_unit: fc.constantFrom('second', 'minute', 'hour', 'month'),
  }),
  timeout: fc.record({ time: fc.integer({ min: 5, max: 300 }).map(String) }),
  head_control: fc.record({
    list: fc.uniqueArray(
      fc.record({
        regex: fc.constantFrom('.*', '\\.js$'),
        head_op: fc.constantFrom('ADD', 'ALT'),
        head_direction: fc.constantFrom('CLI_REQ', 'SER_REP'),
        head: header,
        value: headerValue(5),
        order: fc.integer({ min: 0, max: 50 }),
      }),
      { maxLength: 4, selector: (h) => h.order },
    ),
  }),
};

describe('property: normalize(writeForm(X) as live echo) equals normalize(X)', () => {
  for (const settings of [SETTINGS, { ...GET_DOC, cacheErrorCode5xx: '5xx' as const }]) {
    describe.each(Object.entries(generators))('%s', (key, arb) => {
      it(`round-trips (${settings.refererTypeMapping}, ${settings.cacheErrorCode5xx})`, () => {
        fc.assert(
          fc.property(arb, fc.boolean(), fc.boolean(), (x, loose, shuffle) => {
            const form = writeForm(key, x, undefined, settings);
            expectValidPost({ [key]: form });
            let echo = loose ? loosen(form) : form;
            if (shuffle && Array.isArray(echo) && key === 'new_origin') echo = [...echo].reverse();
            if (echo && typeof echo === 'object' && !Array.isArray(echo)) {
              const { mode: _m, type: _t, ...rest } = echo as Record<string, unknown>;
              echo = key === 'referer' ? echo : rest; // flags are not echoed by GET
            }
            const want = normalizeKey(key, x, 'desired', settings);
            const got = normalizeKey(key, echo, 'live', settings);
            expect(valuesEqual(want, got)).toBe(true);
            // and normalising the canonical form again changes nothing
            expect(normalizeKey(key, x, 'desired', settings)).toEqual(want);
          }),
          { numRuns: 150 },
        );
      });
    });
  }
});
