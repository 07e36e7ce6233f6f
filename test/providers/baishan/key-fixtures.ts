/**
 * One realistic case per Baishan config key (baishan-api.md §3): the desired value as the YAML gives
 * it (POST shape, table types), the live echo of the same configuration as GET returns it from the
 * emulator or the real API (digit strings, booleans for switches, sets reordered, defaults omitted
 * or filled, read-only and unknown fields), a live value that really differs, and the exact POST
 * payload edgeform must send.
 */

import { SecretValue } from '../../../src/core/secrets.js';
import type { BaishanConfigKey } from '../../../src/model/baishan-keys.js';
import type { BaishanSettings, DesiredValue } from '../../../src/model/stack-types.js';

export const SETTINGS: BaishanSettings = {
  rateLimitPerMinute: 30,
  refererTypeMapping: 'post-doc',
  cacheErrorCode5xx: '5XX',
};

export const VT_KEY = new SecretValue({ env: 'VT_KEY' }, 'c3RyaWN0b');
export const TOS_SK = new SecretValue({ env: 'TOS_SK' }, 'tos-secret-key');
export const TOS_AK = new SecretValue({ env: 'TOS_AK' }, 'tos-access-key');

export interface KeyCase {
  desired: DesiredValue;
  /** GET echo of the same configuration. */
  live: unknown;
  /** A GET value that differs in substance. */
  changed: unknown;
  /** The live value writeForm sees (defaults to `live`). */
  writeLive?: unknown;
  /** Exact expected writeForm(desired, writeLive ?? live). */
  write: unknown;
}

export const CASES: Record<BaishanConfigKey, KeyCase> = {
  origin: {
    desired: {
      default_master: '1.1.1.1,1.1.1.2',
      default_slave: '2.2.2.2',
      origin_mode: 'custom',
      ori_https: 'yes',
      port: 1040,
    },
    live: {
      default_master: '1.1.1.2, 1.1.1.1',
      default_slave: '2.2.2.2',
      origin_mode: 'custom',
      ori_https: true,
      port: '1040',
    },
    changed: {
      default_master: '1.1.1.1,1.1.1.2',
      default_slave: '2.2.2.2',
      origin_mode: 'custom',
      ori_https: 'yes',
      port: '1041',
    },
    write: {
      default_master: '1.1.1.1,1.1.1.2',
      default_slave: '2.2.2.2',
      origin_mode: 'custom',
      ori_https: 'yes',
      port: 1040,
    },
  },
  origin_host: {
    desired: { host: 'test.qingcdn.com' },
    live: { host: 'Test.QingCDN.com' },
    changed: { host: 'other.qingcdn.com' },
    write: { host: 'test.qingcdn.com' },
  },
  referer: {
    desired: { type: 1, list: ['*.example.com', 'www.example2.com'] },
    live: { type: '1', list: ['www.example2.com', '*.Example.com'], allow_empty: 'true' },
    changed: { type: 2, list: ['www.example2.com', '*.example.com'], allow_empty: true },
    write: { type: 1, list: ['*.example.com', 'www.example2.com'], allow_empty: true },
  },
  cache_rule: {
    desired: [
      { type: 1, pattern: 'jpg,png,gif', time: 3600 },
      { type: 4, pattern: '\\.mp4$', time: 0, ignore_query: 'on' },
    ],
    live: [
      {
        type: '1',
        pattern: 'png,jpg,gif',
        time: '3600',
        timeunit: 's',
        ignore_no_cache: false,
        ignore_expired: true,
        ignore_query: 'off',
      },
      { type: '4', pattern: '\\.mp4$', time: '0', timeunit: 's', ignore_query: 'off' },
    ],
    changed: [
      { type: 4, pattern: '\\.mp4$', time: 0 },
      { type: 1, pattern: 'jpg,png,gif', time: 3600 },
    ],
    write: [
      {
        type: 1,
        pattern: 'jpg,png,gif',
        time: 3600,
        timeunit: 's',
        ignore_no_cache: 'off',
        ignore_expired: 'on',
        ignore_query: 'off',
      },
      { type: 4, pattern: '\\.mp4$', time: 0, timeunit: 's' },
    ],
  },
  cache_rule_list: {
    desired: [
      {
        match_method: 'dir',
        pattern: '/www/html,/www/aaa',
        case_ignore: 'no',
        priority: 13,
        expire: 60,
        expire_unit: 'i',
        ignore_no_cache_headers: 'yes',
        follow_expired: 'no',
        query_params_op: 'do_nothing',
      },
      {
        match_method: 'ext',
        pattern: 'jpg,png',
        priority: 2,
        expire: 3600,
        query_params_op: 'cache_back_source_remove',
      },
    ],
    live: [
      {
        match_method: 'ext',
        pattern: 'png,jpg',
        priority: '2',
        expire: '3600',
        expire_unit: 's',
        case_ignore: true,
        query_params_op: 'cache_back_source_remove',
        params: 'ignored',
      },
      {
        match_method: 'dir',
        pattern: '/www/aaa,/www/html',
        case_ignore: false,
        priority: '13',
        expire: '60',
        expire_unit: 'i',
        ignore_no_cache_headers: true,
        follow_expired: 'no',
        query_params_op: 'do_nothing',
      },
    ],
    changed: [
      {
        match_method: 'ext',
        pattern: 'jpg,png',
        priority: 2,
        expire: 7200,
        query_params_op: 'cache_back_source_remove',
      },
      {
        match_method: 'dir',
        pattern: '/www/html,/www/aaa',
        case_ignore: 'no',
        priority: 13,
        expire: 60,
        expire_unit: 'i',
        ignore_no_cache_headers: 'yes',
      },
    ],
    write: [
      {
        match_method: 'dir',
        pattern: '/www/html,/www/aaa',
        case_ignore: 'no',
        expire: 60,
        expire_unit: 'i',
        ignore_no_cache_headers: 'yes',
        follow_expired: 'no',
        query_params_op: 'do_nothing',
        priority: 13,
      },
      {
        match_method: 'ext',
        pattern: 'jpg,png',
        case_ignore: 'yes',
        expire: 3600,
        expire_unit: 's',
        ignore_no_cache_headers: 'no',
        follow_expired: 'no',
        query_params_op: 'cache_back_source_remove',
        priority: 2,
      },
    ],
  },
  ip_black_list: {
    desired: { list: ['1.1.1.0/24', '2.2.2.2'] },
    live: { list: ['2.2.2.2', '1.1.1.0/24'] },
    changed: { list: ['2.2.2.2'] },
    write: { list: ['1.1.1.0/24', '2.2.2.2'], mode: 'cover' },
  },
  ip_white_list: {
    desired: { list: ['3.3.3.3', '4.4.0.0/16'], mode: 'cover' },
    live: { list: ['4.4.0.0/16', '3.3.3.3'] },
    changed: { list: ['4.4.0.0/16', '3.3.3.4'] },
    write: { list: ['3.3.3.3', '4.4.0.0/16'], mode: 'cover' },
  },
  add_response_head: {
    desired: {
      type: 'reset',
      list: [
        { name: 'Cache-Control', value: 'max-age=300, must-revalidate' },
        { name: 'X-Edge', value: '1' },
      ],
    },
    live: {
      list: [
        { name: 'x-edge', value: '1' },
        { name: 'cache-control', value: 'max-age=300, must-revalidate' },
      ],
    },
    changed: {
      list: [
        { name: 'Cache-Control', value: 'max-age=300, must-revalidate' },
        { name: 'X-Edge', value: '2' },
      ],
    },
    write: {
      type: 'reset',
      list: [
        { name: 'Cache-Control', value: 'max-age=300, must-revalidate' },
        { name: 'X-Edge', value: '1' },
      ],
    },
  },
  add_back_source_head: {
    desired: [
      { head_name: 'X-From', head_value: 'cdn' },
      { head_name: 'X-Keep', head_value: 'a', write_when_exists: 'no' },
    ],
    live: [
      { head_name: 'x-from', head_value: 'cdn', write_when_exists: true },
      { head_name: 'X-Keep', head_value: 'a', write_when_exists: false },
    ],
    changed: [
      { head_name: 'X-Keep', head_value: 'a', write_when_exists: 'no' },
      { head_name: 'X-From', head_value: 'cdn' },
    ],
    write: [
      { head_name: 'X-From', head_value: 'cdn', write_when_exists: 'yes' },
      { head_name: 'X-Keep', head_value: 'a', write_when_exists: 'no' },
    ],
  },
  https: {
    desired: { cert_id: 10101, http2: 'on', force_https: 301, ssl_protocol: ['TLSv1.2', 'TLSv1.3'] },
    live: {
      cert_id: '10101',
      http2: true,
      force_https: '301',
      ocsp: 'on',
      ssl_protocol: ['TLSv1.3', 'TLSv1.2'],
    },
    changed: { cert_id: 10101, http2: 'on', force_https: '302', ssl_protocol: ['TLSv1.3', 'TLSv1.2'] },
    write: { cert_id: 10101, http2: 'on', force_https: 301, ssl_protocol: ['TLSv1.2', 'TLSv1.3'] },
  },
  visit_timestamp: {
    desired: {
      pattern: '.*',
      time_format: 'timestamp',
      key: VT_KEY,
      keyname: 'sign',
      deadtime: 3600,
      req_uri_type: 2,
      origin_type: 2,
      style: '$ourkey$uri$time',
    },
    live: {
      pattern: '.*',
      time_format: 'timestamp',
      key: '******',
      keyname: 'sign',
      timename: 'time',
      deadtime: '3600',
      req_uri_type: '2',
      origin_type: '2',
      error_page: '',
      style: '$ourkey$uri$time',
      request_style: '^https?://[^/]+/.*\\?.*sign=[0-9a-f]{32}&time=[0-9]+',
    },
    changed: {
      pattern: '.*',
      time_format: 'timestamp',
      key: '******',
      keyname: 'sign',
      deadtime: '7200',
      req_uri_type: '2',
      origin_type: '2',
      style: '$ourkey$uri$time',
    },
    write: {
      pattern: '.*',
      time_format: 'timestamp',
      key: VT_KEY,
      deadtime: 3600,
      req_uri_type: 2,
      origin_type: 2,
      style: '$ourkey$uri$time',
      timename: 'time',
      keyname: 'sign',
    },
  },
  forbid_httpx: {
    desired: { protocol: 'http' },
    live: { protocol: 'http', extra: 'x' },
    changed: { protocol: 'https' },
    write: { protocol: 'http' },
  },
  cache_error_code: {
    desired: { bcache: 'on', code: ['404', '5xx'], cache_time: 60, cache_unit: 'second' },
    live: { bcache: true, code: ['5XX', 404], cache_time: '60', cache_unit: 'second' },
    changed: { bcache: 'on', code: ['5XX', '404'], cache_time: '120', cache_unit: 'second' },
    write: { bcache: 'on', code: ['404', '5XX'], cache_time: 60, cache_unit: 'second' },
  },
  video_drag: {
    desired: { url: '\\.(mp4|flv|f4v|m4v)', mp4: 'on', flv: 'off', start: 'start', end: 'end' },
    live: { url: '\\.(mp4|flv|f4v|m4v)', mp4: true, flv: false, start: 'start', end: 'end' },
    changed: { url: '\\.(mp4|flv|f4v|m4v)', mp4: 'on', flv: 'on', start: 'start', end: 'end' },
    write: { url: '\\.(mp4|flv|f4v|m4v)', mp4: 'on', flv: 'off', start: 'start', end: 'end' },
  },
  compress_response: {
    desired: { content_type: ['text/plain', 'application/x-javascript'], min_size: 2, min_size_unit: 'KB' },
    live: { content_type: ['application/x-javascript', 'text/plain'], min_size: '2', min_size_unit: 'KB' },
    changed: { content_type: ['text/plain', 'application/x-javascript'], min_size: '2', min_size_unit: 'MB' },
    write: { content_type: ['text/plain', 'application/x-javascript'], min_size: 2, min_size_unit: 'KB' },
  },
  speed_limit: {
    desired: [
      { type: 'ext', speed: '80', begin_time: '12:00', end_time: '13:00', pattern: 'jpg,png' },
      { type: 'all', speed: '100', begin_time: '00:00', end_time: '06:00' },
    ],
    live: [
      { type: 'ext', pattern: 'png, jpg', speed: 80, begin_time: '12:00', end_time: '13:00' },
      { type: 'all', pattern: '.*', speed: '0100', begin_time: '00:00', end_time: '06:00' },
    ],
    changed: [
      { type: 'ext', pattern: 'jpg,png', speed: '90', begin_time: '12:00', end_time: '13:00' },
      { type: 'all', pattern: '.*', speed: '100', begin_time: '00:00', end_time: '06:00' },
    ],
    write: [
      { type: 'ext', pattern: 'jpg,png', speed: '80', begin_time: '12:00', end_time: '13:00' },
      { type: 'all', pattern: '.*', speed: '100', begin_time: '00:00', end_time: '06:00' },
    ],
  },
  visit_deny_whitelist: {
    desired: [
      { url: '/user/get?index', turn_on: true },
      { url: '/contract/get?index', turn_on: true },
    ],
    live: { url: ['/contract/get?index', '/user/get?index'] },
    changed: { url: ['/user/get?index'] },
    writeLive: { url: ['/user/get?index', '/old/path'] },
    write: [
      { url: '/contract/get?index', turn_on: true },
      { url: '/old/path', turn_on: false },
    ],
  },
  range_back_source: {
    desired: 'off',
    live: false,
    changed: undefined,
    write: 'off',
  },
  extend: {
    desired: {
      squid:
        'acl url_host url_regex -i ^https?://[^/]+/[^/]*c_scale.*\r\ncache_peer_access p allow !url_host',
    },
    live: {
      squid:
        'acl url_host url_regex -i ^https?://[^/]+/[^/]*c_scale.*\r\ncache_peer_access p allow !url_host',
    },
    changed: { squid: 'acl url_host url_regex -i ^https?://[^/]+/.*' },
    write: {
      squid:
        'acl url_host url_regex -i ^https?://[^/]+/[^/]*c_scale.*\r\ncache_peer_access p allow !url_host',
    },
  },
  rate_limit: {
    desired: { max_rate_count: 10 },
    live: { max_rate_count: '10', max_rate_unit: 'MB' },
    changed: { max_rate_count: '10', max_rate_unit: 'KB' },
    write: { max_rate_count: 10, leading_flow_unit: 'MB', max_rate_unit: 'MB' },
  },
  new_origin: {
    desired: [
      {
        origin: '1.1.1.1',
        port: 80,
        protocol: 'http',
        host: 'example.com',
        level: 20,
        weight_level: 1,
        isp: 'default',
      },
      { origin: 'backup.example.com', level: 10, isp: 'default' },
      { origin: '3.3.3.3', protocol: 'https', isp: 'dx', connect_time: 10 },
    ],
    live: [
      {
        origin: '3.3.3.3',
        protocol: 'https',
        port: '443',
        isp: 'dx',
        connect_time: '10',
        level: '20',
        weight_level: '1',
        host: '',
      },
      {
        origin: 'Backup.Example.com',
        port: '0',
        protocol: 'default',
        level: '10',
        weight_level: '1',
        isp: 'default',
      },
      {
        origin: '1.1.1.1',
        port: '80',
        protocol: 'http',
        host: 'EXAMPLE.com',
        level: 20,
        weight_level: 1,
        connect_time: 15,
      },
    ],
    changed: [
      { origin: '3.3.3.3', protocol: 'https', isp: 'dx', connect_time: 10 },
      { origin: 'backup.example.com', level: 10 },
      { origin: '1.1.1.1', protocol: 'http', host: 'example.com', weight_level: 2 },
    ],
    write: [
      {
        origin: '1.1.1.1',
        port: 80,
        protocol: 'http',
        host: 'example.com',
        level: 20,
        weight_level: 1,
        isp: 'default',
        connect_time: 15,
      },
      {
        origin: 'backup.example.com',
        protocol: 'default',
        host: '',
        level: 10,
        weight_level: 1,
        isp: 'default',
        connect_time: 15,
      },
      {
        origin: '3.3.3.3',
        port: 443,
        protocol: 'https',
        host: '',
        level: 20,
        weight_level: 1,
        isp: 'dx',
        connect_time: 10,
      },
    ],
  },
  cache_share: {
    desired: { share_way: 'cross_single_share', domain: 'bb.qingcdn.com' },
    live: { share_way: 'cross_single_share', domain: 'BB.qingcdn.com' },
    changed: { share_way: 'cross_all_share', domain: 'bb.qingcdn.com' },
    write: { share_way: 'cross_single_share', domain: 'bb.qingcdn.com' },
  },
  head_control: {
    desired: {
      list: [
        {
          regex: '.*',
          head_op: 'ADD',
          head_direction: 'CLI_REQ',
          head: 'test_header',
          value: 'X-test',
          order: 1,
        },
        { regex: '\\.html$', head_op: 'DEL', head_direction: 'CLI_REP', head: 'Server', order: 2 },
      ],
    },
    live: {
      list: [
        { regex: '\\.html$', head_op: 'DEL', head_direction: 'CLI_REP', head: 'server', order: '2' },
        {
          regex: '.*',
          head_op: 'ADD',
          head_direction: 'CLI_REQ',
          head: 'test_header',
          value: 'X-test',
          order: '1',
        },
      ],
    },
    changed: {
      list: [
        {
          regex: '.*',
          head_op: 'ALT',
          head_direction: 'CLI_REQ',
          head: 'test_header',
          value: 'X-test',
          order: 1,
        },
        { regex: '\\.html$', head_op: 'DEL', head_direction: 'CLI_REP', head: 'Server', order: 2 },
      ],
    },
    write: {
      list: [
        {
          regex: '.*',
          head_op: 'ADD',
          head_direction: 'CLI_REQ',
          head: 'test_header',
          value: 'X-test',
          order: 1,
        },
        { regex: '\\.html$', head_op: 'DEL', head_direction: 'CLI_REP', head: 'Server', order: 2 },
      ],
    },
  },
  timeout: {
    desired: { time: '6' },
    live: { time: 6 },
    changed: { time: '7' },
    write: { time: '6' },
  },
  connect_timeout: {
    desired: { origin_connect_timeout: '10' },
    live: { origin_connect_timeout: '010' },
    changed: { origin_connect_timeout: 11 },
    write: { origin_connect_timeout: '10' },
  },
  qiniu_origin_auth: {
    desired: { auth_url: 'http://test.com/', match_method: 'ext', pattern: 'jpg,png' },
    live: { auth_url: 'http://test.com/', match_method: 'ext', pattern: 'png,jpg' },
    changed: { auth_url: 'http://test.com/', match_method: 'default' },
    write: { auth_url: 'http://test.com/', match_method: 'ext', pattern: 'jpg,png' },
  },
  forward_status: {
    desired: { codes: [301, 302] },
    live: { codes: ['302', '301'] },
    changed: { codes: [301] },
    write: { codes: [301, 302] },
  },
  error_page_rewrite: {
    desired: [
      { error_status_code: 404, redirect_status_code: 302, redirect_url: 'https://example.com/404.html' },
      { error_status_code: 502, redirect_status_code: 301, redirect_url: 'https://example.com/5xx.html' },
    ],
    live: [
      { error_status_code: '404', redirect_status_code: '302', redirect_url: 'https://example.com/404.html' },
      { error_status_code: '502', redirect_status_code: '301', redirect_url: 'https://example.com/5xx.html' },
    ],
    changed: [
      {
        error_status_code: '404',
        redirect_status_code: '302',
        redirect_url: 'https://example.com/not-found.html',
      },
      { error_status_code: '502', redirect_status_code: '301', redirect_url: 'https://example.com/5xx.html' },
    ],
    write: [
      { error_status_code: 404, redirect_status_code: 302, redirect_url: 'https://example.com/404.html' },
      { error_status_code: 502, redirect_status_code: 301, redirect_url: 'https://example.com/5xx.html' },
    ],
  },
  post_upload_size_limit: {
    desired: { limit_value: 100 },
    live: { limit_value: '100' },
    changed: { limit_value: '200' },
    write: { limit_value: 100 },
  },
  source_url_rewrite: {
    desired: [
      { origin_url: '/aaa/bbb/(.*)', target_url: '/bbb/$1' },
      { origin_url: '/test/(.*)/(.*).jpg', target_url: '/newtest/$1/$2.apk' },
    ],
    live: [
      { origin_url: '/aaa/bbb/(.*)', target_url: '/bbb/$1' },
      { origin_url: '/test/(.*)/(.*).jpg', target_url: '/newtest/$1/$2.apk' },
    ],
    changed: [
      { origin_url: '/test/(.*)/(.*).jpg', target_url: '/newtest/$1/$2.apk' },
      { origin_url: '/aaa/bbb/(.*)', target_url: '/bbb/$1' },
    ],
    write: [
      { origin_url: '/aaa/bbb/(.*)', target_url: '/bbb/$1' },
      { origin_url: '/test/(.*)/(.*).jpg', target_url: '/newtest/$1/$2.apk' },
    ],
  },
  combined_ban: {
    desired: [
      {
        action: 'ban',
        configs: {
          ua: { list: ['test-yp', '^curl$'], case_insensitive: 'no' },
          url: { list: ['^https?://[^/]+/dir1/dir2/(dir3_1|dir3_2).html$'] },
          referer: { is_match: 'yes', list: ['www.bad.com'] },
        },
      },
      { configs: { method: { method_type: 'post' }, ip: { list: ['1.1.1.0/24', '2.2.2.2'] } } },
      { configs: { method: { is_match: 'no', method_type: 'get' } } },
    ],
    live: [
      {
        action: 'ban',
        configs: {
          referer: { list: ['www.bad.com'], is_match: true },
          url: {
            is_match: 'yes',
            case_insensitive: 'yes',
            list: ['^https?://[^/]+/dir1/dir2/(dir3_1|dir3_2).html$'],
          },
          ua: { is_match: 'yes', case_insensitive: false, list: ['^curl$', 'test-yp'] },
        },
      },
      {
        action: 'ban',
        configs: {
          ip: { is_match: 'yes', list: ['2.2.2.2', '1.1.1.0/24'] },
          method: { is_match: 'yes', method_type: 'post' },
        },
      },
      { action: 'ban', configs: { method: { is_match: false } } },
    ],
    changed: [
      {
        configs: {
          ua: { list: ['test-yp', '^curl$'], case_insensitive: 'yes' },
          url: { list: ['^https?://[^/]+/dir1/dir2/(dir3_1|dir3_2).html$'] },
          referer: { list: ['www.bad.com'] },
        },
      },
      { configs: { method: { method_type: 'post' }, ip: { list: ['1.1.1.0/24', '2.2.2.2'] } } },
      { configs: { method: { is_match: 'no', method_type: 'get' } } },
    ],
    write: [
      {
        action: 'ban',
        configs: {
          referer: { is_match: 'yes', list: ['www.bad.com'] },
          url: {
            is_match: 'yes',
            case_insensitive: 'yes',
            list: ['^https?://[^/]+/dir1/dir2/(dir3_1|dir3_2).html$'],
          },
          ua: { is_match: 'yes', case_insensitive: 'no', list: ['test-yp', '^curl$'] },
        },
      },
      {
        action: 'ban',
        configs: {
          method: { is_match: 'yes', method_type: 'post' },
          ip: { is_match: 'yes', list: ['1.1.1.0/24', '2.2.2.2'] },
        },
      },
      { action: 'ban', configs: { method: { is_match: 'no', method_type: 'get' } } },
    ],
  },
  deny_url: {
    desired: { urls: ['^https?://[^/]+/test1/test2\\?cd=sad($|\\?)', '/forbidden'] },
    live: { urls: ['/forbidden', '^https?://[^/]+/test1/test2\\?cd=sad($|\\?)'] },
    changed: { urls: ['/forbidden'] },
    write: { urls: ['^https?://[^/]+/test1/test2\\?cd=sad($|\\?)', '/forbidden'] },
  },
  tos_origin: {
    desired: [
      {
        isp: 'default',
        ips: ['1.1.1.1', '1.1.1.2'],
        group_sort: 1,
        weight: 100,
        origin_mode: 'custom',
        protocol: 'https',
        port: 443,
        host_mode: 'custom',
        host: 'origin.example.com',
        auth_type: 'tos',
        auth_secret_key: TOS_SK,
        auth_access_key: TOS_AK,
        auth_expire: 300,
        auth_cdn_tag: 'cdn',
      },
      { isp: 'dx', ips: ['3.3.3.3'], group_sort: 2, weight: 1 },
    ],
    live: [
      {
        isp: 'dx',
        ips: ['3.3.3.3'],
        group_sort: '2',
        weight: '1',
        origin_mode: 'default',
        protocol: '',
        port: '',
        host_mode: 'default',
        host: '',
        auth_type: 'default',
        parse_priority: 'default',
      },
      {
        isp: 'default',
        ips: ['1.1.1.2', '1.1.1.1'],
        group_sort: '1',
        weight: '100',
        origin_mode: 'custom',
        protocol: 'https',
        port: '443',
        host_mode: 'custom',
        host: 'Origin.Example.com',
        auth_type: 'tos',
        auth_secret_key: '***',
        auth_access_key: '',
        auth_bucket_name: '',
        auth_expire: '300',
        auth_cdn_tag: 'cdn',
      },
    ],
    changed: [
      { isp: 'dx', ips: ['3.3.3.3'], group_sort: 2, weight: 5 },
      {
        isp: 'default',
        ips: ['1.1.1.1', '1.1.1.2'],
        group_sort: 1,
        weight: 100,
        origin_mode: 'custom',
        protocol: 'https',
        port: 443,
        host_mode: 'custom',
        host: 'origin.example.com',
        auth_type: 'tos',
        auth_expire: 300,
        auth_cdn_tag: 'cdn',
      },
    ],
    write: [
      {
        isp: 'default',
        ips: ['1.1.1.1', '1.1.1.2'],
        group_sort: 1,
        weight: 100,
        origin_mode: 'custom',
        protocol: 'https',
        port: 443,
        host_mode: 'custom',
        host: 'origin.example.com',
        auth_type: 'tos',
        auth_secret_key: TOS_SK,
        auth_access_key: TOS_AK,
        auth_expire: 300,
        auth_cdn_tag: 'cdn',
        parse_priority: 'default',
      },
      {
        isp: 'dx',
        ips: ['3.3.3.3'],
        group_sort: 2,
        weight: 1,
        origin_mode: 'default',
        host_mode: 'default',
        auth_type: 'default',
        parse_priority: 'default',
      },
    ],
  },
  client_real_ip: {
    desired: { head: 'X-Real-IP' },
    live: { head: 'x-real-ip' },
    changed: { head: 'X-Forwarded-For' },
    write: { head: 'X-Real-IP' },
  },
  user_agent: {
    desired: {
      ua_list: 'curl\nwget',
      url_pattern: '.*',
      url_case_insensitive: 'yes',
      allow_empty_ua: 'no',
      ua_case_insensitive: 'yes',
      url_match_type: 'all',
      ua_type: 'black',
      ua_match_type: 'pattern',
    },
    live: {
      ua_list: 'wget\r\ncurl\n',
      url_pattern: '.*',
      url_case_insensitive: true,
      allow_empty_ua: false,
      ua_case_insensitive: 'YES',
      url_match_type: 'all',
      ua_type: 'black',
      ua_match_type: 'pattern',
    },
    changed: {
      ua_list: 'curl\nwget',
      url_pattern: '.*',
      url_case_insensitive: 'yes',
      allow_empty_ua: 'no',
      ua_case_insensitive: 'yes',
      url_match_type: 'all',
      ua_type: 'white',
      ua_match_type: 'pattern',
    },
    write: {
      ua_list: 'curl\nwget',
      url_pattern: '.*',
      url_case_insensitive: 'yes',
      allow_empty_ua: 'no',
      ua_case_insensitive: 'yes',
      url_match_type: 'all',
      ua_type: 'black',
      ua_match_type: 'pattern',
    },
  },
  visit_areas_limit: {
    desired: { limit_type: 'white', country_list: 'china,japan' },
    live: { country_list: 'japan,china', limit_type: 'white' },
    changed: { limit_type: 'black', country_list: 'china,japan' },
    write: { limit_type: 'white', country_list: 'china,japan' },
  },
};
