import { isPlainObject } from '../../core/json.js';
import type { BaishanApiOptions } from '../api-options.js';
import type { EmulatedApi, EmulatorRequest, EmulatorResponse, HandleResult } from '../emulator-types.js';
import { mapAtPath, redactSecret, type SecretMap } from '../secret-keeper.js';
import { FixedWindowLimiter } from '../server-kit.js';
import { applyConfig } from './baishan-apply.js';
import { AUTH_MESSAGE, BaishanApiError, badRequest, errors } from './baishan-errors.js';
import { renderEcho, renderForGet } from './baishan-render.js';
import { type CallParams, parseDomains, readParams, readSelection } from './baishan-request.js';
import { configKeys } from './baishan-schema.js';
import { type DomainRecord, DomainStore } from './baishan-store.js';
import { validatePostedConfig } from './baishan-validate.js';

/**
 * The Baishan CDN `GET|POST /v2/domain/config` API as the seeds describe it (docs/emulator-baishan.md).
 * Behaviour spec: docs/emulator-baishan.md.
 */

const CONFIG_PATH = '/v2/domain/config';
/** The `Api-Id` headers of [003]'s (GET) and [001]'s (POST) example answers. */
const API_ID = { GET: '814', POST: '221328331' } as const;

type Method = keyof typeof API_ID;

/**
 * Where a stored config holds secrets (paths as secret-keeper.ts `mapAtPath` reads them): the
 * signing key of `visit_timestamp`, the object-store keys of `tos_origin`. The client's catalog
 * (src/model/baishan-keys.ts `secrets`) names the same; a test keeps the two lists equal.
 */
export const BAISHAN_SECRET_FIELDS: readonly { key: string; path: string }[] = [
  { key: 'visit_timestamp', path: 'key' },
  { key: 'tos_origin', path: '[].auth_secret_key' },
  { key: 'tos_origin', path: '[].auth_access_key' },
];

function mapConfigSecrets(config: unknown, f: SecretMap): void {
  if (!isPlainObject(config)) return;
  for (const { key, path } of BAISHAN_SECRET_FIELDS) mapAtPath(config[key], path, f);
}

interface Answer {
  body: unknown;
  mutated: boolean;
}

export function createBaishanApi(opts: BaishanApiOptions): EmulatedApi {
  return new BaishanApi(opts);
}

class BaishanApi implements EmulatedApi {
  readonly name = 'baishan';
  readonly #opts: BaishanApiOptions;
  readonly #store = new DomainStore();
  #limiter: FixedWindowLimiter;

  constructor(opts: BaishanApiOptions) {
    this.#opts = opts;
    this.#limiter = this.#newLimiter();
    for (const name of opts.domains) this.#store.register(name);
  }

  operationOf(req: EmulatorRequest): string {
    if (req.path === CONFIG_PATH && (req.method === 'GET' || req.method === 'POST')) {
      return `${req.method} domain/config`;
    }
    return `${req.method} ${req.path}`;
  }

  handle(req: EmulatorRequest): HandleResult {
    if (req.path !== CONFIG_PATH) return plain(404, 'Not Found: wrong request URL');
    if (req.method !== 'GET' && req.method !== 'POST') return plain(405, `Method ${req.method} not allowed`);
    const method: Method = req.method;
    const params = readParams(req);
    // NOTE: a body that cannot be read, with no token outside it, is answered as malformed (400,
    // naming what is wrong), not as a wrong token: the token may well be in that body.
    if (params.tokens.length === 0 && params.bodyError !== undefined) {
      const e = badRequest(params.bodyError);
      return { response: { status: e.status, body: e.toBody() }, mutated: false };
    }
    if (!params.tokens.includes(this.#opts.token)) return plain(401, AUTH_MESSAGE);

    // NOTE: [001] and [003] each state "30 calls per minute per user account"; nothing says whether
    // GET and POST share it (their different Api-Id values hint at separate budgets). We keep one
    // budget per account (token) for both, the stricter reading, so a client tuned here is safe there.
    const quota = this.#limiter.take(this.#opts.token);
    const headers = {
      'Api-Id': API_ID[method],
      'X-Ratelimit-Grad': 'minute',
      'X-Ratelimit-Limit': String(this.#opts.rateLimit),
      'X-Ratelimit-Remaining': String(quota.remaining),
      // NOTE: whole seconds, as the live API counts them; on a scaled clock (rateWindowScale) a
      // second is a 60th of the scaled minute, so the header keeps the live precision (1/60 of the
      // window) instead of rounding a 3 s window's reset up to a whole real second.
      'X-Retry-After': String(Math.ceil(quota.resetInMs / (this.#opts.rateWindowMs / 60))),
    };
    if (!quota.allowed) {
      // NOTE: no seed documents the over-limit answer; 429 is our choice (docs/emulator-baishan.md,
      // Request handling).
      const message = `API rate limit exceeded: at most ${this.#opts.rateLimit} calls per minute per account`;
      return {
        response: { status: 429, headers, body: { code: 429, message } },
        mutated: false,
        throttled: true,
      };
    }
    try {
      const answer = method === 'GET' ? this.#get(req, params) : this.#post(params);
      return { response: { status: 200, headers, body: answer.body }, mutated: answer.mutated };
    } catch (e) {
      if (!(e instanceof BaishanApiError)) throw e;
      return { response: { status: e.status, headers, body: e.toBody() }, mutated: false };
    }
  }

  faultResponse(_req: EmulatorRequest): EmulatorResponse {
    return { status: 503, body: { code: 503, message: 'Service Unavailable' } };
  }

  snapshot(): unknown {
    return this.#store.snapshot();
  }

  get credential(): string {
    return this.#opts.token;
  }

  mapSecrets(snapshot: unknown, f: SecretMap): void {
    if (!isPlainObject(snapshot) || !Array.isArray(snapshot.domains)) return;
    for (const d of snapshot.domains) if (isPlainObject(d)) mapConfigSecrets(d.config, f);
  }

  restore(state: unknown): void {
    this.#store.restore(state);
  }

  admin(op: string, body: unknown): unknown {
    const input = isPlainObject(body) ? body : {};
    switch (op) {
      case 'domains':
        return this.#adminDomains(input);
      case 'set-config':
        return this.#adminSetConfig(input);
      case 'reset':
        this.#store.clear();
        // A fresh budget too: tests reset between cases and must not inherit each other's calls.
        this.#limiter = this.#newLimiter();
        return { ok: true };
      default:
        return { ok: false, error: `unknown baishan admin operation ${op}` };
    }
  }

  #newLimiter(): FixedWindowLimiter {
    return new FixedWindowLimiter(this.#opts.rateLimit, this.#opts.rateWindowMs, this.#opts.now);
  }

  // -------------------------------------------------------------------------------------------
  // GET: read stored config (docs/emulator-baishan.md, GET)

  #get(req: EmulatorRequest, params: CallParams): Answer {
    const names = parseDomains(params.domains);
    const selection = readSelection(req, params.bodyConfig);
    const known = new Set(configKeys());
    const unknown = selection.filter((k) => !known.has(k));
    // NOTE: an unknown key in the selection is refused (choice, §8.4) rather than silently skipped.
    if (unknown.length > 0) throw badRequest(`Unknown config key: ${unknown.join(',')}`);
    const { records, created } = this.#resolve(names);
    // Reading is how the sandbox's domains come to exist; they are persisted with the next write.
    for (const record of created) this.#store.put(record);
    const keys = selection.length > 0 ? selection : configKeys();
    const data = records.map((r) => ({
      domain: r.name,
      domain_id: r.id,
      config: renderForGet(r.config, keys),
    }));
    return { body: { code: 0, data }, mutated: false };
  }

  // -------------------------------------------------------------------------------------------
  // POST: validate everything, then write every domain or none (docs/emulator-baishan.md, POST)

  #post(params: CallParams): Answer {
    if (params.bodyError !== undefined) throw badRequest(params.bodyError);
    const names = parseDomains(params.domains);
    const { records, created } = this.#resolve(names);
    // NOTE: refusing writes to a domain that is not online is our choice (§8.4); [000] has the code.
    const offline = records.filter((r) => r.status !== 'online').map((r) => r.name);
    if (offline.length > 0) throw errors.domainOffline(offline);
    const config = validatePostedConfig(params.bodyConfig);
    // Compute every domain's new config before storing any: an append can still fail per domain.
    // NOTE: [001] states all-or-nothing across the keys of a call; extending it to the domains of a
    // call is our choice (the seeds are silent, §1.6).
    const updated = records.map((r) => applyConfig(r.config, config, r.name));
    records.forEach((r, i) => {
      r.config = updated[i] ?? r.config;
    });
    for (const record of created) this.#store.put(record);
    // NOTE: the echo is one object for the whole call ([001]); when domains differ (append, toggles)
    // it shows the first domain's stored state. `domains` sits in `data` as in 3 of the 4 examples.
    const first = records[0];
    const echo = first ? renderEcho(first.config, Object.keys(config)) : {};
    const domains = records.map((r) => ({ id: r.id, domain: r.name }));
    return { body: { code: 0, data: { domains, config: echo } }, mutated: true };
  }

  /** The records for the names asked for; with autoDomains, unknown names become fresh drafts. */
  #resolve(names: readonly string[]): { records: DomainRecord[]; created: DomainRecord[] } {
    const records: DomainRecord[] = [];
    const created: DomainRecord[] = [];
    const missing: string[] = [];
    for (const name of names) {
      const record = this.#store.get(name) ?? (this.#opts.autoDomains ? this.#store.draft(name) : undefined);
      if (!record) missing.push(name);
      else {
        records.push(record);
        if (!this.#store.get(name)) created.push(record);
      }
    }
    if (missing.length > 0) throw errors.domainNotFound(missing);
    return { records, created };
  }

  // -------------------------------------------------------------------------------------------
  // Admin (tests, demos): not part of the vendor API

  #adminDomains(input: Record<string, unknown>): unknown {
    const names = input.domains;
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      return { ok: false, error: 'expected {domains: string[], status?: string}' };
    }
    const status = typeof input.status === 'string' ? input.status : 'online';
    const records = names.map((n) => this.#store.register(n, status));
    return { domains: records.map((r) => ({ domain: r.name, domain_id: r.id, status: r.status })) };
  }

  /** Writes stored keys directly, in the GET shape; `null` deletes a key. No validation on purpose. */
  #adminSetConfig(input: Record<string, unknown>): unknown {
    const record = typeof input.domain === 'string' ? this.#store.get(input.domain) : undefined;
    if (!record || !isPlainObject(input.config)) {
      return { ok: false, error: 'expected {domain: <registered domain>, config: {...}}' };
    }
    for (const [key, value] of Object.entries(input.config)) {
      if (value === null) delete record.config[key];
      else record.config[key] = withoutReadOnly(key, structuredClone(value));
    }
    const config = structuredClone(record.config);
    mapConfigSecrets(config, redactSecret);
    return { ok: true, domain: record.name, config };
  }
}

/** `request_style` is derived on every read; a stored copy would go stale. */
function withoutReadOnly(key: string, value: unknown): unknown {
  if (key === 'visit_timestamp' && isPlainObject(value)) delete value.request_style;
  return value;
}

/** An answer given before authentication (so without rate-limit headers). */
function plain(status: number, message: string): HandleResult {
  return { response: { status, body: { code: status, message } }, mutated: false };
}
