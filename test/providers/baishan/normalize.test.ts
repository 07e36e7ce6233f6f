import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretValue } from '../../../src/core/secrets.js';
import { BAISHAN_CONFIG_KEYS, BAISHAN_KEYS, REMOVABLE_KEYS } from '../../../src/model/baishan-keys.js';
import type { BaishanSettings } from '../../../src/model/stack-types.js';
import { normalizeKey, type Side, toDisplay, valuesEqual } from '../../../src/providers/baishan/normalize.js';
import { CASES, SETTINGS, TOS_AK, TOS_SK, VT_KEY } from './key-fixtures.js';

const norm = (key: string, value: unknown, side: Side, settings: BaishanSettings = SETTINGS) =>
  normalizeKey(key, value, side, settings);
const same = (key: string, desired: unknown, live: unknown, settings: BaishanSettings = SETTINGS) =>
  valuesEqual(norm(key, desired, 'desired', settings), norm(key, live, 'live', settings));

describe('per key: an unchanged estate compares equal, a real change does not', () => {
  it('covers all 36 documented keys, each with a spec', () => {
    expect(Object.keys(CASES).sort()).toEqual([...BAISHAN_CONFIG_KEYS].sort());
    expect(Object.keys(BAISHAN_KEYS).sort()).toEqual([...BAISHAN_CONFIG_KEYS].sort());
    expect(BAISHAN_CONFIG_KEYS).toHaveLength(36);
  });

  describe.each(BAISHAN_CONFIG_KEYS.map((k) => [k, CASES[k]] as const))('%s', (key, c) => {
    it('desired equals its live echo', () => {
      const d = norm(key, c.desired, 'desired');
      const l = norm(key, c.live, 'live');
      expect(d).not.toBeUndefined();
      expect(valuesEqual(d, l)).toBe(true);
    });

    it('detects a real change', () => {
      expect(same(key, c.desired, c.changed)).toBe(false);
    });

    it('is idempotent on the canonical form of the live echo', () => {
      const l = norm(key, c.live, 'live');
      if (key === 'visit_deny_whitelist') return; // canonical form is the URL set, not a GET shape
      const again = norm(key, JSON.parse(JSON.stringify(l ?? null)), 'live');
      if (key === 'referer' || key === 'visit_timestamp' || key === 'tos_origin') {
        // referer's canonical type is a name (accepted on input); secrets compare as masked
        expect(valuesEqual(norm(key, c.desired, 'desired'), again)).toBe(true);
      } else {
        expect(again).toEqual(l);
      }
    });
  });
});

describe('§5.3 rules in detail', () => {
  it('rule 1/2: digit strings and ints meet; string-typed numbers compare as canonical decimals', () => {
    expect(norm('timeout', { time: '006' }, 'live')).toEqual({ time: '6' });
    expect(norm('timeout', { time: 6 }, 'live')).toEqual({ time: '6' });
    expect(norm('post_upload_size_limit', { limit_value: ' 12 ' }, 'live')).toEqual({ limit_value: 12 });
    expect(norm('origin', { default_master: '1.1.1.1', origin_mode: 'custom', port: '' }, 'live')).toEqual({
      default_master: ['1.1.1.1'],
      origin_mode: 'custom',
      port: 80,
    });
  });

  it('rule 3: cache_error_code codes are strings, 5xx/5XX the same', () => {
    const d = { bcache: 'on', code: [403, '5xx'], cache_time: '1', cache_unit: 'day' };
    expect(norm('cache_error_code', d, 'desired')).toEqual({
      bcache: 'on',
      code: ['403', '5xx'],
      cache_time: 1,
      cache_unit: 'day',
    });
    expect(same('cache_error_code', d, { ...d, code: ['5XX', '403'] })).toBe(true);
  });

  it('rule 4: switches from booleans and any case; an unknown switch value is kept and diffs', () => {
    expect(norm('range_back_source', 'OFF', 'live')).toBe('off');
    expect(norm('video_drag', { mp4: 'ON', flv: true }, 'live')).toEqual({ mp4: 'on', flv: 'on' });
    expect(norm('referer', { type: 1, list: [], allow_empty: 'FALSE' }, 'live')).toMatchObject({
      allow_empty: false,
    });
    const weird = { url: 'x', mp4: 'maybe', flv: 'on' };
    expect(() => norm('video_drag', weird, 'live')).not.toThrow();
    expect(norm('video_drag', weird, 'live')).toEqual({ url: 'x', mp4: 'maybe', flv: 'on' });
    expect(same('video_drag', { url: 'x', mp4: 'on', flv: 'on' }, weird)).toBe(false);
  });

  it('never crashes on a live value of the wrong shape; keeps it so it diffs', () => {
    for (const key of BAISHAN_CONFIG_KEYS) {
      for (const junk of ['garbage', 42, true, [1, 'a'], { unexpected: { deep: [1] } }]) {
        expect(() => norm(key, junk, 'live')).not.toThrow();
      }
    }
    expect(norm('origin', 'garbage', 'live')).toBe('garbage');
    expect(norm('cache_rule', { not: 'a list' }, 'live')).toEqual({ not: 'a list' });
    expect(norm('cache_rule', [{ type: 'x1', time: 'soon' }], 'live')).toEqual([
      {
        type: 'x1',
        time: 'soon',
        timeunit: 's',
        ignore_no_cache: 'off',
        ignore_expired: 'on',
        ignore_query: 'off',
      },
    ]);
    expect(same('timeout', { time: '6' }, { time: 'six' })).toBe(false);
  });

  it('rule 5: defaults are filled on both sides', () => {
    expect(
      same('referer', { type: 2, list: ['a.com'], allow_empty: true }, { type: 2, list: ['a.com'] }),
    ).toBe(true);
    expect(
      same('referer', { type: 2, list: ['a.com'] }, { type: 2, list: ['a.com'], allow_empty: false }),
    ).toBe(false);
    expect(norm('new_origin', [{ origin: 'o.example.com', protocol: 'https' }], 'desired')).toEqual([
      {
        origin: 'o.example.com',
        port: 443,
        protocol: 'https',
        host: '',
        level: 20,
        weight_level: 1,
        isp: 'default',
        connect_time: 15,
      },
    ]);
    expect(norm('qiniu_origin_auth', { auth_url: 'http://a.com/' }, 'live')).toEqual({
      auth_url: 'http://a.com/',
      match_method: 'default',
      pattern: '',
    });
    expect(same('ip_black_list', { list: ['1.1.1.1'], mode: 'cover' }, { list: ['1.1.1.1'] })).toBe(true);
  });

  it('rule 6: ineffective fields are dropped before comparing', () => {
    expect(
      same(
        'origin',
        { default_master: 'a.example.com', origin_mode: 'http' },
        { default_master: 'a.example.com', origin_mode: 'http', ori_https: 'yes', port: '8080' },
      ),
    ).toBe(true);
    expect(
      same(
        'cache_rule',
        [{ type: 1, pattern: 'jpg', time: 0 }],
        [{ type: 1, pattern: 'jpg', time: 0, ignore_query: 'on' }],
      ),
    ).toBe(true);
    expect(
      same(
        'cache_rule_list',
        [{ match_method: 'ext', pattern: 'jpg', priority: 1, expire: 1 }],
        [
          {
            match_method: 'ext',
            pattern: 'jpg',
            priority: 1,
            expire: 1,
            query_params_op_way: 'keep',
            params: 'a',
          },
        ],
      ),
    ).toBe(true);
    expect(
      same(
        'cache_share',
        { share_way: 'inner_share', domain: 'a.example.com' },
        { share_way: 'inner_share', domain: 'b.example.com' },
      ),
    ).toBe(true);
    expect(
      same('new_origin', [{ origin: '1.1.1.1' }], [{ origin: '1.1.1.1', port: 0, protocol: 'default' }]),
    ).toBe(true);
    expect(
      same(
        'tos_origin',
        [{ ips: ['1.1.1.1'], auth_type: 'oss', auth_bucket_name: 'b' }],
        [
          {
            ips: ['1.1.1.1'],
            auth_type: 'oss',
            auth_bucket_name: 'b',
            auth_expire: 3,
            auth_cdn_tag: 'x',
            port: 1,
          },
        ],
      ),
    ).toBe(true);
  });

  it('rule 6: https.ocsp omitted from the desired state means unchanged', () => {
    const d = { cert_id: 1, http2: 'on' };
    expect(same('https', d, { cert_id: 1, http2: 'on', ocsp: 'off' })).toBe(true);
    expect(same('https', { ...d, ocsp: 'on' }, { cert_id: 1, http2: 'on', ocsp: 'off' })).toBe(false);
    expect(same('https', d, { cert_id: 1, http2: 'on', ocsp: 'on', force_https: 302 })).toBe(false);
    // the marker never shows in JSON or display
    expect(JSON.stringify(norm('https', d, 'desired'))).toBe('{"cert_id":1,"http2":"on","force_https":0}');
  });

  it('rule 7: sets compare order-insensitively, comma strings are split and trimmed', () => {
    expect(norm('origin', { default_master: ' b.com ,a.com,,a.com' }, 'live')).toEqual({
      default_master: ['a.com', 'b.com'],
      origin_mode: 'default',
    });
    expect(norm('visit_areas_limit', { country_list: 'japan, china' }, 'live')).toEqual({
      country_list: ['china', 'japan'],
    });
    expect(norm('user_agent', { ua_list: 'b\r\na\n\n' }, 'live')).toEqual({ ua_list: ['a', 'b'] });
    // patterns are sets only for the list types
    expect(
      same('cache_rule', [{ type: 4, pattern: 'a,b', time: 1 }], [{ type: 4, pattern: 'b,a', time: 1 }]),
    ).toBe(false);
    expect(
      same(
        'speed_limit',
        [{ type: 'regex', pattern: 'a,b', speed: '1' }],
        [{ type: 'regex', pattern: 'b,a', speed: '1' }],
      ),
    ).toBe(false);
  });

  it('rule 8: ordered lists, priority/order sorting and multisets', () => {
    const a = { match_method: 'ext', pattern: 'a', priority: 1, expire: 1 };
    const b = { match_method: 'ext', pattern: 'b', priority: 2, expire: 1 };
    expect(same('cache_rule_list', [a, b], [b, a])).toBe(true);
    expect(
      same(
        'cache_rule_list',
        [a, b],
        [
          { ...a, priority: 2 },
          { ...b, priority: 1 },
        ],
      ),
    ).toBe(false);
    expect(
      same(
        'add_back_source_head',
        [{ head_name: 'a' }, { head_name: 'b' }],
        [{ head_name: 'b' }, { head_name: 'a' }],
      ),
    ).toBe(false);
    expect(same('new_origin', [{ origin: '1.1.1.1' }, { origin: '1.1.1.1' }], [{ origin: '1.1.1.1' }])).toBe(
      false,
    );
  });

  it('rule 9: host and header names ignore case, values and enums do not', () => {
    expect(same('origin_host', { host: 'A.com' }, { host: 'a.COM' })).toBe(true);
    expect(
      same(
        'add_response_head',
        { list: [{ name: 'X-A', value: 'V' }] },
        { list: [{ name: 'x-a', value: 'v' }] },
      ),
    ).toBe(false);
    expect(same('forbid_httpx', { protocol: 'http' }, { protocol: 'HTTP' })).toBe(false);
  });

  it('rule 10: units are not converted', () => {
    expect(
      same(
        'cache_rule',
        [{ type: 1, pattern: 'a', time: 1, timeunit: 'h' }],
        [{ type: 1, pattern: 'a', time: 60, timeunit: 'i' }],
      ),
    ).toBe(false);
    expect(
      same(
        'cache_rule',
        [{ type: 1, pattern: 'a', time: 5 }],
        [{ type: 1, pattern: 'a', time: 5, timeunit: 's' }],
      ),
    ).toBe(true);
  });
});

describe('rule 11 / C1: referer type mapping', () => {
  const getDoc: BaishanSettings = { ...SETTINGS, refererTypeMapping: 'get-doc' };
  it('post-doc reads live 1 as blacklist', () => {
    expect(norm('referer', { type: 1, list: [] }, 'live')).toMatchObject({ type: 'blacklist' });
    expect(norm('referer', { type: '2', list: [] }, 'live')).toMatchObject({ type: 'whitelist' });
  });
  it('get-doc reads live 1 as whitelist; the YAML numbering never changes', () => {
    expect(norm('referer', { type: 1, list: [] }, 'live', getDoc)).toMatchObject({ type: 'whitelist' });
    expect(norm('referer', { type: 1, list: [] }, 'desired', getDoc)).toMatchObject({ type: 'blacklist' });
    expect(same('referer', { type: 1, list: ['a.com'] }, { type: 2, list: ['a.com'] }, getDoc)).toBe(true);
    expect(same('referer', { type: 1, list: ['a.com'] }, { type: 1, list: ['a.com'] }, getDoc)).toBe(false);
  });
});

describe('off states and removal targets', () => {
  it('range_back_source: on and absent are the same state', () => {
    expect(norm('range_back_source', 'on', 'desired')).toBeUndefined();
    expect(norm('range_back_source', undefined, 'live')).toBeUndefined();
    expect(norm('range_back_source', true, 'live')).toBeUndefined();
    expect(
      valuesEqual(norm('range_back_source', 'on', 'desired'), norm('range_back_source', undefined, 'live')),
    ).toBe(true);
  });

  it('documented off-forms normalise to undefined on both sides', () => {
    expect(norm('https', { cert_id: '0', http2: 'off' }, 'live')).toBeUndefined();
    expect(norm('cache_error_code', { code: ['403'], bcache: 'off' }, 'live')).toBeUndefined();
    expect(norm('video_drag', { url: 'x', mp4: false, flv: 'off' }, 'live')).toBeUndefined();
    expect(norm('visit_deny_whitelist', { url: [] }, 'live')).toBeUndefined();
    expect(norm('add_response_head', { list: [] }, 'live')).toBeUndefined();
    expect(norm('add_response_head', { type: 'reset', list: [] }, 'desired')).toBeUndefined();
  });

  it('desired null: undefined (target = off) for removable keys, null otherwise', () => {
    for (const key of BAISHAN_CONFIG_KEYS) {
      expect(norm(key, null, 'desired')).toBe(REMOVABLE_KEYS.has(key) ? undefined : null);
    }
    expect(valuesEqual(null, undefined)).toBe(true);
    expect(valuesEqual(null, { a: 1 })).toBe(false);
  });

  it('live null counts as absent', () => {
    expect(norm('origin', null, 'live')).toBeUndefined();
  });
});

describe('visit_deny_whitelist shapes (C42)', () => {
  it('GET {url:[...]}, POST toggles and plain lists meet as one URL set', () => {
    const toggles = [
      { url: '/b', turn_on: true },
      { url: '/a', turn_on: true },
      { url: '/gone', turn_on: false },
    ];
    expect(norm('visit_deny_whitelist', toggles, 'desired')).toEqual(['/a', '/b']);
    expect(norm('visit_deny_whitelist', { url: ['/a', '/b'] }, 'live')).toEqual(['/a', '/b']);
    expect(norm('visit_deny_whitelist', ['/b', '/a'], 'live')).toEqual(['/a', '/b']);
    expect(norm('visit_deny_whitelist', { url: '/a' }, 'live')).toEqual(['/a']);
    expect(norm('visit_deny_whitelist', 'junk', 'live')).toBe('junk');
  });
});

describe('secrets (C43)', () => {
  const vt = CASES.visit_timestamp;
  it('a masked or absent live secret equals the desired one', () => {
    const d = norm('visit_timestamp', vt.desired, 'desired');
    for (const masked of ['***', '******', '', undefined]) {
      const live = { ...(vt.live as Record<string, unknown>), key: masked };
      expect(valuesEqual(d, norm('visit_timestamp', live, 'live'))).toBe(true);
    }
  });

  it('a clear live secret compares by value', () => {
    const d = norm('visit_timestamp', vt.desired, 'desired');
    const live = vt.live as Record<string, unknown>;
    expect(valuesEqual(d, norm('visit_timestamp', { ...live, key: 'c3RyaWN0b' }, 'live'))).toBe(true);
    expect(valuesEqual(d, norm('visit_timestamp', { ...live, key: 'rotated' }, 'live'))).toBe(false);
    expect(valuesEqual(VT_KEY, new SecretValue({ file: 'k' }, 'c3RyaWN0b'))).toBe(true);
    expect(valuesEqual(VT_KEY, new SecretValue({ file: 'k' }, 'other'))).toBe(false);
  });

  it('desired secrets stay SecretValue in the canonical form', () => {
    const d = norm('visit_timestamp', vt.desired, 'desired') as Record<string, unknown>;
    expect(d.key).toBe(VT_KEY);
    const t = norm('tos_origin', CASES.tos_origin.desired, 'desired') as Record<string, unknown>[];
    expect(t.some((o) => o.auth_secret_key === TOS_SK && o.auth_access_key === TOS_AK)).toBe(true);
  });

  it('toDisplay and JSON.stringify never reveal a secret, desired or live', () => {
    const revealed = ['c3RyaWN0b', 'tos-secret-key', 'tos-access-key', 'live-clear-secret'];
    const shown = [
      toDisplay('visit_timestamp', norm('visit_timestamp', vt.desired, 'desired')),
      toDisplay(
        'visit_timestamp',
        norm('visit_timestamp', { ...(vt.live as object), key: 'live-clear-secret' }, 'live'),
      ),
      toDisplay('tos_origin', norm('tos_origin', CASES.tos_origin.desired, 'desired')),
      toDisplay(
        'tos_origin',
        norm(
          'tos_origin',
          [{ isp: 'default', ips: ['1.1.1.1'], auth_secret_key: 'live-clear-secret' }],
          'live',
        ),
      ),
    ];
    const text = [
      JSON.stringify(shown),
      JSON.stringify(norm('visit_timestamp', vt.desired, 'desired')),
      JSON.stringify(norm('tos_origin', CASES.tos_origin.desired, 'desired')),
      inspect(norm('tos_origin', CASES.tos_origin.desired, 'desired'), { depth: 10 }),
      String(VT_KEY),
    ].join('\n');
    for (const s of revealed) expect(text).not.toContain(s);
    expect(shown[0]).toMatchObject({ key: { $sensitive: true } });
    expect(shown[1]).toMatchObject({ key: { $sensitive: true } });
    expect(shown[3]).toEqual([expect.objectContaining({ auth_secret_key: { $sensitive: true } })]);
  });

  it('toDisplay gives plain JSON for everything else, null for absent', () => {
    expect(toDisplay('referer', norm('referer', CASES.referer.desired, 'desired'))).toEqual({
      type: 'blacklist',
      list: ['*.example.com', 'www.example2.com'],
      allow_empty: true,
    });
    expect(toDisplay('range_back_source', undefined)).toBeNull();
  });
});

describe('read-only and unknown live fields', () => {
  it('strips visit_timestamp.request_style, error_page and unknown fields', () => {
    const l = norm('visit_timestamp', CASES.visit_timestamp.live, 'live') as Record<string, unknown>;
    expect(l).not.toHaveProperty('request_style');
    expect(l).not.toHaveProperty('error_page');
    expect(norm('forbid_httpx', { protocol: 'http', surprise: 1 }, 'live')).toEqual({ protocol: 'http' });
  });

  it('strips ip list mode and add_response_head type flags', () => {
    expect(norm('ip_white_list', { list: ['1.1.1.1'], mode: 'append' }, 'live')).toEqual({
      list: ['1.1.1.1'],
    });
    expect(norm('add_response_head', { type: 'add', list: [{ name: 'A', value: 'b' }] }, 'live')).toEqual({
      list: [{ name: 'a', value: 'b' }],
    });
  });

  it('head_control accepts a bare list', () => {
    const item = { regex: '.*', head_op: 'DEL', head_direction: 'CLI_REP', head: 'Server', order: 1 };
    expect(same('head_control', { list: [item] }, [item])).toBe(true);
  });

  it('passes unknown keys through', () => {
    expect(norm('not_a_key', { a: 1 }, 'live')).toEqual({ a: 1 });
  });
});
