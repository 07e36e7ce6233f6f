import { isEdgeformError } from '../core/errors.js';
import { resolveSecret, type SecretRef, type SecretValue } from '../core/secrets.js';
import type { SourceLocation } from '../model/source-location.js';
import type {
  BaishanDomainDesired,
  BaishanSettings,
  DesiredValue,
  GaapSettings,
  LoadedStack,
} from '../model/stack-types.js';
import { buildGaap } from './build-gaap.js';
import type { Diagnostic } from './diagnostic-types.js';
import { lazyLocation } from './lazy-location.js';
import type { PathSegment } from './path.js';
import { diagnosticAt } from './rules/rule-helpers.js';
import type { RuleContext } from './rules/rule-types.js';
import { asSecretRef, secretSlots } from './secret-fields.js';
import type { StackFile } from './stack-file.js';

export const DEFAULT_BAISHAN_SETTINGS: BaishanSettings = {
  rateLimitPerMinute: 30,
  refererTypeMapping: 'post-doc',
  cacheErrorCode5xx: '5XX',
};

/** Per file: positions and frozen copies of its `defaults` keys, by key. */
interface FileDefaults {
  sources: Map<string, SourceLocation>;
  values: Map<string, unknown>;
}

export const DEFAULT_GAAP_SETTINGS: GaapSettings = { rateLimitPerSecond: 20 };

/**
 * Assembles the LoadedStack from files that passed every rule: provider settings merged over the
 * defaults, one BaishanDomainDesired per domain name, the merged GaapDesired, secrets resolved into
 * SecretValue objects.
 */
export function buildStack(ctx: RuleContext): { stack?: LoadedStack; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const baishan: BaishanSettings = { ...DEFAULT_BAISHAN_SETTINGS };
  const gaap: GaapSettings = { ...DEFAULT_GAAP_SETTINGS };
  // First file wins; the provider-settings rule has already refused disagreements.
  for (const f of [...ctx.files].reverse()) {
    Object.assign(baishan, f.doc.providers?.baishan ?? {});
    Object.assign(gaap, f.doc.providers?.gaap ?? {});
  }

  const secrets = new Map<string, SecretValue>();
  const domains: BaishanDomainDesired[] = [];
  // What `defaults` gives every entry of a file, made once per file: the positions of its keys,
  // and frozen copies of its values (one object in every entry that merges it, as in the YAML).
  const defaultsOf = new Map<StackFile, FileDefaults>();
  for (const e of ctx.entries) {
    let defaults = defaultsOf.get(e.file);
    if (!defaults) {
      defaults = { sources: new Map(), values: new Map() };
      defaultsOf.set(e.file, defaults);
    }
    // Positions on first read only (lazy-location.ts); one record shared by the entry's domains.
    const keySources: Record<string, SourceLocation> = {};
    for (const key of Object.keys(e.keyPaths)) {
      const path = e.keyPaths[key]!;
      const fromDefaults = path[1] === 'defaults';
      let at = fromDefaults ? defaults.sources.get(key) : undefined;
      if (!at) {
        at = lazyLocation(e.file.file, () => e.file.source.locate(path, 'key'));
        if (fromDefaults) defaults.sources.set(key, at);
      }
      keySources[key] = at;
    }
    Object.freeze(keySources);
    // One config per entry, shared (frozen) by its domains: the provider memoises normalisation by
    // object identity, so domains of one entry (and `defaults` values) are normalised once. A key
    // holding a secret is copied for the entry, where the secret is set.
    const slots = secretSlots(e.merged).filter((slot) => asSecretRef(slot.value) !== undefined);
    const withSecret = slots.length > 0 ? new Set(slots.map((slot) => slot.path[0])) : undefined;
    const config: Record<string, unknown> = {};
    for (const key of Object.keys(e.merged)) {
      const value = e.merged[key];
      let copy: unknown;
      if (withSecret?.has(key) || e.keyPaths[key]?.[1] !== 'defaults') copy = copyJson(value);
      else if (defaults.values.has(key)) copy = defaults.values.get(key);
      else {
        copy = copyJson(value);
        deepFreeze(copy);
        defaults.values.set(key, copy);
      }
      setKey(config, key, copy);
    }
    let resolved = true;
    for (const slot of slots) {
      const ref = asSecretRef(slot.value);
      if (!ref) continue;
      const id = `${e.file.dir}\0${JSON.stringify(ref)}`;
      let secret = secrets.get(id);
      if (!secret) {
        try {
          secret = resolveSecret(ref, e.file.dir, ctx.env);
        } catch (err) {
          diagnostics.push(
            unresolved(
              e.file,
              [...(e.keyPaths[String(slot.path[0])] ?? []), ...slot.path.slice(1)],
              ref,
              err,
            ),
          );
          resolved = false;
          continue;
        }
        secrets.set(id, secret);
      }
      setAt(config, slot.path, secret);
    }
    if (!resolved) continue;
    deepFreeze(config);
    for (const n of e.names) {
      domains.push({
        domain: n.name,
        exclusive: e.entry.exclusive === true,
        config: config as Record<string, DesiredValue>,
        source: lazyLocation(e.file.file, () => e.file.source.locate(n.path)),
        keySources,
      });
    }
  }
  const gaapBuilt = buildGaap(ctx.gaap, ctx.env);
  diagnostics.push(...gaapBuilt.diagnostics);
  if (diagnostics.length > 0) return { diagnostics };

  const named = ctx.files.find((f) => typeof f.doc.stack === 'string');
  return {
    diagnostics,
    stack: {
      stack: named?.doc.stack ?? '',
      files: ctx.files.map((f) => f.file),
      settings: { baishan, gaap },
      baishan: { domains },
      gaap: gaapBuilt.gaap,
    },
  };
}

function setAt(root: Record<string, unknown>, path: PathSegment[], value: unknown): void {
  let cur: unknown = root;
  for (const seg of path.slice(0, -1)) cur = (cur as Record<string | number, unknown>)[seg];
  (cur as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

function unresolved(
  file: RuleContext['files'][number],
  path: PathSegment[],
  ref: SecretRef,
  err: unknown,
): Diagnostic {
  return diagnosticAt(file, path, {
    code: 'SECRET_UNRESOLVED',
    message: isEdgeformError(err) ? err.message : `cannot resolve ${'env' in ref ? ref.env : ref.file}`,
    fix:
      isEdgeformError(err) && err.resolution !== undefined
        ? err.resolution
        : 'check the secret reference ({env: NAME} or {file: path})',
  });
}

/**
 * A deep copy of a parsed YAML value (plain objects, arrays, strings, numbers, booleans, null):
 * what structuredClone made here, at a fraction of its cost, except that a value reached twice
 * (an alias) is copied twice, which nothing here tells apart.
 */
function copyJson(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(copyJson);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) setKey(out, k, copyJson((v as Record<string, unknown>)[k]));
  return out;
}

function setKey(out: Record<string, unknown>, k: string, x: unknown): void {
  // An own `__proto__` key (the yaml package makes one) stays a key, as structuredClone kept it.
  if (k === '__proto__')
    Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
  else out[k] = x;
}

/** Freezes plain objects and arrays (not SecretValue instances, which are immutable already). */
function deepFreeze(v: unknown): void {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
  if (!Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) return;
  Object.freeze(v);
  for (const x of Object.values(v as Record<string, unknown>)) deepFreeze(x);
}
