import type { ErrorObject } from 'ajv';
import { BAISHAN_CONFIG_KEYS } from '../model/baishan-keys.js';
import { desiredSchema } from './desired-schema.js';
import type { Diagnostic, DiagnosticCode } from './diagnostic-types.js';
import { didYouMean } from './did-you-mean.js';
import { formatPath, type PathSegment, parsePointer } from './path.js';
import type { YamlSource } from './yaml-source.js';

type Schema = Record<string, unknown>;

/** Patterns whose meaning we can say in words; the others fall back to the field's description. */
export interface KnownPattern {
  code: DiagnosticCode;
  expected: string;
  fix: string;
}

const TIME_PATTERN = '^(?:[01][0-9]|2[0-3]):[0-5][0-9]$';

export function knownPatterns(ipListPattern: string, domainPattern: string): Map<string, KnownPattern> {
  return new Map([
    [
      TIME_PATTERN,
      {
        code: 'TIME_FORMAT',
        expected: 'a time HH:ii on the 24-hour clock (00:00 to 23:59)',
        fix: 'write two-digit hours and minutes, e.g. "08:30"',
      },
    ],
    [
      ipListPattern,
      {
        code: 'INVALID_CIDR',
        expected: 'an IPv4 address or a /8, /16 or /24 network',
        fix: 'write e.g. 203.0.113.7 or 203.0.113.0/24; Baishan accepts no other prefix lengths and no IPv6',
      },
    ],
    [
      '^[a-z0-9][a-z0-9-]{0,62}$',
      {
        code: 'INVALID_VALUE',
        expected: 'a valid stack name',
        fix: 'use lower-case letters, digits and -, at most 63 characters, starting with a letter or digit (e.g. media-prod)',
      },
    ],
    [
      domainPattern,
      {
        code: 'INVALID_DOMAIN',
        expected: 'a lower-case domain name (optionally starting with `*.`)',
        fix: 'write the host name only, in lower case: no scheme, port, path or trailing dot (e.g. img.example.com)',
      },
    ],
  ]);
}

/**
 * Turns ajv's errors into one diagnostic per real problem: `if` bookkeeping is dropped, and each
 * anyOf/oneOf cascade is collapsed to the branch the value came closest to (or to one
 * "expected A or B" when the value matched no branch's type).
 */
export function schemaDiagnostics(
  errors: readonly ErrorObject[],
  value: unknown,
  source: YamlSource,
  patterns: Map<string, KnownPattern>,
  limit = MAX_SCHEMA_DIAGNOSTICS,
): Diagnostic[] {
  const examined = leadingErrors(errors, limit * ERRORS_EXAMINED_PER_DIAGNOSTIC);
  // A propertyNames failure comes twice: the inner (pattern) error, marked with `propertyName`, and
  // the outer one, which names the key; the outer one is reported.
  const collapsed = collapse(
    examined.filter((e) => e.keyword !== 'if' && (e as { propertyName?: string }).propertyName === undefined),
  );
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  let next = 0;
  for (; next < collapsed.length && out.length < limit; next++) {
    const d = toDiagnostic(collapsed[next]!, value, source, patterns);
    const key = `${d.line}:${d.column}:${d.path}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  const first = collapsed[next] ?? errors[examined.length];
  if (first !== undefined) {
    const path = parsePointer(first.instancePath, value);
    // An unknown key is reported at the key, not at its mapping.
    const unknown = first.keyword === 'additionalProperties' && 'params' in first;
    if (unknown) path.push(String(first.params.additionalProperty));
    out.push({
      severity: 'error',
      code: 'TOO_MANY_ERRORS',
      ...source.locate(path, unknown ? 'key' : 'value'),
      path: formatPath(path),
      message: `more problems from here on: only the first ${out.length} of this file are listed (the schema check reported ${errors.length} errors in all)`,
      fix: 'fix the problems listed (often one mistake repeated: a key spelt wrong in a shared fragment) and validate again',
    });
  }
  return out;
}

/**
 * NOTE: a hostile or badly generated file can hold hundreds of thousands of schema errors (50,000
 * unknown keys took 6.9 s to word, each with a position and a "did you mean"). Only the first
 * problems of a file are worded; the rest are counted in one TOO_MANY_ERRORS diagnostic.
 */
export const MAX_SCHEMA_DIAGNOSTICS = 100;
/** anyOf/oneOf report every branch's errors: raw errors examined per diagnostic wanted. */
const ERRORS_EXAMINED_PER_DIAGNOSTIC = 20;

/**
 * About the first `count` errors, cut where no anyOf/oneOf/contains is split from its branches'
 * errors. ajv reports a composite after the errors of its branches, all under the composite's
 * instance path: the cut moves on past errors of the same item (the first three segments of the
 * instance path, e.g. /baishan/domains/7 or /gaap/proxies/web) and past composites whose
 * instance contains the last error taken.
 */
function leadingErrors(errors: readonly ErrorObject[], count: number): readonly ErrorObject[] {
  if (errors.length <= count) return errors;
  const item = (e: ErrorObject) => e.instancePath.split('/', 4).join('/');
  const contains = (outer: ErrorObject, inner: ErrorObject) =>
    inner.instancePath === outer.instancePath || inner.instancePath.startsWith(`${outer.instancePath}/`);
  const hardStop = Math.min(errors.length, count * 10);
  let cut = count;
  while (cut < hardStop) {
    const last = errors[cut - 1]!;
    const e = errors[cut]!;
    const composite = e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'contains';
    if (item(e) !== item(last) && !(composite && contains(e, last))) break;
    cut++;
  }
  return errors.slice(0, cut);
}

interface Synthetic {
  keyword: 'typeUnion';
  instancePath: string;
  schemaPath: string;
  types: string[];
  data: unknown;
}
type Err = ErrorObject | Synthetic;

function isSynthetic(e: Err): e is Synthetic {
  return e.keyword === 'typeUnion';
}

function isUnder(child: Err, parent: Err): boolean {
  return (
    child !== parent &&
    child.schemaPath.startsWith(`${parent.schemaPath}/`) &&
    (child.instancePath === parent.instancePath || child.instancePath.startsWith(`${parent.instancePath}/`))
  );
}

function collapse(input: readonly ErrorObject[]): Err[] {
  // `contains` reports why each item failed; only the list-level fact is useful.
  const containers = input.filter((e) => e.keyword === 'contains');
  let errs: Err[] = input.filter((e) => !containers.some((c) => isUnder(e, c)));
  const composites = errs
    .filter((e): e is ErrorObject => !isSynthetic(e))
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const c of composites) {
    if (!errs.includes(c)) continue;
    const children = errs.filter((e) => isUnder(e, c));
    if (children.length === 0) continue; // e.g. oneOf matched twice: keep ajv's own message
    const branches = new Map<string, Err[]>();
    for (const e of children) {
      const branch = e.schemaPath.slice(c.schemaPath.length + 1).split('/')[0] ?? '';
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    const depth = (e: Err) => (e.instancePath === '' ? 0 : e.instancePath.split('/').length);
    const typeOnly = (list: Err[]) =>
      list.every(
        (e) => (e.keyword === 'type' || e.keyword === 'typeUnion') && e.instancePath === c.instancePath,
      );
    const ranked = [...branches.values()].sort(
      (a, b) =>
        Number(typeOnly(a)) - Number(typeOnly(b)) ||
        Math.max(...b.map(depth)) - Math.max(...a.map(depth)) ||
        a.length - b.length,
    );
    const best = ranked[0]!;
    let replacement: Err[];
    if (typeOnly(best)) {
      const types = new Set<string>();
      for (const e of children) {
        if (isSynthetic(e)) for (const t of e.types) types.add(t);
        else for (const t of typeList((e as ErrorObject).params.type)) types.add(t);
      }
      replacement = [
        {
          keyword: 'typeUnion',
          instancePath: c.instancePath,
          schemaPath: c.schemaPath,
          types: [...types],
          data: (c as ErrorObject).data,
        },
      ];
    } else {
      replacement = best;
    }
    const drop = new Set<Err>([c, ...children]);
    const idx = errs.indexOf(c);
    errs = [
      ...errs.slice(0, idx).filter((e) => !drop.has(e)),
      ...replacement,
      ...errs.slice(idx + 1).filter((e) => !drop.has(e)),
    ];
  }
  return errs;
}

function typeList(t: unknown): string[] {
  if (Array.isArray(t)) return t.map(String);
  return typeof t === 'string' ? t.split(',') : [];
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

function typeWords(types: string[]): string {
  const hasNull = types.includes('null');
  const main = types.filter((t) => t !== 'null').map((t) => TYPE_WORDS[t] ?? t);
  const words = main.length === 0 ? 'null' : main.join(' or ');
  return hasNull && main.length > 0 ? `${words} (or null to remove the key)` : words;
}

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the integer ${v}` : `the number ${v}`;
  return `the boolean ${String(v)}`;
}

/**
 * What kind of value is there, without the value: for fields that hold a secret, where a wrongly
 * typed inline value (a numeric key) is still the secret and must not reach the terminal or a log.
 */
function describeKind(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return typeof v === 'string' ? 'a string' : 'a boolean';
}

function shortDescription(schema: unknown): string | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const d = (schema as Schema).description;
  if (typeof d !== 'string' || d === '') return undefined;
  return d.length > 220 ? `${d.slice(0, 217)}...` : d;
}

function fmt(v: unknown): string {
  return v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function toDiagnostic(
  e: Err,
  value: unknown,
  source: YamlSource,
  patterns: Map<string, KnownPattern>,
): Diagnostic {
  const path = parsePointer(e.instancePath, value);
  const make = (
    code: DiagnosticCode,
    message: string,
    fix: string,
    at: PathSegment[] = path,
    target: 'value' | 'key' = 'value',
  ): Diagnostic => ({
    severity: 'error',
    code,
    ...source.locate(at, target),
    path: formatPath(at),
    message,
    fix,
  });

  if (isSynthetic(e)) {
    return make(
      'WRONG_TYPE',
      `expected ${typeWords(e.types)}, got ${describeValue(e.data)}`,
      `write ${typeWords(e.types)} here`,
    );
  }
  const err = e as ErrorObject;
  const parent = err.parentSchema as Schema | undefined;
  const help = shortDescription(parent);
  switch (err.keyword) {
    case 'type': {
      const types = typeList(err.params.type);
      const last = path[path.length - 1];
      const inConfig =
        (path.includes('config') || path.includes('defaults')) && last !== 'env' && last !== 'file';
      if (isSecretField(parent)) {
        return make(
          'WRONG_TYPE',
          `expected a string or a secret reference, got ${describeKind(err.data)} (not shown: this field holds a secret)`,
          'write {env: NAME} (or {file: path}) so that the secret stays out of the file',
        );
      }
      const vendorTable =
        path[0] === 'baishan' ? " (Baishan's field table types this field as a number)" : '';
      let fix = `write ${typeWords(types)} here`;
      if (types.includes('string') && typeof err.data === 'number') {
        fix = `quote it: "${err.data}"${inConfig ? " (Baishan's field table types this field as a string)" : ''}`;
      } else if (
        (types.includes('integer') || types.includes('number')) &&
        typeof err.data === 'string' &&
        /^-?\d+(\.\d+)?$/.test(err.data)
      ) {
        fix = `remove the quotes: ${err.data}${vendorTable}`;
      } else if (types.includes('array') && !Array.isArray(err.data)) {
        fix = 'write a YAML list (`- item` lines, or [a, b])';
      }
      return make('WRONG_TYPE', `expected ${typeWords(types)}, got ${describeValue(err.data)}`, fix);
    }
    case 'required': {
      const missing = String(err.params.missingProperty);
      return make(
        'MISSING_KEY',
        `missing required key \`${missing}\``,
        `add \`${missing}:\`${describeProperty(parent, missing)}`,
        path,
        'key',
      );
    }
    case 'additionalProperties':
      return unknownKey(String(err.params.additionalProperty), path, parent, err.data, make);
    case 'propertyNames': {
      const name = String(err.params.propertyName);
      return make(
        'INVALID_VALUE',
        `${JSON.stringify(name)} is not a valid logical name`,
        'use lower-case letters, digits and -, at most 63 characters, starting with a letter or digit (e.g. web-eu): the name goes into tags and addresses',
        [...path, name],
        'key',
      );
    }
    case 'enum': {
      const allowed = (err.params.allowedValues as unknown[]) ?? [];
      const shown = allowed.map((v) => (v === null ? 'null (remove the key)' : fmt(v)));
      const near =
        typeof err.data === 'string'
          ? didYouMean(
              err.data,
              allowed.filter((v) => typeof v === 'string'),
            )
          : undefined;
      // NOTE: Baishan's own examples quote numbers (`"301"`); its field tables say integer, and so do we.
      const unquoted =
        typeof err.data === 'string' && allowed.includes(Number(err.data)) ? Number(err.data) : undefined;
      // A layer-7 listener on a proxy group: GAAP answers NotSupportProxyGroup, so say why.
      const groupL7 =
        path[1] === 'proxyGroups' &&
        path[3] === 'listeners' &&
        path[5] === 'protocol' &&
        /^HTTPS?$/.test(String(err.data));
      const hint = groupL7
        ? 'GAAP does not support HTTP/HTTPS listeners on proxy groups: declare this one on a proxy (`proxies.<name>.listeners`); '
        : unquoted !== undefined
          ? `remove the quotes: ${unquoted}${path[0] === 'baishan' ? " (Baishan's field table types this field as an integer)" : ''}; `
          : near !== undefined
            ? `did you mean ${fmt(near)}? `
            : '';
      return make(
        'INVALID_VALUE',
        `${describeValue(err.data)} is not an allowed value`,
        `${hint}allowed: ${shown.join(', ')}`,
      );
    }
    case 'const':
      return make(
        'INVALID_VALUE',
        `expected ${fmt(err.params.allowedValue)}, got ${describeValue(err.data)}`,
        `write ${fmt(err.params.allowedValue)}${path.length === 1 && path[0] === 'version' ? ' (the only format version this edgeform reads)' : ''}`,
      );
    case 'pattern': {
      const known = patterns.get(String(err.params.pattern));
      if (known) {
        return make(known.code, `${describeValue(err.data)} is not ${known.expected}`, known.fix);
      }
      return make(
        'INVALID_VALUE',
        `${describeValue(err.data)} does not have the expected format`,
        help ?? `match the pattern ${String(err.params.pattern)}`,
      );
    }
    case 'format':
      return make(
        'INVALID_VALUE',
        `${describeValue(err.data)} is not a valid ${String(err.params.format)}`,
        help ?? `write a valid ${String(err.params.format)}`,
      );
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const min = parent?.minimum ?? parent?.exclusiveMinimum;
      const max = parent?.maximum ?? parent?.exclusiveMaximum;
      const range =
        min !== undefined && max !== undefined
          ? `between ${fmt(min)} and ${fmt(max)}`
          : `${String(err.params.comparison)} ${fmt(err.params.limit)}`;
      return make(
        'OUT_OF_RANGE',
        `${fmt(err.data)} is out of range: must be ${range}`,
        `use a value ${range}`,
      );
    }
    case 'maxItems':
      return make(
        'TOO_MANY_ITEMS',
        `has ${Array.isArray(err.data) ? err.data.length : '?'} entries; at most ${fmt(err.params.limit)} are allowed`,
        `remove entries until at most ${fmt(err.params.limit)} remain (merge them into wildcards or networks where the key allows)`,
      );
    case 'minItems':
      return make(
        'INVALID_VALUE',
        `has ${Array.isArray(err.data) ? err.data.length : '?'} entries; at least ${fmt(err.params.limit)} required`,
        Number(err.params.limit) === 1 && path.length > 0
          ? `add an entry, or delete \`${String(path[path.length - 1])}\` to stop managing it`
          : `add entries until there are at least ${fmt(err.params.limit)}`,
      );
    case 'minLength':
      return make(
        'INVALID_VALUE',
        Number(err.params.limit) === 1
          ? 'must not be empty'
          : `is shorter than ${fmt(err.params.limit)} characters`,
        help ?? 'write a non-empty value',
      );
    case 'maxLength':
      return make(
        'INVALID_VALUE',
        `is longer than ${fmt(err.params.limit)} characters`,
        `shorten it to at most ${fmt(err.params.limit)} characters`,
      );
    case 'uniqueItems': {
      const i = Number(err.params.i);
      const j = Number(err.params.j);
      const items = Array.isArray(err.data) ? err.data : [];
      const [later, earlier] = i > j ? [i, j] : [j, i];
      return make(
        'DUPLICATE_ITEM',
        `entry ${later} repeats entry ${earlier} (${describeValue(items[later])})`,
        'remove the repeated entry',
        [...path, later],
      );
    }
    case 'minProperties':
    case 'maxProperties':
      if (
        parent &&
        typeof parent.properties === 'object' &&
        parent.properties !== null &&
        'env' in parent.properties
      ) {
        return make(
          'INVALID_VALUE',
          'a secret reference names exactly one source',
          'write {env: NAME} or {file: path}, not both and not neither',
        );
      }
      return make('SCHEMA', err.message ?? 'invalid number of keys', help ?? 'see docs/desired-state.md');
    case 'contains':
      if (JSON.stringify(err.schema).includes('"isp"')) {
        return make(
          'SCHEMA',
          'no entry has isp "default"',
          'add an entry with isp "default" (or without isp): Baishan requires one as the fallback for other carriers',
        );
      }
      return make(
        'SCHEMA',
        'no entry of the list satisfies the required condition',
        help ?? 'see docs/desired-state.md',
      );
    case 'not':
      return make(
        'INVALID_VALUE',
        `${describeValue(err.data)} is not allowed here`,
        help ?? 'see docs/desired-state.md',
      );
    default:
      return make(
        'SCHEMA',
        err.message ?? `fails the \`${err.keyword}\` rule`,
        help ?? 'see docs/desired-state.md',
      );
  }
}

function isSecretField(schema: Schema | undefined): boolean {
  const then = schema?.then as Schema | undefined;
  return typeof then?.$ref === 'string' && then.$ref.endsWith('#/$defs/secretRef');
}

function describeProperty(parent: Schema | undefined, name: string): string {
  const props = parent?.properties as Record<string, unknown> | undefined;
  const d = shortDescription(props?.[name]);
  return d ? ` — ${d}` : '';
}

/**
 * Listener variants share a `protocol` discriminator (TCP/UDP vs HTTP/HTTPS): a key that belongs to
 * the other variant gets "this is a field of HTTP/HTTPS listeners" rather than a bare "unknown key".
 */
function otherVariantWith(key: string, parent: Schema | undefined): string[] | undefined {
  const own = (parent?.properties as Record<string, Schema> | undefined)?.protocol?.enum;
  if (!Array.isArray(own)) return undefined;
  const defs = desiredSchema().root.$defs as Record<string, Schema> | undefined;
  for (const def of Object.values(defs ?? {})) {
    const props = def.properties as Record<string, Schema> | undefined;
    const protocols = props?.protocol?.enum;
    if (def === parent || !Array.isArray(protocols) || !props || !(key in props)) continue;
    if (protocols.some((p) => own.includes(p)) || def.additionalProperties !== false) continue;
    return protocols.map(String);
  }
  return undefined;
}

function unknownKey(
  key: string,
  parentPath: PathSegment[],
  parent: Schema | undefined,
  data: unknown,
  make: (
    code: DiagnosticCode,
    message: string,
    fix: string,
    at?: PathSegment[],
    target?: 'value' | 'key',
  ) => Diagnostic,
): Diagnostic {
  const at = [...parentPath, key];
  const allowed = Object.keys((parent?.properties as Record<string, unknown> | undefined) ?? {});
  const variant = otherVariantWith(key, parent);
  if (variant !== undefined) {
    const protocol =
      data !== null && typeof data === 'object' ? (data as Record<string, unknown>).protocol : undefined;
    return make(
      'UNKNOWN_KEY',
      `\`${key}\` is not a field of ${/^H/.test(String(protocol)) ? 'an' : 'a'} ${String(protocol)} listener`,
      `\`${key}\` belongs to ${variant.join('/')} listeners: remove it, or change \`protocol\``,
      at,
      'key',
    );
  }
  const near = didYouMean(key, allowed);
  let fix: string;
  if (near !== undefined) {
    fix = `did you mean \`${near}\`?`;
  } else if (allowed.includes('config') && (BAISHAN_CONFIG_KEYS as readonly string[]).includes(key)) {
    fix = `\`${key}\` is a Baishan config key: move it under \`config:\``;
  } else if (allowed.length === 0) {
    fix = 'remove it';
  } else if (allowed.length <= 12) {
    fix = `remove it, or use one of: ${allowed.join(', ')}`;
  } else {
    fix = 'remove it; the allowed keys are listed in docs/desired-state.md';
  }
  return make('UNKNOWN_KEY', `unknown key \`${key}\``, fix, at, 'key');
}
