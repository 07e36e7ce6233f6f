/**
 * The per-key value specs of Baishan `domain/config` (baishan-api.md §3, §5.3): for every field its
 * kind, documented default and when it is ineffective. `normalize.ts` and `write-forms.ts` walk these
 * specs; nothing key-specific lives in code that could live here as data.
 */
import type { BaishanConfigKey } from './baishan-keys.js';

/** A read-only view of an object that is being normalised (fields already canonical). */
export type Fields = Readonly<Record<string, unknown>>;

export type ScalarSpec =
  /** §5.3 rule 1: digit strings parse to integers; `""` is absent. */
  | { kind: 'int'; default?: number }
  /** §5.3 rule 2: numbers the table types as strings; compared as canonical decimal strings. */
  | { kind: 'strnum'; default?: string }
  | { kind: 'onoff'; default?: 'on' | 'off' }
  | { kind: 'yesno'; default?: 'yes' | 'no' }
  | { kind: 'bool'; default?: boolean }
  /** Case-sensitive enum (§5.3 rule 9). Values are advisory: an unknown value is kept so it diffs. */
  | { kind: 'enum'; values: readonly string[]; default?: string }
  /** `ci`: host or header name, compared case-insensitively, written in the user's case. */
  | { kind: 'string'; default?: string; ci?: boolean }
  /** Write-only secret (C43): desired holds a SecretValue, live may come back masked. */
  | { kind: 'secret' }
  /** referer.type: named enum in the canonical form, 1/2 on the wire per settings (C1). */
  | { kind: 'refererType' };

/** §5.3 rule 7: a set, given as an array or as a separated string. */
export interface SetSpec {
  kind: 'set';
  item: 'string' | 'int' | 'errorCode';
  /** Host / header names: compared case-insensitively. */
  ci?: boolean;
  /** How the wire carries it: a JSON array, a comma string, or a newline string. */
  wire: 'array' | 'comma' | 'lines';
}

/** A `pattern` that is a comma set for some match types and one regex/string for others. */
export interface PatternSpec {
  kind: 'pattern';
  isList: (parent: Fields) => boolean;
  default?: (parent: Fields) => string | undefined;
}

export interface ObjectSpec {
  kind: 'object';
  fields: Readonly<Record<string, FieldSpec>>;
  /** Defaults that depend on other fields (applied after the static ones). */
  derived?: (obj: Fields) => Readonly<Record<string, unknown>>;
  /** §5.3 rule 6: fields dropped before comparing (and never written). */
  ineffective?: (obj: Fields) => readonly string[];
  /** Fields whose omission from the desired state means "leave unchanged" (https.ocsp). */
  unchangedWhenOmitted?: readonly string[];
}

export interface ListSpec {
  kind: 'list';
  item: FieldSpec;
  /** §5.3 rule 8: in order, as a multiset, or sorted by a numeric field. */
  order: 'ordered' | 'multiset' | { sortBy: string };
}

export type FieldSpec = ScalarSpec | SetSpec | PatternSpec | ObjectSpec | ListSpec;

export interface KeySpec {
  value: FieldSpec;
  /**
   * The canonical value equals the server-default / removed state (the documented off-forms,
   * §3.0): normalisation turns it into `undefined`, the same as an absent key.
   */
  isOffState?: (canonical: unknown) => boolean;
}

// ---- small builders (keep the table readable) -------------------------------------------------

const int = (d?: number): ScalarSpec => (d === undefined ? { kind: 'int' } : { kind: 'int', default: d });
const strnum = (): ScalarSpec => ({ kind: 'strnum' });
const onoff = (d?: 'on' | 'off'): ScalarSpec =>
  d === undefined ? { kind: 'onoff' } : { kind: 'onoff', default: d };
const yesno = (d?: 'yes' | 'no'): ScalarSpec =>
  d === undefined ? { kind: 'yesno' } : { kind: 'yesno', default: d };
const bool = (d?: boolean): ScalarSpec => (d === undefined ? { kind: 'bool' } : { kind: 'bool', default: d });
const oneOf = (values: readonly string[], d?: string): ScalarSpec =>
  d === undefined ? { kind: 'enum', values } : { kind: 'enum', values, default: d };
const str = (opts: { default?: string; ci?: boolean } = {}): ScalarSpec => ({ kind: 'string', ...opts });
const host = (): ScalarSpec => ({ kind: 'string', ci: true });
const secret = (): ScalarSpec => ({ kind: 'secret' });
const set = (item: SetSpec['item'], wire: SetSpec['wire'], ci = false): SetSpec =>
  ci ? { kind: 'set', item, wire, ci } : { kind: 'set', item, wire };
const obj = (
  fields: Record<string, FieldSpec>,
  extra: Omit<ObjectSpec, 'kind' | 'fields'> = {},
): ObjectSpec => ({
  kind: 'object',
  fields,
  ...extra,
});
const list = (item: FieldSpec, order: ListSpec['order']): ListSpec => ({ kind: 'list', item, order });
const pattern = (isList: PatternSpec['isList'], d?: PatternSpec['default']): PatternSpec =>
  d === undefined ? { kind: 'pattern', isList } : { kind: 'pattern', isList, default: d };

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

export const KEY_SPECS: Readonly<Record<BaishanConfigKey, KeySpec>> = {
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
  ip_black_list: { value: obj({ list: set('string', 'array') }) },
  ip_white_list: { value: obj({ list: set('string', 'array') }) },
  add_response_head: {
    // `type` is a flag like `mode`; edgeform always writes `reset` with the full list (C40).
    // Headers form a map by case-insensitive name (the server's `add` upserts by name), so a set.
    value: obj({ list: list(obj({ name: host(), value: str() }), 'multiset') }),
    isOffState: (c) => isObj(c) && Array.isArray(c.list) && c.list.length === 0,
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
  },
  video_drag: {
    value: obj({ url: str(), mp4: onoff(), flv: onoff(), start: str(), end: str() }),
    isOffState: (c) => isObj(c) && (c.mp4 ?? 'off') === 'off' && (c.flv ?? 'off') === 'off',
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
  },
  // Handled by dedicated code (GET `{url:[...]}` vs POST toggles); the spec documents the item.
  visit_deny_whitelist: { value: set('string', 'array') },
  range_back_source: { value: onoff('on'), isOffState: (c) => c === 'on' },
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
      // written (write-forms.ts supplies one for inner_share).
      { ineffective: (o) => (o.share_way === 'inner_share' ? ['domain'] : []) },
    ),
  },
  head_control: {
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
  timeout: { value: obj({ time: strnum() }) },
  connect_timeout: { value: obj({ origin_connect_timeout: strnum() }) },
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
