import { EdgeformError } from '../../core/errors.js';
import { isPlainObject, stableStringify } from '../../core/json.js';
import type { JsonValue } from '../../core/json-types.js';
import { lazyRecord } from '../../core/lazy-record.js';
import { isSecretValue, keyedFingerprinter, revealSecrets } from '../../core/secrets.js';
import { BAISHAN_CONFIG_KEYS, REMOVABLE_KEYS } from '../../model/baishan-keys.js';
import type {
  BaishanDomainDesired,
  BaishanSettings,
  DesiredValue,
  LoadedStack,
} from '../../model/stack-types.js';
import type { AttributeChange, PlanStep, PlanWarning, ResourceChange } from '../../planner/plan-types.js';
import type {
  Provider,
  ProviderContext,
  ProviderLive,
  ProviderPlan,
  StepContext,
  StepOutcome,
} from '../../planner/provider-types.js';
import {
  BAISHAN_MAX_DOMAINS_PER_CALL,
  type BaishanClient,
  type BaishanDomainConfig,
} from './baishan-client.js';
import { BaishanApiError } from './baishan-errors.js';
import { normalizeKey, toDisplay, valuesEqual } from './normalize.js';
import { writeForm } from './write-forms.js';

export const BAISHAN_DOMAIN_TYPE = 'baishan_domain';

export function baishanAddress(domain: string): string {
  return `baishan.domain["${domain}"]`;
}

export interface BaishanLiveData {
  domains: Map<string, BaishanDomainConfig>;
}

/** The payload of one `POST domain/config` step. */
export interface BaishanPostPayload {
  domains: string[];
  config: Record<string, unknown>;
  /** Keys in `config` and what each does, for rendering. */
  keys: string[];
}

/**
 * Baishan CDN per-domain configuration. A domain is one resource; its declared config keys are
 * its attributes. Domains are never created or deleted (the API only configures existing ones).
 */
export class BaishanProvider implements Provider<BaishanLiveData, BaishanPostPayload> {
  readonly id = 'baishan';
  readonly limits = { concurrency: 4 };
  readonly #desired: BaishanDomainDesired[];
  readonly #settings: BaishanSettings;
  readonly #client: () => BaishanClient;
  readonly #secretBaseDir: string;

  constructor(
    stack: Pick<LoadedStack, 'baishan' | 'settings'>,
    client: () => BaishanClient,
    secretBaseDir: string,
  ) {
    this.#desired = stack.baishan.domains;
    this.#settings = stack.settings.baishan;
    this.#client = client;
    this.#secretBaseDir = secretBaseDir;
  }

  get hasDesired(): boolean {
    return this.#desired.length > 0;
  }

  /** Exactly ceil(N/10) GETs for N declared domains, each naming only the keys it needs. */
  async read(ctx: ProviderContext): Promise<ProviderLive<BaishanLiveData>> {
    const domains = new Map<string, BaishanDomainConfig>();
    const batches = chunk(this.#desired, BAISHAN_MAX_DOMAINS_PER_CALL);
    ctx.events({ kind: 'read-start', provider: this.id, what: `${this.#desired.length} domains` });
    const client = this.#client();
    const before = client.calls;
    let batchesDone = 0;
    await Promise.all(
      batches.map(async (batch) => {
        const keys = keysToRead(batch);
        let answer: BaishanDomainConfig[];
        try {
          answer = await client.getConfig(
            batch.map((d) => d.domain),
            keys,
            ctx.signal,
          );
        } catch (e) {
          throw explainReadFailure(e, batch);
        }
        for (const d of answer) domains.set(d.domain.toLowerCase(), d);
        batchesDone++;
        // A large estate reads for minutes at 30 calls a minute: say how far along it is.
        ctx.events({
          kind: 'read-progress',
          provider: this.id,
          done: batchesDone,
          total: batches.length,
          etaMs: client.limiter.estimateMs(batches.length - batchesDone),
        });
      }),
    );
    const missing = this.#desired.filter((d) => !domains.has(d.domain.toLowerCase()));
    if (missing.length > 0) {
      throw new EdgeformError({
        code: 'BAISHAN_DOMAIN_NOT_FOUND',
        message: `Baishan did not return ${missing.map((d) => d.domain).join(', ')}`,
        resolution:
          'add the domains in the Baishan console first; domain/config only configures existing domains',
      });
    }
    const calls = client.calls - before;
    ctx.events({ kind: 'read-done', provider: this.id, what: `${this.#desired.length} domains`, calls });
    return { provider: this.id, data: { domains }, calls, warnings: [] };
  }

  plan(live: ProviderLive<BaishanLiveData>): ProviderPlan<BaishanPostPayload> {
    const data = live.data;
    const changes: ResourceChange[] = [];
    const warnings: PlanWarning[] = [];
    const writes: { domain: string; config: Record<string, unknown>; keys: string[]; downgrade: boolean }[] =
      [];
    // Live fingerprints are computed only if the plan is saved or printed as JSON: what they need
    // is kept (the address, the live config and its number), under the key in force now.
    const addresses: string[] = [];
    const liveConfigs: Record<string, unknown>[] = [];
    const liveIds: number[] = [];
    const lives = new LiveConfigs(keyedFingerprinter());
    const memo = new PlanMemo(this.#settings);
    for (const desired of this.#desired) {
      const liveDomain = data.domains.get(desired.domain.toLowerCase());
      const liveConfig = liveDomain?.config ?? {};
      const liveId = lives.idOf(liveConfig, desired.config);
      const address = baishanAddress(desired.domain);
      const diff = memo.diff(desired, liveConfig, liveId);
      for (const key of diff.unremovable) {
        warnings.push({
          address,
          message: `live key ${key} is not declared on an exclusive domain, but Baishan documents no way to remove it; it is left as is`,
        });
      }
      addresses.push(address);
      liveConfigs.push(liveConfig);
      liveIds.push(liveId);
      const domainId = liveDomain?.domainId;
      if (diff.attributes.length === 0) {
        // The common case of a plan that matches: one small record, no copies.
        changes.push(noOp(this.id, address, domainId));
        continue;
      }
      // Each domain's change owns its attribute records (the diff is shared by equal domains).
      const attributes = diff.attributes.map((a) => ({ ...a }));
      const change: ResourceChange = noOp(this.id, address, domainId);
      change.kind = 'update';
      change.attributes = attributes;
      changes.push(change);
      const config: Record<string, unknown> = {};
      let downgrade = false;
      for (const key of diff.keys) {
        const want = key in desired.config ? desired.config[key]! : null;
        config[key] = memo.write(key, want, liveConfig[key], desired.domain);
        if (key === 'https' && isHttpsDowngrade(config[key])) downgrade = true;
      }
      writes.push({ domain: desired.domain, config, keys: diff.keys, downgrade });
    }

    const liveFingerprints = lazyRecord(() => {
      const out: Record<string, string> = {};
      for (let i = 0; i < addresses.length; i++)
        out[addresses[i]!] = lives.fingerprint(liveIds[i]!, liveConfigs[i]!);
      return out;
    });
    return { changes, steps: mergeWrites(writes), warnings, liveFingerprints };
  }

  fingerprints(live: ProviderLive<BaishanLiveData>, addresses: readonly string[]): Record<string, string> {
    const data = live.data;
    const byAddress = new Map(this.#desired.map((d) => [baishanAddress(d.domain), d]));
    const lives = new LiveConfigs(keyedFingerprinter());
    const out: Record<string, string> = {};
    for (const address of addresses) {
      const desired = byAddress.get(address);
      if (desired === undefined) continue;
      const config = data.domains.get(desired.domain.toLowerCase())?.config ?? {};
      out[address] = lives.fingerprint(lives.idOf(config, desired.config), config);
    }
    return out;
  }

  /** One POST per step, all drawn from the account's one budget. */
  estimateRemainingMs(steps: readonly PlanStep<BaishanPostPayload>[]): number {
    return this.#client().limiter.estimateMs(steps.length);
  }

  /** One budget for the account, reads and writes alike. */
  budgetKey(): string {
    return 'account';
  }

  /** A POST step starts only when the account's budget has a call for it now. */
  claimStart(): number {
    return this.#client().limiter.tryTake();
  }

  async execute(step: PlanStep<BaishanPostPayload>, ctx: StepContext): Promise<StepOutcome> {
    const payload = step.payload;
    const config = revealSecrets(payload.config, this.#secretBaseDir) as Record<string, unknown>;
    const client = this.#client();
    const counter = { calls: 0, ...(ctx.startClaimed ? { claimed: true } : {}) };
    const failures = await this.#postIsolating(client, payload.domains, config, counter, ctx.signal);
    const outcome: StepOutcome = { outputs: {}, calls: counter.calls };
    if (failures.length === 0) return outcome;
    if (failures.length === 1 && failures[0]!.domains.length === payload.domains.length) {
      throw failures[0]!.error;
    }
    outcome.partialFailures = failures.map((f) => ({
      addresses: f.domains.map(baishanAddress),
      error: f.error.message,
      code: f.error.code,
    }));
    return outcome;
  }

  /**
   * A multi-domain POST is all-or-nothing. When one is refused for a reason that may belong to one
   * domain (an offline or unknown domain), split it in halves until the domains at fault are
   * isolated, so the others are still applied. A refusal of the config itself fails every domain
   * the same way, so it is not split.
   */
  async #postIsolating(
    client: BaishanClient,
    domains: string[],
    config: Record<string, unknown>,
    counter: { calls: number; claimed?: boolean },
    signal: AbortSignal | undefined,
  ): Promise<{ domains: string[]; error: EdgeformError }[]> {
    try {
      await client.postConfig(domains, config, counter, signal);
      return [];
    } catch (e) {
      if (!(e instanceof BaishanApiError)) throw e;
      const perDomain = e.errorClass === 'domain-not-found' || e.errorClass === 'domain-offline';
      if (!perDomain || domains.length === 1) return [{ domains, error: e }];
      const named = e.domains.filter((d) => domains.includes(d));
      if (named.length > 0 && named.length < domains.length) {
        const rest = domains.filter((d) => !named.includes(d));
        return [
          { domains: named, error: e },
          ...(await this.#postIsolating(client, rest, config, counter, signal)),
        ];
      }
      const half = Math.ceil(domains.length / 2);
      return [
        ...(await this.#postIsolating(client, domains.slice(0, half), config, counter, signal)),
        ...(await this.#postIsolating(client, domains.slice(half), config, counter, signal)),
      ];
    }
  }
}

/**
 * Normalisation, comparison and write forms, computed once per distinct value rather than once
 * per domain: an estate is mostly domains sharing a few configs (one entry's domains share its
 * frozen config objects; `defaults` are the same everywhere), and a live state that matches holds
 * the same few values again, each in its own JSON object per domain.
 *
 * Desired values are memoised by identity, and by content when they hold no secret (a SecretValue
 * is kept as itself in the normalised form, so two equal-looking ones are not merged); live values
 * (plain JSON from GET) by content. Normalised values are shared, so nothing may modify them.
 */
/** The value cached under `key`, computed and cached on first use (also when it is undefined). */
function memo<K, V>(
  cache: { has(k: K): boolean; get(k: K): V | undefined; set(k: K, v: V): unknown },
  key: K,
  compute: () => V,
): V {
  if (cache.has(key)) return cache.get(key) as V;
  const value = compute();
  cache.set(key, value);
  return value;
}

/**
 * The live configs of a read, numbered so that equal ones share a number: the diff and the keyed
 * fingerprint (only the keys edgeform read: a change to an unmanaged key does not make a plan
 * stale) are computed once per number. Domains declared with one config (one YAML entry) hold
 * equal live configs in an estate that matches, each its own JSON object (from GET): a live config
 * is compared with the few already numbered under the same declared config, by a walk, without
 * making its JSON text; configs that differ from those few get a number of their own (equal ones
 * may then have two numbers: more work, never a wrong answer).
 */
class LiveConfigs {
  readonly #near = new WeakMap<object, { config: Record<string, unknown>; id: number }[]>();
  readonly #fingerprints: string[] = [];
  readonly #fingerprintOf: (config: unknown) => string;
  #next = 0;

  /** `fingerprintOf` is keyed: a live config holds secrets in clear (visit_timestamp.key, tos_origin keys). */
  constructor(fingerprintOf: (config: unknown) => string) {
    this.#fingerprintOf = fingerprintOf;
  }

  idOf(config: Record<string, unknown>, declared: object): number {
    let seen = this.#near.get(declared);
    if (!seen) {
      seen = [];
      this.#near.set(declared, seen);
    }
    for (const s of seen) if (sameJson(s.config, config)) return s.id;
    const id = this.#next++;
    // A few per declared config: domains whose live configs all differ stay linear.
    if (seen.length < LIVE_VARIANTS_KEPT) seen.push({ config, id });
    return id;
  }

  fingerprint(id: number, config: Record<string, unknown>): string {
    this.#fingerprints[id] ??= this.#fingerprintOf(config);
    return this.#fingerprints[id];
  }
}

const LIVE_VARIANTS_KEPT = 4;

/** Equal parsed JSON, keys in the same order (as equal JSON texts would be). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i]) return false;
    if (!sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * A declared value (secrets are SecretValue objects) and a live one are the same JSON, keys in
 * any order. A secret is never the same as anything read (the live side holds it masked or in
 * clear: valuesEqual decides).
 */
function sameAsDeclared(want: unknown, have: unknown): boolean {
  if (want === have) return true;
  if (typeof want !== 'object' || typeof have !== 'object' || want === null || have === null) return false;
  if (isSecretValue(want)) return false;
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || want.length !== have.length) return false;
    for (let i = 0; i < want.length; i++) if (!sameAsDeclared(want[i], have[i])) return false;
    return true;
  }
  if (Array.isArray(have)) return false;
  const keys = Object.keys(want);
  if (keys.length !== Object.keys(have).length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(have, k)) return false;
    if (!sameAsDeclared((want as Record<string, unknown>)[k], (have as Record<string, unknown>)[k]))
      return false;
  }
  return true;
}

/** The change of a domain whose live config already is the declared one (the common case). */
function noOp(provider: string, address: string, id: string | undefined): ResourceChange {
  return id
    ? { kind: 'no-op', address, provider, type: BAISHAN_DOMAIN_TYPE, id, attributes: [] }
    : { kind: 'no-op', address, provider, type: BAISHAN_DOMAIN_TYPE, attributes: [] };
}

/** What a domain's plan is, given its declared config and its live one. */
interface DomainDiff {
  attributes: AttributeChange[];
  /** The attributes' paths (the keys a POST sets), shared: never modified. */
  keys: string[];
  /** Live keys of an exclusive domain that are not declared and cannot be removed. */
  unremovable: string[];
}

class PlanMemo {
  readonly #settings: BaishanSettings;
  /** Per declared config object: its diffs by live config number, for non-exclusive and exclusive domains. */
  readonly #diffs = new WeakMap<object, [Map<number, DomainDiff>, Map<number, DomainDiff>]>();
  readonly #desiredById = new WeakMap<object, unknown>();
  readonly #byContent = new Map<string, unknown>();
  readonly #writes = new WeakMap<object, Map<string, unknown>>();
  readonly #displays = new WeakMap<object, Map<string, JsonValue>>();

  constructor(settings: BaishanSettings) {
    this.#settings = settings;
  }

  /**
   * The attribute changes of one domain, computed once per (declared config, live config): the
   * domains of one YAML entry share their frozen config object, and an estate that matches holds
   * equal live configs for them, so most domains cost two lookups. Declared configs are told
   * apart by identity: equal ones in separate entries share the normalised values (by content),
   * not the diff, whose cost is mostly theirs.
   */
  diff(desired: BaishanDomainDesired, liveConfig: Record<string, unknown>, liveId: number): DomainDiff {
    let byLive = this.#diffs.get(desired.config);
    if (!byLive) {
      byLive = [new Map(), new Map()];
      this.#diffs.set(desired.config, byLive);
    }
    return memo(byLive[desired.exclusive ? 1 : 0], liveId, () => {
      const unremovable: string[] = [];
      const attributes: AttributeChange[] = [];
      const sideFree = this.#settings.refererTypeMapping !== 'get-doc';
      for (const key of managedKeys(desired, liveConfig, unremovable)) {
        const want = key in desired.config ? desired.config[key]! : null;
        // NOTE: a value read exactly as declared normalises to the same value (normalisation is a
        // function of the value alone, save referer's type under the get-doc mapping, which reads
        // 1 and 2 the other way round on the live side): equal, without normalising either.
        if (want !== null && (sideFree || key !== 'referer') && sameAsDeclared(want, liveConfig[key]))
          continue;
        const wantNorm = want === null ? undefined : this.desired(key, want);
        const haveNorm = this.live(key, liveConfig[key]);
        if (want === null ? haveNorm === undefined : valuesEqual(wantNorm, haveNorm)) continue;
        const change: AttributeChange = { path: key };
        if (haveNorm !== undefined) change.before = this.display(key, haveNorm);
        if (wantNorm !== undefined) change.after = this.display(key, wantNorm);
        if (containsSecret(wantNorm)) change.sensitive = true;
        attributes.push(change);
      }
      return { attributes, keys: attributes.map((a) => a.path), unremovable };
    });
  }

  desired(key: string, value: DesiredValue): unknown {
    if (typeof value !== 'object' || value === null)
      return normalizeKey(key, value, 'desired', this.#settings);
    if (this.#desiredById.has(value)) return this.#desiredById.get(value);
    const json = JSON.stringify(value);
    const id = json.includes('"$secret"') ? undefined : `d\0${key}\0${json}`;
    let norm: unknown;
    if (id !== undefined && this.#byContent.has(id)) norm = this.#byContent.get(id);
    else {
      norm = normalizeKey(key, value, 'desired', this.#settings);
      if (id !== undefined) this.#byContent.set(id, norm);
    }
    this.#desiredById.set(value, norm);
    return norm;
  }

  live(key: string, value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return normalizeKey(key, value, 'live', this.#settings);
    return memo(this.#byContent, `l\0${key}\0${JSON.stringify(value)}`, () =>
      normalizeKey(key, value, 'live', this.#settings),
    );
  }

  /** Plan display of a normalised value (shared: plans are read, never modified). */
  display(key: string, norm: unknown): JsonValue {
    if (typeof norm !== 'object' || norm === null) return toDisplay(key, norm);
    const row = memo(this.#displays, norm, () => new Map<string, JsonValue>());
    return memo(row, key, () => toDisplay(key, norm));
  }

  /** The POST form of one key. cache_share names the domain itself (C23): never shared. */
  write(key: string, want: DesiredValue, have: unknown, domain: string): unknown {
    if (key === 'cache_share' || typeof want !== 'object' || want === null) {
      return writeForm(key, want, have, this.#settings, { domain });
    }
    const row = memo(this.#writes, want, () => new Map<string, unknown>());
    return memo(row, `${key}\0${JSON.stringify(have) ?? ''}`, () =>
      writeForm(key, want, have, this.#settings, { domain }),
    );
  }
}

/** Declared keys, plus for `exclusive` domains every other live key (to be removed). */
function managedKeys(
  desired: BaishanDomainDesired,
  liveConfig: Record<string, unknown>,
  unremovable: string[],
): string[] {
  const keys = Object.keys(desired.config);
  if (!desired.exclusive) return keys;
  for (const key of Object.keys(liveConfig)) {
    if (key in desired.config) continue;
    if (REMOVABLE_KEYS.has(key)) keys.push(key);
    else unremovable.push(key);
  }
  return keys;
}

function keysToRead(batch: readonly BaishanDomainDesired[]): string[] {
  if (batch.some((d) => d.exclusive)) return [...BAISHAN_CONFIG_KEYS];
  const keys = new Set<string>();
  for (const d of batch) for (const k of Object.keys(d.config)) keys.add(k);
  return [...keys].sort();
}

/**
 * Domains whose POST bodies are identical share calls of up to 10 domains. The body is compared
 * as deterministic JSON (secrets by reference and fingerprint, never by value).
 */
function mergeWrites(
  writes: { domain: string; config: Record<string, unknown>; keys: string[]; downgrade: boolean }[],
): PlanStep<BaishanPostPayload>[] {
  const groups = new Map<string, typeof writes>();
  // Equal to stableStringify(w.config), with each (shared) key value serialised once.
  const serialised = new WeakMap<object, string>();
  const text = (v: unknown): string => {
    if (typeof v !== 'object' || v === null) return stableStringify(v);
    let t = serialised.get(v);
    if (t === undefined) {
      t = stableStringify(v);
      serialised.set(v, t);
    }
    return t;
  };
  for (const w of writes) {
    const sig = Object.keys(w.config)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${text(w.config[k])}`)
      .join(',');
    const g = groups.get(sig);
    if (g) g.push(w);
    else groups.set(sig, [w]);
  }
  const steps: PlanStep<BaishanPostPayload>[] = [];
  for (const group of groups.values()) {
    for (const part of chunk(group, BAISHAN_MAX_DOMAINS_PER_CALL)) {
      const first = part[0]!;
      const domains = part.map((w) => w.domain);
      const payload: BaishanPostPayload = { domains, config: first.config, keys: first.keys };
      steps.push({
        id: `baishan.post.${steps.length + 1}`,
        provider: 'baishan',
        action: 'POST domain/config',
        operation: 'update',
        summary: `POST domain/config ${describeDomains(domains)}: ${first.keys.join(', ')}`,
        addresses: domains.map(baishanAddress),
        dependsOn: [],
        destructive: first.downgrade,
        payload,
      });
    }
  }
  return steps;
}

function describeDomains(domains: string[]): string {
  if (domains.length === 1) return domains[0]!;
  const shown = domains.slice(0, 3).join(', ');
  return `${domains.length} domains (${shown}${domains.length > 3 ? ', …' : ''})`;
}

function isHttpsDowngrade(v: unknown): boolean {
  return isPlainObject(v) && Number(v.cert_id) === 0;
}

function containsSecret(v: unknown): boolean {
  if (isSecretValue(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (isPlainObject(v)) return Object.values(v).some(containsSecret);
  return false;
}

function explainReadFailure(e: unknown, batch: readonly BaishanDomainDesired[]): unknown {
  if (e instanceof BaishanApiError && e.errorClass === 'domain-not-found') {
    const named = e.domains.length > 0 ? e.domains : batch.map((d) => d.domain);
    const where = batch
      .filter((d) => named.includes(d.domain))
      .map((d) => `${d.domain} (${d.source.file}:${d.source.line}:${d.source.column})`);
    return new EdgeformError({
      code: 'BAISHAN_DOMAIN_NOT_FOUND',
      message: `domain not found in the Baishan account: ${where.join(', ') || named.join(', ')}`,
      resolution:
        'add the domain in the Baishan console first (domain/config only configures existing domains), or fix its spelling',
      cause: e,
    });
  }
  return e;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
