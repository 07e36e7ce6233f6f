import { isPlainObject } from '../../core/json.js';
import { badRequest } from './baishan-errors.js';
import { checkIpList, type PostedConfig } from './baishan-validate.js';

/**
 * Stored config of one domain, in the shape GET returns: `ip_*_list` as `{list}`,
 * `add_response_head` as `{list:[{name,value}]}`, `visit_deny_whitelist` as `{url:[...]}`,
 * `range_back_source` as the scalar. Operation flags (`mode`, `type`, `turn_on`) are never stored.
 */
export type StoredConfig = Record<string, unknown>;

interface Header {
  name: string;
  value: string;
}

/** At most 200 entries per IP list ([001]); an append must respect it too. */
const IP_LIST_MAX = 200;

/**
 * Applies an already validated config to one domain's stored config and returns the new one
 * (the input is not modified, so a later failure on another domain leaves everything untouched).
 * `undefined` from a key's writer removes the key.
 */
export function applyConfig(stored: StoredConfig, posted: PostedConfig, domain: string): StoredConfig {
  const next: StoredConfig = structuredClone(stored);
  for (const [key, value] of Object.entries(posted)) {
    const written = writeKey(key, next[key], value, domain);
    if (written === undefined) delete next[key];
    else next[key] = written;
    // Stated in [001]: only one of the two IP lists can exist; setting one clears the other.
    if (key === 'ip_black_list') delete next.ip_white_list;
    if (key === 'ip_white_list') delete next.ip_black_list;
  }
  return next;
}

function writeKey(key: string, current: unknown, posted: unknown, domain: string): unknown {
  switch (key) {
    case 'ip_black_list':
    case 'ip_white_list':
      return writeIpList(key, current, posted as { list?: string[]; mode?: string }, domain);
    case 'add_response_head':
      return writeResponseHeaders(current, posted as { type?: string; list?: unknown[] });
    case 'visit_deny_whitelist':
      return writeDenyWhitelist(current, posted as { url: string; turn_on?: boolean }[]);
    case 'https':
      return writeHttps(current, posted as Record<string, unknown>);
    default:
      // Replace: new_origin and speed_limit are stated to be "cover"; for the other keys it is the
      // only sensible reading (docs/emulator-baishan.md, Apply, per key). range_back_source stores its
      // scalar.
      return structuredClone(posted);
  }
}

/** `cover` (the default) replaces the list, `append` unions it with the stored one. */
function writeIpList(
  key: string,
  current: unknown,
  posted: { list?: string[]; mode?: string },
  domain: string,
): unknown {
  const base = posted.mode === 'append' && isPlainObject(current) ? ((current.list as string[]) ?? []) : [];
  const list = [...base];
  for (const entry of posted.list ?? []) if (!list.includes(entry)) list.push(entry);
  if (list.length > IP_LIST_MAX) {
    throw badRequest(
      `Too many entries in ${key}.list after append: at most ${IP_LIST_MAX}, would be ${list.length} (domain ${domain})`,
    );
  }
  checkIpList(key, list, domain);
  // NOTE: an empty list is stored as "no list" (GET omits the key); the seeds give no other off-form.
  return list.length > 0 ? { list } : undefined;
}

/**
 * NOTE: [001] — when `type` is omitted it defaults to `reset`. Names match case-insensitively (HTTP
 * header names are); within one list a later entry wins over an earlier one of the same name.
 */
function writeResponseHeaders(current: unknown, posted: { type?: string; list?: unknown[] }): unknown {
  const type = posted.type ?? 'reset';
  const stored = isPlainObject(current) ? ((current.list as Header[]) ?? []) : [];
  let headers: Header[];
  if (type === 'remove') {
    const names = new Set((posted.list as string[] | undefined)?.map((n) => n.toLowerCase()));
    headers = stored.filter((h) => !names.has(h.name.toLowerCase()));
  } else {
    headers = type === 'add' ? [...stored] : [];
    for (const header of (posted.list as Header[] | undefined) ?? []) upsertHeader(headers, header);
  }
  return headers.length > 0 ? { list: headers } : undefined;
}

function upsertHeader(headers: Header[], header: Header): void {
  const i = headers.findIndex((h) => h.name.toLowerCase() === header.name.toLowerCase());
  const copy = { name: header.name, value: header.value };
  if (i >= 0) headers[i] = copy;
  else headers.push(copy);
}

/**
 * Per-URL toggles. NOTE: an entry without `turn_on` is read as `true` (adding is what naming a URL
 * in a whitelist means; [001] lists true/false without a default).
 */
function writeDenyWhitelist(current: unknown, posted: { url: string; turn_on?: boolean }[]): unknown {
  const urls = isPlainObject(current) ? [...((current.url as string[]) ?? [])] : [];
  for (const { url, turn_on: turnOn = true } of posted) {
    const i = urls.indexOf(url);
    if (turnOn && i < 0) urls.push(url);
    if (!turnOn && i >= 0) urls.splice(i, 1);
  }
  return urls.length > 0 ? { url: urls } : undefined;
}

/**
 * Replace, except `ocsp`, which [001] says stays unchanged when omitted. NOTE: `cert_id: 0` unbinds
 * the certificate and downgrades the domain to HTTP ([001]); we then drop the whole `https` key, since
 * http2/force_https/ocsp mean nothing without a certificate (the seeds do not say what GET shows).
 */
function writeHttps(current: unknown, posted: Record<string, unknown>): unknown {
  if (posted.cert_id === 0) return undefined;
  const next = structuredClone(posted);
  if (next.ocsp === undefined && isPlainObject(current) && current.ocsp !== undefined)
    next.ocsp = current.ocsp;
  return next;
}
