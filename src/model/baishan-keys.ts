/**
 * The Baishan config key catalog: for each `domain/config` key, in one record, the shape of its
 * value with documented defaults and ineffective fields, its off state, how it is written (the
 * idempotent cover/reset form, operation flags), how it is removed (the documented off-form, or
 * none), its secret fields, its string-typed numbers and the key it excludes (the Baishan
 * domain/config POST and GET documents). `normalize.ts` and `write-forms.ts` walk these records; nothing key-specific
 * lives in code that could live here.
 */
import { isPlainObject } from '../core/json.js';
import {
  bool,
  type FieldSpec,
  type Fields,
  host,
  int,
  list,
  type ObjectSpec,
  obj,
  oneOf,
  onoff,
  pattern,
  secret,
  set,
  str,
  strnum,
  yesno,
} from './baishan-key-specs.js';
import type { DesiredValue } from './stack-types.js';

export const BAISHAN_CONFIG_KEYS = [
  'origin',
  'origin_host',
  'referer',
  'cache_rule',
  'cache_rule_list',
  'ip_black_list',
  'ip_white_list',
  'add_response_head',
  'add_back_source_head',
  'https',
  'visit_timestamp',
  'forbid_httpx',
  'cache_error_code',
  'video_drag',
  'compress_response',
  'speed_limit',
  'visit_deny_whitelist',
  'range_back_source',
  'extend',
  'rate_limit',
  'new_origin',
  'cache_share',
  'head_control',
  'timeout',
  'connect_timeout',
  'qiniu_origin_auth',
  'forward_status',
  'error_page_rewrite',
  'post_upload_size_limit',
  'source_url_rewrite',
  'combined_ban',
  'deny_url',
  'tos_origin',
  'client_real_ip',
  'user_agent',
  'visit_areas_limit',
] as const;

export type BaishanConfigKey = (typeof BAISHAN_CONFIG_KEYS)[number];

/** What a key's `write` sees. */
export interface KeyWriteInput {
  /** The desired value as declared (never null: null is a removal). */
  desired: Exclude<DesiredValue, null>;
  /** The desired value walked to its wire form (user order and case, table wire types). */
  walk(): unknown;
  /** The live value as read, undefined when the key is not set. */
  live: unknown;
  /** The domain written. */
  domain?: string;
}

/** What a key's `removal` sees. */
export interface KeyRemovalInput {
  /** The live value walked to its wire form, as an object (`{}` when not one). */
  stored(): Record<string, unknown>;
  live: unknown;
}

/** Everything edgeform knows about one config key. */
export interface BaishanKeyRecord {
  /** Shape of the value: field kinds, documented defaults, ineffective fields, list semantics. */
  value: FieldSpec;
  /**
   * The canonical value equals the server-default / removed state (the documented off-forms,
   * §3.0): normalisation turns it into `undefined`, the same as an absent key.
   */
  isOffState?: (canonical: unknown) => boolean;
  /** Shapes accepted for convenience before the spec applies. */
  preShape?: (value: unknown) => unknown;
  /** The POST value for a declared value; default: the value walked to its wire form. */
  write?: (input: KeyWriteInput) => unknown;
  /** Operation flags `write` adds that are not state (stripped from what export writes). */
  flags?: readonly string[];
  /**
   * The POST value that removes the key (the YAML declares `null`). NOTE: only keys with a
   * documented way back to "off" (§3.0) have one; for every other key the documents give no
   * removal form, so edgeform refuses to plan a removal rather than guess one (an empty list may
   * be rejected: CacheRuleListIsEmpty).
   */
  removal?: (input: KeyRemovalInput) => unknown;
  /** Paths of fields holding secrets: they accept `{env}` / `{file}` and are never printed. */
  secrets?: readonly string[];
  /**
   * Paths of fields the table types as strings although they hold numbers (§5.2, C14): compared
   * as canonical decimal strings, always written as strings.
   */
  stringNumbers?: readonly string[];
  /** A key that writing this one clears (§3.6–3.7): at most one of them is managed on a domain. */
  excludes?: BaishanConfigKey;
}

const CACHE_UNIT_LETTERS = ['Y', 'M', 'D', 'h', 'i', 's'] as const;
const SIZE_UNITS = ['KB', 'MB'] as const;
const ISPS = ['default', 'dx', 'lt', 'yd'] as const;

/** Fields that exist only when `flag(obj)` holds; otherwise they are ineffective. */
function onlyWhen(rules: readonly [readonly string[], (o: Fields) => boolean][]): (o: Fields) => string[] {
  return (o) => rules.flatMap(([names, flag]) => (flag(o) ? [] : names));
}

// ---- the 36 keys --------------------------------------------------------------------------------

const banCondition = (withCase: boolean, withList: boolean): ObjectSpec =>
  obj({
    is_match: yesno('yes'),
    // NOTE: C21 — `case_insensitive: yes` means case-SENSITIVE ("区分大小写, 默认: 区分 yes"); the wire
    // name and values are kept as documented, only the default matters here.
    ...(withCase ? { case_insensitive: yesno('yes') } : {}),
    ...(withList ? { list: set('string', 'array') } : { method_type: oneOf(['get', 'post'], 'get') }),
  });

export const BAISHAN_KEYS: Readonly<Record<BaishanConfigKey, BaishanKeyRecord>> = {
  origin: {
    value: obj(
      {
        default_master: set('string', 'comma', true),
        default_slave: set('string', 'comma', true),
        origin_mode: oneOf(['http', 'https', 'default', 'custom'], 'default'),
        ori_https: yesno(),
        port: int(),
      },
      {
        // "port: default empty, meaning port 80" (§3.1) — only meaningful for custom mode.
        derived: (o) => (o.origin_mode === 'custom' ? { port: 80 } : {}),
        ineffective: onlyWhen([[['ori_https', 'port'], (o) => o.origin_mode === 'custom']]),
      },
    ),
  },
  origin_host: { value: obj({ host: host() }) },
  referer: {
    value: obj({
      type: { kind: 'refererType' },
      list: set('string', 'array', true),
      allow_empty: bool(true),
    }),
  },
  cache_rule: {
    value: list(
      obj(
        {
          type: int(),
          pattern: pattern((o) => o.type === 1 || o.type === 2 || o.type === 3),
          time: int(),
          timeunit: oneOf(CACHE_UNIT_LETTERS, 's'),
          ignore_no_cache: onoff('off'),
          ignore_expired: onoff('on'),
          ignore_query: onoff('off'),
        },
        { ineffective: (o) => (o.time === 0 ? ['ignore_no_cache', 'ignore_expired', 'ignore_query'] : []) },
      ),
      'ordered',
    ),
  },
  cache_rule_list: {
    value: list(
      obj(
        {
          match_method: oneOf(['ext', 'dir', 'route', 'regex']),
          pattern: pattern(
            (o) => o.match_method === 'ext' || o.match_method === 'dir' || o.match_method === 'route',
          ),
          case_ignore: yesno('yes'),
          expire: int(),
          expire_unit: oneOf(CACHE_UNIT_LETTERS, 's'),
          ignore_no_cache_headers: yesno('no'),
          follow_expired: yesno('no'),
          query_params_op: oneOf(['do_nothing', 'cache_back_source_remove', 'customer'], 'do_nothing'),
          priority: int(),
          cache_or_not: yesno(),
          query_params_op_way: oneOf(['keep', 'remove']),
          query_params_op_when: oneOf(['cache', 'cache_back_source']),
          // NOTE: C44 — no documented separator, so it is passed through verbatim.
          params: str(),
        },
        {
          ineffective: onlyWhen([
            [
              ['query_params_op_way', 'query_params_op_when', 'params'],
              (o) => o.query_params_op === 'customer',
            ],
          ]),
        },
      ),
      { sortBy: 'priority' },
    ),
  },
  // `mode` is an operation flag, not state (§5.1): it is stripped on read and always written as cover.
  // NOTE: §3.6 — `mode` defaults to cover, but a reconciler never relies on it (C39).
  // Baishan keeps one IP list per domain: writing either clears the other (§3.6–3.7, stated).
  ip_black_list: {
    value: obj({ list: set('string', 'array') }),
    write: ({ walk }) => ({ ...asObject(walk()), mode: 'cover' }),
    flags: ['mode'],
    excludes: 'ip_white_list',
  },
  ip_white_list: {
    value: obj({ list: set('string', 'array') }),
    write: ({ walk }) => ({ ...asObject(walk()), mode: 'cover' }),
    flags: ['mode'],
    excludes: 'ip_black_list',
  },
  add_response_head: {
    // `type` is a flag like `mode`; edgeform always writes `reset` with the full list (C40).
    // Headers form a map by case-insensitive name (the server's `add` upserts by name), so a set.
    value: obj({ list: list(obj({ name: host(), value: str() }), 'multiset') }),
    isOffState: (c) => isObj(c) && Array.isArray(c.list) && c.list.length === 0,
    // NOTE: C40 — an omitted `type` already means reset; it is still always sent explicitly.
    write: ({ walk }) => ({ type: 'reset', list: asObject(walk()).list ?? [] }),
    flags: ['type'],
    // Removal: reset with an empty list (inferred).
    removal: () => ({ type: 'reset', list: [] }),
  },
  add_back_source_head: {
    value: list(obj({ head_name: host(), head_value: str(), write_when_exists: yesno('yes') }), 'ordered'),
  },
  https: {
    value: obj(
      {
        cert_id: int(),
        http2: onoff(),
        force_https: int(0),
        ocsp: onoff(),
        ssl_protocol: set('string', 'array'),
      },
      { unchangedWhenOmitted: ['ocsp'] },
    ),
    // cert_id 0 = no certificate, plain HTTP: the same state as never configured.
    isOffState: (c) => isObj(c) && c.cert_id === 0,
    // Removal also downgrades the domain to HTTP (C41); the provider guards it with allowHttpsDowngrade.
    removal: () => ({ cert_id: 0 }),
  },
  visit_timestamp: {
    // `request_style` (read-only) and the undocumented `error_page` (C15) are not in the table, so the
    // walker strips them like any unknown field.
    value: obj({
      pattern: str(),
      time_format: oneOf(['timestamp_hex', 'date_minute', 'timestamp']),
      key: secret(),
      deadtime: int(),
      req_uri_type: int(),
      origin_type: int(1),
      style: str(),
      timename: str({ default: 'time' }),
      keyname: str({ default: 'key' }),
    }),
    secrets: ['key'],
  },
  forbid_httpx: { value: obj({ protocol: oneOf(['http', 'https']) }) },
  cache_error_code: {
    value: obj({
      bcache: onoff(),
      code: set('errorCode', 'array'),
      // NOTE: C2 — version A types it string, version B int; int is canonical and the wire type.
      cache_time: int(),
      cache_unit: oneOf(['year', 'month', 'day', 'hour', 'minute', 'second']),
    }),
    isOffState: (c) => isObj(c) && c.bcache === 'off',
    // NOTE: the only example of the off-form ([001] line ~770) sends the code list with bcache
    // "off"; requiredness of `code` is lost (§0 loss 1), so the stored list is kept.
    removal: ({ stored }) => {
      const { code } = stored();
      return Array.isArray(code) && code.length > 0 ? { code, bcache: 'off' } : { bcache: 'off' };
    },
  },
  video_drag: {
    value: obj({ url: str(), mp4: onoff(), flv: onoff(), start: str(), end: str() }),
    isOffState: (c) => isObj(c) && (c.mp4 ?? 'off') === 'off' && (c.flv ?? 'off') === 'off',
    // Requiredness of url/start/end is not stated: keep the stored ones so only the switches change.
    removal: ({ stored }) => {
      const { url, start, end } = stored();
      return {
        ...(url !== undefined ? { url } : {}),
        mp4: 'off',
        flv: 'off',
        ...(start !== undefined ? { start } : {}),
        ...(end !== undefined ? { end } : {}),
      };
    },
  },
  compress_response: {
    value: obj({ content_type: set('string', 'array'), min_size: int(), min_size_unit: oneOf(SIZE_UNITS) }),
  },
  speed_limit: {
    value: list(
      obj({
        type: oneOf(['ext', 'dir', 'route', 'regex', 'all']),
        pattern: pattern(
          (o) => o.type === 'ext' || o.type === 'dir' || o.type === 'route',
          (o) => (o.type === 'all' ? '.*' : undefined),
        ),
        speed: strnum(),
        begin_time: str(),
        end_time: str(),
      }),
      'ordered',
    ),
    stringNumbers: ['[].speed'],
  },
  // GET shows `{url:[...]}`, POST takes per-URL toggles (C42): compared as a set of URLs
  // (normalize.ts), written and removed as toggles against the live list.
  visit_deny_whitelist: {
    value: set('string', 'array'),
    write: ({ desired, live }) => whitelistToggles(whitelistUrls(desired) ?? [], liveWhitelist(live)),
    removal: ({ live }) => whitelistToggles([], liveWhitelist(live)),
  },
  // "on" is the documented default state.
  range_back_source: { value: onoff('on'), isOffState: (c) => c === 'on', removal: () => 'on' },
  extend: { value: obj({ squid: str() }) },
  rate_limit: {
    value: obj({
      max_rate_count: int(),
      leading_flow_count: int(),
      leading_flow_unit: oneOf(SIZE_UNITS, 'MB'),
      max_rate_unit: oneOf(SIZE_UNITS, 'MB'),
    }),
  },
  new_origin: {
    value: list(
      obj(
        {
          origin: host(),
          port: int(),
          protocol: oneOf(['default', 'http', 'https'], 'default'),
          host: str({ default: '', ci: true }),
          level: int(20),
          weight_level: int(1),
          isp: oneOf(ISPS, 'default'),
          connect_time: int(15),
        },
        {
          derived: (o) =>
            o.protocol === 'http' ? { port: 80 } : o.protocol === 'https' ? { port: 443 } : {},
          // For protocol=default the server fixes the port to 0 whatever is sent.
          ineffective: (o) => (o.protocol === 'default' ? ['port'] : []),
        },
      ),
      'multiset',
    ),
  },
  cache_share: {
    value: obj(
      {
        share_way: oneOf(['inner_share', 'cross_single_share', 'cross_all_share']),
        domain: host(),
      },
      // NOTE: C23 — required by the table but only effective across domains; ignored in diffs, still
      // written (`write` supplies one for inner_share).
      { ineffective: (o) => (o.share_way === 'inner_share' ? ['domain'] : []) },
    ),
    write: ({ walk, live, domain }) => {
      const out = asObject(walk());
      if (out.share_way === 'inner_share' && out.domain === undefined) {
        // NOTE: C23 — required by the table, ignored by the server for inner_share: keep what is
        // stored, else name the domain itself.
        const stored = isPlainObject(live) && typeof live.domain === 'string' ? live.domain : undefined;
        const named = stored ?? domain;
        if (named !== undefined) out.domain = named;
      }
      return out;
    },
  },
  head_control: {
    // A bare list is accepted for the `{list: [...]}` wrapper (C22).
    preShape: (v) => (Array.isArray(v) ? { list: v } : v),
    value: obj({
      list: list(
        obj({
          regex: str(),
          head_op: oneOf(['ADD', 'DEL', 'ALT']),
          head_direction: oneOf(['CLI_REQ', 'CLI_REP', 'SER_REQ', 'SER_REP']),
          head: host(),
          value: str(),
          order: int(),
        }),
        // NOTE: C22 — direction of `order` is not stated; sort by it, never renumber.
        { sortBy: 'order' },
      ),
    }),
  },
  timeout: { value: obj({ time: strnum() }), stringNumbers: ['time'] },
  connect_timeout: {
    value: obj({ origin_connect_timeout: strnum() }),
    stringNumbers: ['origin_connect_timeout'],
  },
  qiniu_origin_auth: {
    value: obj({
      auth_url: str(),
      match_method: oneOf(['default', 'ext', 'regex'], 'default'),
      pattern: pattern(
        (o) => o.match_method === 'ext',
        () => '',
      ),
    }),
  },
  forward_status: { value: obj({ codes: set('int', 'array') }) },
  error_page_rewrite: {
    value: list(
      obj({ error_status_code: int(), redirect_status_code: int(), redirect_url: str() }),
      'ordered',
    ),
  },
  post_upload_size_limit: { value: obj({ limit_value: int() }) },
  source_url_rewrite: { value: list(obj({ origin_url: str(), target_url: str() }), 'ordered') },
  combined_ban: {
    value: list(
      obj({
        action: oneOf(['ban'], 'ban'),
        configs: obj({
          method: banCondition(false, false),
          ip: banCondition(false, true),
          referer: banCondition(false, true),
          url: banCondition(true, true),
          ua: banCondition(true, true),
        }),
      }),
      'ordered',
    ),
  },
  deny_url: { value: obj({ urls: set('string', 'array') }) },
  tos_origin: {
    value: list(
      obj(
        {
          isp: oneOf(ISPS),
          ips: set('string', 'array', true),
          group_sort: int(),
          weight: int(),
          origin_mode: oneOf(['default', 'http', 'https', 'custom'], 'default'),
          protocol: oneOf(['http', 'https']),
          port: int(),
          host_mode: oneOf(['default', 'custom'], 'default'),
          host: host(),
          auth_type: oneOf(['default', 'oss', 'tos'], 'default'),
          auth_secret_key: secret(),
          auth_access_key: secret(),
          auth_bucket_name: str(),
          auth_expire: int(),
          auth_cdn_tag: str(),
          parse_priority: oneOf(['default', 'v4', 'v4v6', 'v6v4', 'v6'], 'default'),
        },
        {
          ineffective: onlyWhen([
            [['protocol', 'port'], (o) => o.origin_mode === 'custom'],
            [['host'], (o) => o.host_mode === 'custom'],
            [['auth_bucket_name'], (o) => o.auth_type === 'oss'],
            [['auth_expire', 'auth_cdn_tag'], (o) => o.auth_type === 'tos'],
          ]),
        },
      ),
      'multiset',
    ),
    secrets: ['[].auth_secret_key', '[].auth_access_key'],
  },
  client_real_ip: { value: obj({ head: host() }) },
  user_agent: {
    value: obj({
      // NOTE: C44 — the newline separator is known only from the example.
      ua_list: set('string', 'lines'),
      url_pattern: str(),
      url_case_insensitive: yesno(),
      allow_empty_ua: yesno(),
      ua_case_insensitive: yesno(),
      url_match_type: oneOf(['all', 'ext', 'dir', 'route', 'regex']),
      ua_type: oneOf(['black', 'white']),
      ua_match_type: oneOf(['pattern', 'exact']),
    }),
  },
  visit_areas_limit: {
    value: obj({ limit_type: oneOf(['white', 'black']), country_list: set('string', 'comma') }),
  },
};

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asObject(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? { ...v } : {};
}

/**
 * The URLs of a visit_deny_whitelist value in any of its shapes: GET `{url:[...]}` (C42), POST
 * toggles `[{url, turn_on}]` (turn_on:false entries are not in the set), or a plain list of URLs.
 * Undefined when the shape is not recognised.
 */
export function whitelistUrls(value: unknown): string[] | undefined {
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const item of value) {
      if (typeof item === 'string') out.push(item);
      else if (isPlainObject(item) && typeof item.url === 'string') {
        const on = item.turn_on;
        if (on === false || on === 'false' || on === 'off') continue;
        out.push(item.url);
      } else return undefined;
    }
    return out;
  }
  if (isPlainObject(value)) {
    const url = value.url;
    if (url === undefined || url === null) return [];
    if (typeof url === 'string') return [url];
    if (Array.isArray(url) && url.every((u) => typeof u === 'string')) return url as string[];
  }
  return undefined;
}

function liveWhitelist(live: unknown): string[] {
  if (live === undefined || live === null) return [];
  return whitelistUrls(live) ?? [];
}

/**
 * NOTE: C42 / §5.1 — visit_deny_whitelist is written as per-URL toggles: turn_on:true for D−C,
 * turn_on:false for C−D; URLs in both are left alone (the server keeps unnamed URLs).
 */
function whitelistToggles(desired: readonly string[], current: readonly string[]): unknown[] {
  const d = [...new Set(desired.map((u) => u.trim()).filter((u) => u !== ''))];
  const c = new Set(current.map((u) => u.trim()));
  const dSet = new Set(d);
  return [
    ...d.filter((u) => !c.has(u)).map((url) => ({ url, turn_on: true })),
    ...[...c].filter((u) => u !== '' && !dSet.has(u)).map((url) => ({ url, turn_on: false })),
  ];
}

// ---- views of the catalog -----------------------------------------------------------------------

const CONFIG_KEY_SET: ReadonlySet<string> = new Set(BAISHAN_CONFIG_KEYS);

export function isBaishanConfigKey(key: string): key is BaishanConfigKey {
  return CONFIG_KEY_SET.has(key);
}

const entries = BAISHAN_CONFIG_KEYS.map((key) => [key, BAISHAN_KEYS[key]] as const);

/** Keys with a documented removal form: only these may be set to `null` in the YAML. */
export const REMOVABLE_KEYS: ReadonlySet<string> = new Set(
  entries.filter(([, r]) => r.removal).map(([key]) => key),
);

/** Fields holding secrets, by key. */
export const SECRET_FIELDS: readonly { key: BaishanConfigKey; path: string }[] = entries.flatMap(([key, r]) =>
  (r.secrets ?? []).map((path) => ({ key, path })),
);

/** Pairs of keys where writing one clears the other. */
export const MUTUALLY_EXCLUSIVE_KEYS: readonly (readonly [BaishanConfigKey, BaishanConfigKey])[] =
  entries.flatMap(([key, r]) => (r.excludes && key < r.excludes ? [[key, r.excludes] as const] : []));

/** Fields typed as strings that hold numbers, by key. */
export const STRING_NUMBER_FIELDS: readonly { key: BaishanConfigKey; path: string }[] = entries.flatMap(
  ([key, r]) => (r.stringNumbers ?? []).map((path) => ({ key, path })),
);
