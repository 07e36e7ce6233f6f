import {
  baseType,
  type CatalogAction,
  type CatalogParam,
  catalog,
  fieldsByWireName,
  isStructure,
} from './catalog.js';
import { fail } from './errors.js';
import { GAAP_RESOURCES } from './resources/registry.js';
import type { Params } from './state.js';
import {
  type CrossRule,
  SHARED_CROSS_RULES,
  SHARED_VALUE_RULES,
  type ValueRule,
} from './validation-rules.js';

/** Every value rule: the shared ones and each kind's (a key is declared once). */
const VALUE_RULES: Readonly<Record<string, ValueRule>> = (() => {
  const all: Record<string, ValueRule> = { ...SHARED_VALUE_RULES };
  for (const m of GAAP_RESOURCES) {
    for (const [key, rule] of Object.entries(m.valueRules ?? {})) {
      if (Object.hasOwn(all, key)) throw new Error(`emulator bug: value rule ${key} declared twice`);
      all[key] = rule;
    }
  }
  return all;
})();

/** Action → its cross-field rules, in declaration order (the shared ones, then each kind's). */
const CROSS_RULES: ReadonlyMap<string, readonly CrossRule[]> = (() => {
  const byAction = new Map<string, CrossRule[]>();
  for (const rule of [...SHARED_CROSS_RULES, ...GAAP_RESOURCES.flatMap((m) => m.crossRules ?? [])]) {
    for (const action of rule.actions) byAction.set(action, [...(byAction.get(action) ?? []), rule]);
  }
  return byAction;
})();

/**
 * Catalog-driven validation, run for every action before its handler: required parameters,
 * unknown parameters, types (recursively through structures), then the prose rules of
 * validation-rules.ts. Handlers may therefore trust the shapes they read.
 */
export function validateParams(action: string, def: CatalogAction, params: Params): void {
  checkObject(action, def.input, params, '', action);
  for (const rule of CROSS_RULES.get(action) ?? []) checkCross(rule, params);
}

const present = (v: unknown) => v !== undefined && v !== null;

function checkObject(
  action: string,
  fields: CatalogParam[],
  obj: Params,
  prefix: string,
  typeKey: string,
): void {
  const byName = fieldsByWireName(fields);
  for (const key of Object.keys(obj)) {
    if (!byName.has(key)) fail('UnknownParameter', `The parameter \`${prefix}${key}\` is not recognized.`);
  }
  for (const [name, f] of byName) {
    const v = obj[name];
    if (!present(v)) {
      if (f.required)
        fail('MissingParameter', `The request is missing a required parameter \`${prefix}${name}\`.`);
      continue;
    }
    checkValue(action, f, v, `${prefix}${name}`, `${typeKey}\0${name}`);
  }
}

function checkValue(action: string, f: CatalogParam, v: unknown, path: string, typeKey: string): void {
  const type = baseType(f);
  const rule = ruleFor(typeKey);
  if (f.array) {
    if (!Array.isArray(v)) fail('InvalidParameter', `The parameter \`${path}\` must be an array of ${type}.`);
    if (rule?.maxItems !== undefined && v.length > rule.maxItems) {
      fail('InvalidParameterValue', `The parameter \`${path}\` accepts at most ${rule.maxItems} items.`);
    }
    for (let i = 0; i < v.length; i++) {
      checkScalarOrStruct(action, type, v[i], path, i, typeKey);
      if (rule) applyRule(rule, v[i], path, i);
    }
    return;
  }
  checkScalarOrStruct(action, type, v, path, -1, typeKey);
  if (rule) applyRule(rule, v, path, -1);
}

/**
 * A value's path in messages: `path`, or its item `index` (≥ 0). Made only for a message or a
 * structure's fields: a 100-item list is checked without 100 path strings.
 */
const at = (path: string, index: number): string => (index < 0 ? path : `${path}.${index}`);

function wrongType(path: string, what: string): never {
  fail('InvalidParameter', `The parameter \`${path}\` must be of type ${what}.`);
}

function checkScalarOrStruct(
  action: string,
  type: string,
  v: unknown,
  path: string,
  index: number,
  typeKey: string,
): void {
  if (isStructure(type)) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) wrongType(at(path, index), type);
    const fields = catalog.structures[type]!.fields;
    checkObject(action, fields, v as Params, `${at(path, index)}.`, `${typeKey}\0@${type}`);
    return;
  }
  switch (type) {
    case 'String':
    case 'Timestamp':
      if (typeof v !== 'string') wrongType(at(path, index), 'String');
      return;
    case 'Integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) wrongType(at(path, index), 'Integer');
      return;
    case 'Float':
      if (typeof v !== 'number' || !Number.isFinite(v)) wrongType(at(path, index), 'Float');
      return;
    case 'Boolean':
      if (typeof v !== 'boolean') wrongType(at(path, index), 'Boolean');
      return;
    default:
      throw new Error(`emulator bug: unknown catalog type ${type}`);
  }
}

/**
 * `typeKey` is the action and the chain of parameter names with `@Struct` markers, joined by NUL,
 * e.g. `CreateRule\0CheckParams\0@RuleCheckParams\0Method` (built as the walk goes down, one
 * string per value instead of an array per value). Lookup: `Action.CheckParams.Method`, then
 * `RuleCheckParams.Method`, then `Method` (top-level parameters only); answered once per key.
 */
function ruleFor(typeKey: string): ValueRule | undefined {
  let rule = RULE_LOOKUPS.get(typeKey);
  if (rule === undefined) {
    const [action, ...typePath] = typeKey.split('\0');
    rule = lookUpRule(action!, typePath) ?? null;
    RULE_LOOKUPS.set(typeKey, rule);
  }
  return rule ?? undefined;
}

/** Type key → its rule or null: bounded by the catalog's parameters. */
const RULE_LOOKUPS = new Map<string, ValueRule | null>();

function lookUpRule(action: string, typePath: string[]): ValueRule | undefined {
  const names = typePath.filter((s) => !s.startsWith('@'));
  const field = typePath[typePath.length - 1]!;
  const struct = [...typePath].reverse().find((s) => s.startsWith('@'));
  const keys = [`${action}.${names.join('.')}`];
  if (struct) keys.push(`${struct.slice(1)}.${field}`);
  else keys.push(field);
  for (const k of keys) if (Object.hasOwn(VALUE_RULES, k)) return VALUE_RULES[k];
  return undefined;
}

function applyRule(rule: ValueRule, v: unknown, parentPath: string, index: number): void {
  const code = rule.code ?? 'InvalidParameterValue';
  const candidate = rule.ignoreCase && typeof v === 'string' ? v.toUpperCase() : v;
  if (rule.enum && !rule.enum.includes(candidate as string | number)) {
    fail(
      code,
      `The value \`${String(v)}\` of \`${at(parentPath, index)}\` is not one of ${rule.enum.join(', ')}.`,
    );
  }
  if (typeof v === 'number') {
    if (rule.min !== undefined && v < rule.min)
      fail(code, `\`${at(parentPath, index)}\` must be at least ${rule.min}.`);
    if (rule.max !== undefined && v > rule.max)
      fail(code, `\`${at(parentPath, index)}\` must be at most ${rule.max}.`);
  }
  if (typeof v === 'string') {
    if (rule.maxLength !== undefined && v.length > rule.maxLength) {
      fail(code, `\`${at(parentPath, index)}\` must be at most ${rule.maxLength} characters long.`);
    }
    if (rule.ascii && !/^[\x20-\x7e]*$/.test(v))
      fail(code, `\`${at(parentPath, index)}\` must contain ASCII characters only.`);
  }
}

function get(params: Params, path: string): unknown {
  let cur: unknown = params;
  for (const seg of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Params)[seg];
  }
  return cur;
}

function checkCross(rule: CrossRule, params: Params): void {
  switch (rule.kind) {
    case 'xor': {
      const [a, b] = rule.fields;
      const hasA = present(get(params, a));
      const hasB = present(get(params, b));
      if (hasA && hasB) fail('InvalidParameter', `\`${a}\` and \`${b}\` cannot be used together.`);
      if (!rule.optional && !hasA && !hasB)
        fail('MissingParameter', `One of \`${a}\` or \`${b}\` is required.`);
      return;
    }
    case 'anyOf':
      if (!rule.fields.some((f) => present(get(params, f)))) {
        fail(
          'MissingParameter',
          `At least one of ${rule.fields.map((f) => `\`${f}\``).join(', ')} is required.`,
        );
      }
      return;
    case 'requiredUnless':
      if (!present(get(params, rule.field)) && !present(get(params, rule.unless))) {
        fail('MissingParameter', `\`${rule.field}\` is required unless \`${rule.unless}\` is given.`);
      }
      return;
    case 'requiredWhen':
      if (get(params, rule.when) === rule.equals) {
        const alternatives = rule.field.split('|');
        if (!alternatives.some((f) => present(get(params, f)))) {
          fail(
            'MissingParameter',
            `\`${rule.field}\` is required when \`${rule.when}\` is ${String(rule.equals)}.`,
          );
        }
      }
      return;
    case 'lessThan': {
      const a = get(params, rule.field);
      const b = get(params, rule.than);
      if (typeof a === 'number' && typeof b === 'number' && a >= b) {
        fail('InvalidParameterValue', `\`${rule.field}\` (${a}) must be less than \`${rule.than}\` (${b}).`);
      }
      return;
    }
    default: {
      const never: never = rule;
      throw new Error(`unknown cross rule ${JSON.stringify(never)}`);
    }
  }
}
