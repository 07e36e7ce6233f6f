import { isPlainObject } from '../../core/json.js';
import type { StoredConfig } from './baishan-apply.js';

/** `{keyname}`/`{timename}` templates of visit_timestamp.req_uri_type, from [001]'s field table. */
const URI_TEMPLATES: Record<number, string> = {
  1: '$scheme://$domain/$uri?$args&{keyname}=$key&{timename}=$time&$args',
  2: '$scheme://$domain/$uri?$args&{timename}=$time&{keyname}=$key&$args',
  3: '$scheme://$domain/$time/$key/$uri?$args',
  4: '$scheme://$domain/$key/$time/$uri?$args',
};

/**
 * [001]: GET and creation answers carry `request_style`, "the match rule generated from these
 * fields, for reference". NOTE: its exact format is undocumented; we fill the req_uri_type template
 * (default 1) with keyname/timename (defaults `key`/`time`). It is read-only and never stored.
 */
export function requestStyleOf(stamp: Record<string, unknown>): string {
  const template = URI_TEMPLATES[Number(stamp.req_uri_type ?? 1)] ?? URI_TEMPLATES[1] ?? '';
  return template
    .replace('{keyname}', String(stamp.keyname ?? 'key'))
    .replace('{timename}', String(stamp.timename ?? 'time'));
}

/** One stored key as GET and the POST echo show it. */
export function renderKey(key: string, value: unknown): unknown {
  if (key === 'visit_timestamp' && isPlainObject(value)) {
    return { ...structuredClone(value), request_style: requestStyleOf(value) };
  }
  return structuredClone(value);
}

/**
 * What the POST echo shows for a key the write removed: its documented off-form, so that every
 * posted key appears in the echo. (GET simply omits such keys.)
 */
function removedForm(key: string): unknown {
  switch (key) {
    case 'https':
      return { cert_id: 0 };
    case 'visit_deny_whitelist':
      return { url: [] };
    default:
      return { list: [] };
  }
}

/**
 * GET view of one domain. Keys never set are absent; `range_back_source` is absent while "on"
 * ([001]: "on" is not shown in the domain details).
 */
export function renderForGet(config: StoredConfig, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = config[key];
    if (value === undefined) continue;
    if (key === 'range_back_source' && value === 'on') continue;
    out[key] = renderKey(key, value);
  }
  return out;
}

/** POST echo: every posted key, as now stored. */
export function renderEcho(config: StoredConfig, postedKeys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of postedKeys) {
    const value = config[key];
    out[key] = value === undefined ? removedForm(key) : renderKey(key, value);
  }
  return out;
}
