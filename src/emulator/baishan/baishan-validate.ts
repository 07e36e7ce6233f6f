import type { ErrorObject } from 'ajv/dist/2020.js';
import { isPlainObject } from '../../core/json.js';
import { type BaishanApiError, badRequest, errors } from './baishan-errors.js';
import { normaliseConfig } from './baishan-normalise.js';
import { configKeys, configValidator } from './baishan-schema.js';
import { findOverlap } from './ipv4-ranges.js';

export type PostedConfig = Record<string, unknown>;

/**
 * Validates a posted `config` and returns it normalised (docs/emulator-baishan.md, Validation). Throws a
 * 400 BaishanApiError on the first problem: [001] states that one invalid key means nothing is saved, so
 * there is no point in collecting more than one.
 */
export function validatePostedConfig(config: unknown): PostedConfig {
  if (config === undefined || config === null || config === '') throw errors.requiresInput('config');
  if (!isPlainObject(config)) {
    throw errors.bindException('config', JSON.stringify(config), 'a JSON object keyed by config name');
  }
  checkKeys(Object.keys(config));
  const normalised = normaliseConfig(config);
  const validate = configValidator();
  if (!validate(normalised)) throw fromSchemaErrors(validate.errors ?? []);
  checkCrossFieldRules(normalised);
  return normalised;
}

/** Key-level rules checked before the schema so that their messages name the problem plainly. */
function checkKeys(keys: readonly string[]): void {
  if (keys.length === 0) throw errors.requiresInput('config (at least one config key)');
  const known = new Set(configKeys());
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length > 0) throw badRequest(`Unknown config key: ${unknown.join(',')}`);
  // NOTE: [001]'s combined example sends both lists, but its own field table says only one can
  // exist; we follow the table (and the schema) and refuse the call.
  if (keys.includes('ip_black_list') && keys.includes('ip_white_list')) {
    throw badRequest(
      'ip_black_list and ip_white_list cannot be set in one call: only one of the two lists can exist',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Schema errors → messages

/** `/cache_rule/0/type` → `cache_rule[0].type`. */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

const COMBINATORS = new Set(['if', 'anyOf', 'oneOf', 'allOf', 'not']);

/** The error that says most: an `anyOf` as a whole (its branches are noise), else the first leaf. */
function pickError(list: readonly ErrorObject[]): ErrorObject | undefined {
  return (
    list.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf') ??
    list.find((e) => !COMBINATORS.has(e.keyword)) ??
    list[0]
  );
}

function isOnOffEnum(e: ErrorObject): boolean {
  const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
  return e.keyword === 'enum' && Array.isArray(allowed) && allowed.length === 2 && allowed.includes('on');
}

function fromSchemaErrors(list: readonly ErrorObject[]): BaishanApiError {
  const e = pickError(list);
  if (!e) return badRequest('Invalid config');
  const path = fieldPath(e.instancePath) || 'config';
  const received = JSON.stringify(e.data);
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'maxItems' && path === 'referer.list') {
    return errors.tooManyReferList(Number(params.limit), Array.isArray(e.data) ? e.data.length : 0);
  }
  if (isOnOffEnum(e)) return errors.invalidSwitch(path, String(e.data));
  if (e.keyword === 'type') return errors.bindException(path, received, String(params.type));
  if (e.keyword === 'required') return errors.requiresInput(`${path}.${String(params.missingProperty)}`);
  return badRequest(describe(e, path, received));
}

function describe(e: ErrorObject, path: string, received: string): string {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `Unknown field ${path}.${String(params.additionalProperty)}`;
    case 'enum':
      return `Invalid value for ${path}: expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, received ${received}`;
    case 'const':
      return `Invalid value for ${path}: expected ${JSON.stringify(params.allowedValue)}, received ${received}`;
    case 'pattern':
    case 'format': {
      const hint = /_time$/.test(path) ? ' (expected HH:ii, 00:00-23:59)' : '';
      return `Invalid value for ${path}: ${received} has an invalid format${hint}`;
    }
    case 'maxItems':
      return `Too many entries in ${path}: at most ${String(params.limit)}, received ${Array.isArray(e.data) ? e.data.length : '?'}`;
    case 'anyOf':
    case 'oneOf':
      return `Invalid value for ${path}: ${received} matches none of the allowed forms`;
    default:
      return `Invalid value for ${path}: ${e.message ?? 'invalid'} (received ${received})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Rules JSON Schema cannot express (the [001] key tables' constraints)

function checkCrossFieldRules(config: PostedConfig): void {
  for (const key of ['ip_black_list', 'ip_white_list'] as const) {
    const list = (config[key] as { list?: string[] } | undefined)?.list;
    if (list) checkIpList(key, list);
  }
  checkCacheRulePriorities(config.cache_rule_list);
  checkSpeedLimitWindows(config.speed_limit);
  checkOriginBackups(config.origin);
}

/** "网段不能存在交叉重复": networks must not overlap or repeat. Also used after an append. */
export function checkIpList(key: string, list: readonly string[], domain?: string): void {
  const pair = findOverlap(list);
  if (!pair) return;
  const where = domain ? ` (domain ${domain})` : '';
  throw badRequest(`${key}.list: networks must not overlap or repeat: ${pair[0]} and ${pair[1]}${where}`);
}

function checkCacheRulePriorities(rules: unknown): void {
  if (!Array.isArray(rules)) return;
  const seen = new Set<number>();
  for (const rule of rules as { priority?: number }[]) {
    if (rule.priority === undefined) continue;
    if (seen.has(rule.priority)) {
      throw badRequest(`cache_rule_list: priority ${rule.priority} is used twice (priority must be unique)`);
    }
    seen.add(rule.priority);
  }
}

function checkSpeedLimitWindows(rules: unknown): void {
  if (!Array.isArray(rules)) return;
  (rules as { begin_time?: string; end_time?: string }[]).forEach((rule, i) => {
    // HH:ii with leading zeros (the schema enforces it) orders correctly as a string.
    if (rule.begin_time !== undefined && rule.end_time !== undefined && rule.end_time <= rule.begin_time) {
      throw badRequest(
        `speed_limit[${i}]: end_time ${rule.end_time} must be later than begin_time ${rule.begin_time}`,
      );
    }
  });
}

function checkOriginBackups(origin: unknown): void {
  if (!isPlainObject(origin)) return;
  const entries = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.toLowerCase()) : []);
  const masters = new Set(entries(origin.default_master));
  const shared = entries(origin.default_slave).find((s) => masters.has(s));
  if (shared !== undefined) {
    throw badRequest(`origin.default_slave must not repeat an entry of default_master: ${shared}`);
  }
}
