import type { EventSink } from '../../core/event-types.js';
import { nullSink } from '../../core/null-sink.js';
import { runAttempts } from '../../transport/attempt-loop.js';
import { DEFAULT_CALL_MS, withCallDeadline } from '../../transport/call-deadline.js';
import { createPool, type Pool } from '../../transport/http-pool.js';
import { RateLimiter, type RateSlot } from '../../transport/rate-limiter.js';
import { BaishanApiError, classifyBaishanFailure } from './baishan-errors.js';
import {
  type BaishanRetryPolicy,
  DEFAULT_BAISHAN_RETRY_POLICY,
  decideBaishanRetry,
} from './baishan-retry-policy.js';

export const BAISHAN_DEFAULT_ENDPOINT = 'https://cdn.api.baishan.com';
/** Both documents: at most 10 domains per call. */
export const BAISHAN_MAX_DOMAINS_PER_CALL = 10;

export interface BaishanClientOptions {
  endpoint: string;
  token: string;
  rateLimitPerMinute: number;
  events?: EventSink;
  /** Retry budget for retryable failures (throttled, 5xx, network). */
  maxAttempts?: number;
  /** Stops retrying once this much time has passed since the first attempt. */
  maxElapsedMs?: number;
  /** Window length; tests and benchmarks scale it down. */
  rateWindowMs?: number;
  requestTimeoutMs?: number;
  /** The total of one attempt, headers and body (default 60 s; see call-deadline.ts). */
  callMs?: number;
  now?: () => number;
  random?: () => number;
}

export interface BaishanDomainConfig {
  domain: string;
  domainId: string;
  config: Record<string, unknown>;
}

interface Answer {
  status: number;
  body: unknown;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Client of Baishan's `domain/config` API. One limiter for the account, shared by GET and POST.
 * NOTE: the GET and POST domain/config documents each state 30 calls/minute "per user account",
 * and do not say whether the two share a budget; sharing it is the safe reading.
 */
export class BaishanClient {
  readonly limiter: RateLimiter;
  readonly #pool: Pool;
  readonly #base: URL;
  readonly #opts: BaishanClientOptions;
  readonly #events: EventSink;
  readonly #now: () => number;
  calls = 0;

  constructor(opts: BaishanClientOptions) {
    this.#opts = opts;
    this.#base = new URL(opts.endpoint.endsWith('/') ? opts.endpoint : `${opts.endpoint}/`);
    // NOTE: six of the documents' examples use http://; a token must never travel in clear to a
    // remote host (C5). Loopback (the emulator) is the only exception.
    if (this.#base.protocol === 'http:' && !isLoopback(this.#base.hostname)) {
      throw new BaishanApiError({
        errorClass: 'invalid-input',
        message: `refusing to send the Baishan token over plain HTTP to ${this.#base.host}`,
      });
    }
    this.#pool = createPool(this.#base.origin, {
      connections: 4,
      connectTimeout: 10_000,
      headersTimeout: Math.min(opts.requestTimeoutMs ?? 30_000, opts.callMs ?? DEFAULT_CALL_MS),
      bodyTimeout: Math.min(opts.requestTimeoutMs ?? 30_000, opts.callMs ?? DEFAULT_CALL_MS),
    });
    this.#events = opts.events ?? nullSink;
    this.#now = opts.now ?? Date.now;
    this.limiter = new RateLimiter({ limit: opts.rateLimitPerMinute, windowMs: opts.rateWindowMs ?? 60_000 });
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  /**
   * Reads the given keys of up to 10 domains in one call. NOTE: always an explicit `config[]` list
   * in the query (C9, C10): [003] calls it required yet says everything is returned by default.
   */
  async getConfig(
    domains: readonly string[],
    keys: readonly string[],
    signal?: AbortSignal,
  ): Promise<BaishanDomainConfig[]> {
    checkBatch(domains);
    const query = new URLSearchParams();
    query.set('token', this.#opts.token);
    query.set('domains', domains.join(','));
    for (const k of keys) query.append('config[]', k);
    const answer = await this.#request('GET', query, undefined, true, undefined, signal);
    const data = (answer.body as { data?: unknown }).data;
    if (!Array.isArray(data)) {
      throw new BaishanApiError({
        errorClass: 'server',
        message: 'GET domain/config answered without a data array',
      });
    }
    return data.map((d: Record<string, unknown>) => ({
      domain: String(d.domain ?? ''),
      domainId: String(d.domain_id ?? ''),
      config: (d.config && typeof d.config === 'object' ? d.config : {}) as Record<string, unknown>,
    }));
  }

  /**
   * Writes the same config to up to 10 domains. Secrets must already be revealed in `config`;
   * the body is never logged.
   *
   * NOTE: the documents say to re-read before retrying a POST whose outcome is unknown, because
   * only cover/reset forms are idempotent (Baishan domain/config POST document, the cover/reset modes).
   * edgeform only ever writes cover/reset forms and per-URL toggles computed from the live state, which
   * are idempotent too, so a POST that failed with a 5xx or a dropped connection is sent again as it is:
   * a re-read would spend a call of the 30/minute budget and tell us nothing a repeat would not.
   */
  async postConfig(
    domains: readonly string[],
    config: Record<string, unknown>,
    counter?: { calls: number; claimed?: boolean },
    signal?: AbortSignal,
  ): Promise<unknown> {
    checkBatch(domains);
    const body = JSON.stringify({ token: this.#opts.token, domains: domains.join(','), config });
    const answer = await this.#request('POST', new URLSearchParams(), body, true, counter, signal);
    return answer.body;
  }

  async #request(
    method: 'GET' | 'POST',
    query: URLSearchParams,
    body: string | undefined,
    retry: boolean,
    /**
     * Attempts made for this caller (the client's own count is shared by concurrent callers);
     * `claimed`: its next attempt's budget is already taken.
     */
    counter?: { calls: number; claimed?: boolean },
    signal?: AbortSignal,
  ): Promise<Answer> {
    const action = `${method} domain/config`;
    const policy: BaishanRetryPolicy = {
      ...DEFAULT_BAISHAN_RETRY_POLICY,
      maxAttempts: retry ? (this.#opts.maxAttempts ?? DEFAULT_BAISHAN_RETRY_POLICY.maxAttempts) : 1,
      readMaxAttempts: retry ? (this.#opts.maxAttempts ?? DEFAULT_BAISHAN_RETRY_POLICY.readMaxAttempts) : 1,
      maxElapsedMs: this.#opts.maxElapsedMs ?? DEFAULT_BAISHAN_RETRY_POLICY.maxElapsedMs,
      secondMs: this.limiter.windowMs / 60,
    };
    const random = this.#opts.random ?? Math.random;
    // The slot of the attempt under way (its answer or refusal is reported to the limiter).
    let slot: RateSlot | undefined;
    return runAttempts<Answer, { error: BaishanApiError; answer?: Answer }, BaishanApiError>(
      {
        acquire: async (_n, s) => {
          // The scheduler may have taken this caller's first slot already (RateLimiter.tryTake).
          if (counter?.claimed) {
            counter.claimed = false;
            slot = this.limiter.claimed();
          } else {
            slot = await this.limiter.acquireSlot(s);
          }
        },
        attempt: async (attempt) => {
          const t0 = this.#now();
          let sent: { ok: true; answer: Answer } | { ok: false; answer?: Answer; failure: BaishanApiError };
          this.calls++;
          if (counter) counter.calls++;
          try {
            // NOTE: a request already sent is not cut off: Ctrl-C lets calls in flight finish (an
            // aborted POST would leave its outcome unknown); the signal ends the waits around it.
            const answer = await this.#send(method, query, body);
            this.#observeHeaders(answer.headers);
            sent = isSuccess(answer)
              ? { ok: true, answer }
              : {
                  ok: false,
                  answer,
                  failure: classifyBaishanFailure(answer.status, answer.body, answer.text),
                };
          } catch (cause) {
            sent = {
              ok: false,
              failure: new BaishanApiError({
                errorClass: 'network',
                message: `${action}: ${describeNetworkError(cause)}`,
                cause,
              }),
            };
          }
          if (!sent.ok && sent.failure.errorClass === 'throttled') slot?.refused();
          else slot?.answered();
          this.#events({
            kind: 'api-call',
            provider: 'baishan',
            action,
            durationMs: this.#now() - t0,
            status: sent.ok ? 'ok' : 'error',
            attempt,
            ...(sent.ok ? {} : { errorCode: sent.failure.code }),
          });
          if (sent.ok) return { ok: true, value: sent.answer };
          const error = this.#redact(sent.failure);
          return { ok: false, failure: { error, ...(sent.answer ? { answer: sent.answer } : {}) } };
        },
        decide: ({ error, answer }, attempt, elapsedMs) => {
          const retryAfter = Number(header(answer?.headers, 'x-retry-after'));
          const decision = decideBaishanRetry(
            {
              errorClass: error.errorClass,
              ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
              cause: error.cause,
              read: method === 'GET',
            },
            attempt,
            elapsedMs,
            policy,
            random,
          );
          return decision.kind === 'fail'
            ? { kind: 'fail', error }
            : {
                kind: 'retry',
                waitMs: decision.waitMs,
                reason: error.message,
                throttled: decision.throttled,
              };
        },
        onThrottled: (_attempt, waitMs, reason) => {
          this.limiter.penalize(waitMs, 'throttled');
          this.#events({ kind: 'throttled', provider: 'baishan', action, waitMs, reason });
        },
        onRetry: (attempt, waitMs, reason) => {
          this.#events({ kind: 'retry', provider: 'baishan', action, attempt, waitMs, reason });
        },
      },
      { signal, now: this.#now },
    );
  }

  /** The token can reach an error message through a URL or an echo; it never leaves this class. */
  #redact(e: BaishanApiError): BaishanApiError {
    const token = this.#opts.token;
    // The raw token, and the forms a URL or a form body would give it.
    const forms = [
      token,
      encodeURIComponent(token),
      new URLSearchParams({ t: token }).toString().slice(2),
    ].filter((f, i, all) => f && all.indexOf(f) === i);
    if (!token || !forms.some((f) => e.message.includes(f))) return e;
    return new BaishanApiError({
      errorClass: e.errorClass,
      message: forms.reduce((m, f) => m.split(f).join('***'), e.message),
      ...(e.httpStatus === undefined ? {} : { httpStatus: e.httpStatus }),
      ...(e.apiCode === undefined ? {} : { apiCode: e.apiCode }),
      domains: e.domains,
    });
  }

  #observeHeaders(headers: Answer['headers']): void {
    const limit = Number(header(headers, 'x-ratelimit-limit'));
    const remaining = Number(header(headers, 'x-ratelimit-remaining'));
    const retryAfter = Number(header(headers, 'x-retry-after'));
    const grad = header(headers, 'x-ratelimit-grad');
    // NOTE: the window may be an hour or a day (X-Ratelimit-Grad); only a per-minute limit can be
    // compared with ours.
    const info: { limit?: number; remaining?: number; resetInMs?: number } = {};
    if (Number.isFinite(limit) && (grad === undefined || grad === 'minute')) info.limit = limit;
    if (Number.isFinite(remaining)) info.remaining = remaining;
    // X-Retry-After is in seconds of the limiter's minute (a 60th of a scaled window).
    if (Number.isFinite(retryAfter)) info.resetInMs = (retryAfter * this.limiter.windowMs) / 60;
    this.limiter.observe(info);
  }

  async #send(method: 'GET' | 'POST', query: URLSearchParams, body: string | undefined): Promise<Answer> {
    const path = new URL('v2/domain/config', this.#base);
    const qs = query.toString();
    const { res, text } = await withCallDeadline(
      this.#opts.callMs ?? DEFAULT_CALL_MS,
      undefined,
      async (signal, gotHeaders) => {
        const res = await this.#pool.request({
          method,
          path: `${path.pathname}${qs ? `?${qs}` : ''}`,
          headers:
            body === undefined
              ? { accept: 'application/json' }
              : { 'content-type': 'application/json', accept: 'application/json' },
          ...(body === undefined ? {} : { body }),
          signal,
        });
        gotHeaders();
        return { res, text: await res.body.text() };
      },
    );
    let parsed: unknown = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { message: text.slice(0, 300) };
    }
    return { status: res.statusCode, body: parsed, text, headers: res.headers };
  }
}

function isSuccess(a: Answer): boolean {
  const code = (a.body as { code?: unknown } | null)?.code;
  return a.status >= 200 && a.status < 300 && (code === 0 || code === '0');
}

function header(h: Answer['headers'] | undefined, name: string): string | undefined {
  const v = h?.[name];
  return Array.isArray(v) ? v[0] : v;
}

function checkBatch(domains: readonly string[]): void {
  if (domains.length === 0 || domains.length > BAISHAN_MAX_DOMAINS_PER_CALL) {
    throw new RangeError(`a domain/config call takes 1..10 domains, got ${domains.length}`);
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '::1';
}

function describeNetworkError(e: unknown): string {
  if (e && typeof e === 'object') {
    const err = e as { code?: string; message?: string };
    return err.code ? `${err.code} ${err.message ?? ''}`.trim() : (err.message ?? String(e));
  }
  return String(e);
}
