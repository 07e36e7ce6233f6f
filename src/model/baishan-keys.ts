/**
 * What Baishan documents about each config key's write semantics (baishan-api.md §2–§3, seed 001).
 */

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

/**
 * Keys with a documented way back to "off" (baishan-api.md §3.0). Only these may be set to `null`
 * in the YAML. NOTE: for every other key the documents give no removal form, so edgeform refuses to
 * plan a removal rather than guess one (an empty list may be rejected: CacheRuleListIsEmpty).
 */
export const REMOVABLE_KEYS: ReadonlySet<string> = new Set([
  'https', // cert_id: 0 — also downgrades the domain to HTTP, so it needs allowHttpsDowngrade
  'range_back_source', // "on" is the documented default state
  'cache_error_code', // bcache: "off"
  'video_drag', // mp4: "off", flv: "off"
  'visit_deny_whitelist', // turn_on: false for every live URL
  'add_response_head', // type: "reset" with an empty list (inferred)
]);

/** Fields holding secrets: they accept `{env: NAME}` / `{file: path}` and are never printed. */
export const SECRET_FIELDS: readonly { key: BaishanConfigKey; path: string }[] = [
  { key: 'visit_timestamp', path: 'key' },
  { key: 'tos_origin', path: '[].auth_secret_key' },
  { key: 'tos_origin', path: '[].auth_access_key' },
];

const CONFIG_KEY_SET: ReadonlySet<string> = new Set(BAISHAN_CONFIG_KEYS);

export function isBaishanConfigKey(key: string): key is BaishanConfigKey {
  return CONFIG_KEY_SET.has(key);
}

/**
 * Keys where writing one changes the other (§3.6–3.7, stated): setting the IP blacklist clears the
 * whitelist and vice versa, so at most one of each pair may be managed on a domain.
 */
export const MUTUALLY_EXCLUSIVE_KEYS: readonly (readonly [BaishanConfigKey, BaishanConfigKey])[] = [
  ['ip_black_list', 'ip_white_list'],
];

/**
 * Fields the table types as strings although they hold numbers (§5.2, C14): compared as canonical
 * decimal strings, always written as strings.
 */
export const STRING_NUMBER_FIELDS: readonly { key: BaishanConfigKey; path: string }[] = [
  { key: 'speed_limit', path: '[].speed' },
  { key: 'timeout', path: 'time' },
  { key: 'connect_timeout', path: 'origin_connect_timeout' },
];
