import { isPlainObject } from '../../core/json.js';

/**
 * Type looseness the documents themselves show (the [001] POST examples and the key tables): their
 * examples send integers as digit strings (`"type":"1"`, `"force_https":"301"`) and the tables type some
 * numbers as strings. The emulator accepts both spellings and stores one canonical form (§5.3 rules
 * 1–2), so a GET always shows the table's type. Anything else (`"1.5"`, `"yes"` for a number) is left as
 * sent and the schema rejects it.
 */

/** Fields the tables type as int. `[]` steps into every element of an array. */
const INT_FIELDS = [
  'origin.port',
  'referer.type',
  'cache_rule[].type',
  'cache_rule[].time',
  'cache_rule_list[].expire',
  'cache_rule_list[].priority',
  'https.cert_id',
  'https.force_https',
  'visit_timestamp.deadtime',
  'visit_timestamp.req_uri_type',
  'visit_timestamp.origin_type',
  'compress_response.min_size',
  'rate_limit.max_rate_count',
  'rate_limit.leading_flow_count',
  'new_origin[].port',
  'new_origin[].level',
  'new_origin[].weight_level',
  'new_origin[].connect_time',
  'tos_origin[].port',
  'tos_origin[].group_sort',
  'tos_origin[].weight',
  'tos_origin[].auth_expire',
  'head_control.list[].order',
  'forward_status.codes[]',
  'error_page_rewrite[].error_status_code',
  'error_page_rewrite[].redirect_status_code',
  'post_upload_size_limit.limit_value',
  // NOTE: string in [001]'s first table, int in its second; §5.3 makes the int canonical.
  'cache_error_code.cache_time',
];

/** Numbers the tables type as strings. */
const STRING_NUMBER_FIELDS = [
  'speed_limit[].speed',
  'timeout.time',
  'connect_timeout.origin_connect_timeout',
];

/** `undefined` from a converter removes the field (an empty string means "not given"). */
type Convert = (value: unknown) => unknown;

const toInt: Convert = (value) => {
  if (value === '') return undefined;
  return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
};

const toDigitString: Convert = (value) =>
  typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;

/** Splits `head_control.list[].order` into `['head_control', 'list', '[]', 'order']`. */
function segmentsOf(path: string): string[] {
  return path.split('.').flatMap((part) => (part.endsWith('[]') ? [part.slice(0, -2), '[]'] : [part]));
}

function convertAt(container: unknown, segments: readonly string[], convert: Convert): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (head === '[]') {
    if (!Array.isArray(container)) return;
    if (rest.length > 0) {
      for (const item of container) convertAt(item, rest, convert);
      return;
    }
    for (let i = 0; i < container.length; i++) container[i] = convert(container[i]);
    return;
  }
  if (!isPlainObject(container) || !(head in container)) return;
  if (rest.length > 0) {
    convertAt(container[head], rest, convert);
    return;
  }
  const next = convert(container[head]);
  if (next === undefined) delete container[head];
  else container[head] = next;
}

/** Returns a normalised deep copy of a posted `config` object. */
export function normaliseConfig(config: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(config);
  for (const path of INT_FIELDS) convertAt(copy, segmentsOf(path), toInt);
  for (const path of STRING_NUMBER_FIELDS) convertAt(copy, segmentsOf(path), toDigitString);
  return copy;
}
