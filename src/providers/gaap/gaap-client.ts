import { EdgeformError } from '../../core/errors.js';
import type { EventSink } from '../../core/event-types.js';
import { nullSink } from '../../core/null-sink.js';
import { runAttempts } from '../../transport/attempt-loop.js';
import { sleep as defaultSleep } from '../../transport/backoff.js';
import { DEFAULT_CALL_MS } from '../../transport/call-deadline.js';
import { createPool, type Pool, requestText } from '../../transport/http-pool.js';
import { KeyedRateLimiter, RateLimiter, type RateSlot, RoundTrip } from '../../transport/rate-limiter.js';
import { GAAP_ACTIONS } from './gaap-action-meta.js';
import { classifyGaapError, GaapApiError, NOT_REPEATED, parameterFromMessage } from './gaap-errors.js';
import { buildGaapHeaders } from './gaap-request.js';
import {
  type AttemptFailure,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  type GaapRetryPolicy,
  networkFailure,
  type RetryState,
} from './gaap-retry-policy.js';
import type { ActionName, Request, Response } from './gaap-types.js';
import { isTagAction, TAG_ACTIONS, TAG_API_VERSION, TAG_SERVICE, tagEndpointFor } from './tag-api.js';
import type { Tc3Credentials } from './tc3-sign.js';

export const DEFAULT_GAAP_ENDPOINT = 'https://gaap.tencentcloudapi.com';
const PROVIDER = 'gaap';

export function gaapEndpointFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.EDGEFORM_GAAP_ENDPOINT?.trim() || DEFAULT_GAAP_ENDPOINT;
}

export interface GaapClientOptions {
  /** A key pair, or a function returning the current one (so STS credentials can be refreshed). */
  credentials: Tc3Credentials | (() => Tc3Credentials | Promise<Tc3Credentials>);
  /** Default: EDGEFORM_GAAP_ENDPOINT, else https://gaap.tencentcloudapi.com. */
  endpoint?: string;
  /** Where Tag API actions go (ModifyResourceTags, ...). Default: `tagEndpointFor(endpoint)`. */
  tagEndpoint?: string;
  /** Sent as X-TC-Region, only to actions whose catalog regionParam is not 'not-used'. */
  region?: string;
  events?: EventSink;
  /** Overrides the catalog's per-action rate limit (requests per second) for every action. */
  rateLimitPerSecond?: number;
  /** Share one set of limiters across every client of a run (the server counts per account). */
  limiters?: KeyedRateLimiter;
  retry?: Partial<GaapRetryPolicy>;
  /** `callMs`: the total of one attempt, headers and body (default 60 s; see call-deadline.ts). */
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number; callMs?: number };
  /** Sockets per endpoint origin (default GAAP_CONNECTIONS). */
  connections?: number;
  /** Default true: sign x-tc-action as well as content-type and host. */
  signActionHeader?: boolean;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface GaapCallOptions {
  /**
   * Whether repeating the request after an internal or network error is harmless. Default: true
   * for Describe*, Inquiry* and Check*, false for every write.
   */
  idempotent?: boolean;
  /**
   * Idempotency token for the actions that accept one. It is sent unchanged on every retry of
   * this logical call; a fresh token per retry would let a retry create a duplicate.
   */
  clientToken?: string;
  signal?: AbortSignal;
  /** The first attempt's rate budget was already taken (`RateLimiter.tryTake`, by the scheduler). */
  claimed?: boolean;
  /** A status poll: waits while writes wait for the same action's budget. */
  background?: boolean;
}

/** The slice of the client that paging and providers depend on (lets tests wrap it). */
export interface GaapCaller {
  call<A extends ActionName>(action: A, params: Request<A>, opts?: GaapCallOptions): Promise<Response<A>>;
}

const READ_ONLY = /^(Describe|Inquiry|Check)/;

/**
 * Sockets per origin. The executor runs up to 32 GAAP steps at once (GaapProvider.limits) and the
 * wait watchers poll beside them, and one socket carries one call at a time: with 16, half the
 * calls in flight queued for a socket, and 1,009 reads at 20 ms each needed 1.26 s of sockets
 * alone where the rate limits allow 1.06 s (bench, 200 proxies). Sockets are opened on demand.
 */
export const GAAP_CONNECTIONS = 64;

interface Envelope {
  Response?: { RequestId?: string; Error?: { Code?: string; Message?: string } } & Record<string, unknown>;
}

type AttemptResult =
  /** The answer's `Response` object, as the catalog types it for the action that was called. */
  { ok: true; response: unknown; requestId: string | undefined } | { ok: false; failure: AttemptFailure };

export class GaapClient implements GaapCaller {
  readonly endpoint: URL;
  readonly tagEndpoint: URL;
  readonly region: string | undefined;
  readonly limiters: KeyedRateLimiter;
  readonly #pool: Pool;
  /** The Tag API's pool when it is another origin; made at its first call. */
  #tagPool: Pool | undefined;
  readonly #opts: GaapClientOptions;
  readonly #policy: GaapRetryPolicy;
  readonly #events: EventSink;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;

  constructor(opts: GaapClientOptions) {
    this.#opts = opts;
    this.endpoint = new URL(opts.endpoint ?? gaapEndpointFromEnv());
    this.tagEndpoint = new URL(opts.tagEndpoint ?? tagEndpointFor(this.endpoint.href, process.env));
    this.region = opts.region || undefined;
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.#events = opts.events ?? nullSink;
    this.#now = opts.now ?? Date.now;
    this.#sleep = opts.sleep ?? defaultSleep;
    this.#random = opts.random ?? Math.random;
    const now = this.#now;
    const sleep = this.#sleep;
    const roundTrip = new RoundTrip();
    this.limiters =
      opts.limiters ??
      new KeyedRateLimiter(
        (action) =>
          new RateLimiter({
            limit: opts.rateLimitPerSecond ?? GAAP_ACTIONS[action as ActionName]?.rateLimitPerSecond ?? 20,
            windowMs: 1000,
            // The limiter's own clock (sub-millisecond) unless the client was given one.
            ...(opts.now ? { now } : {}),
            sleep,
            roundTrip,
          }),
      );
    this.#callMs = opts.timeouts?.callMs ?? DEFAULT_CALL_MS;
    this.#pool = this.#newPool(this.endpoint.origin);
  }

  #newPool(origin: string): Pool {
    const t = this.#opts.timeouts ?? {};
    return createPool(origin, {
      connections: this.#opts.connections ?? GAAP_CONNECTIONS,
      connect: { timeout: Math.min(t.connectMs ?? 10_000, this.#callMs) },
      headersTimeout: Math.min(t.headersMs ?? 30_000, this.#callMs),
      bodyTimeout: Math.min(t.bodyMs ?? 60_000, this.#callMs),
    });
  }

  /** The pool and signing of an action: GAAP's, or the Tag API's (another service and version). */
  #apiOf(action: string): { pool: Pool; host: string; service: string; version: string } | undefined {
    if (!isTagAction(action)) return undefined;
    if (this.tagEndpoint.origin === this.endpoint.origin)
      return { pool: this.#pool, host: this.endpoint.host, service: TAG_SERVICE, version: TAG_API_VERSION };
    this.#tagPool ??= this.#newPool(this.tagEndpoint.origin);
    return {
      pool: this.#tagPool,
      host: this.tagEndpoint.host,
      service: TAG_SERVICE,
      version: TAG_API_VERSION,
    };
  }

  #closed = false;
  readonly #callMs: number;

  /** Closes the connection pool; safe to call more than once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#pool.close(), this.#tagPool?.close()]);
  }

  async call<A extends ActionName>(
    action: A,
    params: Request<A>,
    opts: GaapCallOptions = {},
  ): Promise<Response<A>> {
    // NOTE: Tag API actions (tag-api.ts) go through the same client: same keys, limits and retries.
    const meta = GAAP_ACTIONS[action] ?? (isTagAction(action) ? TAG_ACTIONS[action] : undefined);
    if (!meta) {
      throw new EdgeformError({
        code: 'GAAP_UNKNOWN_ACTION',
        message: `Unknown GAAP action ${action}`,
        source: 'internal',
      });
    }
    const body: Record<string, unknown> = { ...(params as Record<string, unknown>) };
    if (opts.clientToken !== undefined) {
      if (!meta.clientToken) {
        throw new EdgeformError({
          code: 'GAAP_CLIENT_TOKEN_UNSUPPORTED',
          message: `GAAP ${action} does not accept a ClientToken`,
          source: 'internal',
          resolution: 'This is a bug in edgeform. Report it.',
        });
      }
      // NOTE: ≤ 64 ASCII characters (GAAP API, the ClientToken parameter of the Create actions).
      if (!/^[\x20-\x7e]{1,64}$/.test(opts.clientToken)) {
        throw new EdgeformError({
          code: 'GAAP_CLIENT_TOKEN_INVALID',
          message: 'ClientToken must be 1-64 printable ASCII characters',
          source: 'internal',
        });
      }
      body.ClientToken = opts.clientToken;
    }
    const hasToken = meta.clientToken && typeof body.ClientToken === 'string' && body.ClientToken !== '';
    const safeToRepeat = (opts.idempotent ?? READ_ONLY.test(action)) || hasToken;
    // Serialised once: every retry sends the same bytes (and so the same ClientToken).
    const bytes = Buffer.from(JSON.stringify(body), 'utf8');
    const region = meta.regionParam === 'not-used' ? undefined : this.region;
    const limiter = this.limiters.get(action);
    const state: RetryState = {
      attempt: 0,
      counts: { throttled: 0, busy: 0, transient: 0, signatureExpire: 0 },
      elapsedMs: 0,
      safeToRepeat,
      read: READ_ONLY.test(action),
    };
    const history: string[] = [];

    // The slot of the attempt under way: its answer tells the limiter when the request may have
    // counted at the server, a refusal that it did not.
    let slot: RateSlot | undefined;
    return runAttempts<Response<A>, AttemptFailure, GaapApiError>(
      {
        // A step the executor started on a claimed budget makes its first call without waiting again.
        acquire: async (n, signal) => {
          slot =
            opts.claimed && n === 1
              ? limiter.claimed()
              : await limiter.acquireSlot(signal, opts.background ? 'low' : 'normal');
        },
        attempt: async (n, signal) => {
          state.attempt = n;
          let result: AttemptResult;
          try {
            result = await this.#attempt(action, bytes, region, n, signal);
          } catch (e) {
            slot?.answered();
            throw e;
          }
          // Reported before the retry decision: a refusal frees the slot and reshapes the window.
          if (!result.ok && isRefusal(result.failure)) slot?.refused();
          else slot?.answered();
          return result.ok
            ? { ok: true, value: result.response as Response<A> }
            : { ok: false, failure: result.failure };
        },
        decide: (failure, n, elapsedMs) => {
          state.elapsedMs = elapsedMs;
          const decision = decideRetry(failure, state, this.#policy, this.#random);
          if (decision.kind === 'fail') {
            return { kind: 'fail', error: this.#toError(action, failure, decision.errorClass, n, history) };
          }
          history.push(`attempt ${n}: ${describeFailure(failure)}`);
          state.counts[decision.family]++;
          return {
            kind: 'retry',
            waitMs: decision.waitMs,
            reason: decision.reason,
            throttled: decision.family === 'throttled',
          };
        },
        // The slot's refusal already told the limiter when the server's window ends; a backoff
        // (repeated refusals of one call) pauses every caller of this action: the window is shared.
        onThrottled: (_n, waitMs, reason) => {
          if (waitMs > 0) limiter.penalize(waitMs, reason);
          this.#events({
            kind: 'throttled',
            provider: PROVIDER,
            action,
            waitMs: Math.max(waitMs, limiter.freeInMs()),
            reason,
          });
        },
        onRetry: (n, waitMs, reason) => {
          this.#events({ kind: 'retry', provider: PROVIDER, action, attempt: n + 1, waitMs, reason });
        },
      },
      { signal: opts.signal, now: this.#now, sleep: this.#sleep },
    );
  }

  async #credentials(): Promise<Tc3Credentials> {
    const c = this.#opts.credentials;
    return typeof c === 'function' ? await c() : c;
  }

  async #attempt(
    action: ActionName,
    bytes: Uint8Array,
    region: string | undefined,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<AttemptResult> {
    const credentials = await this.#credentials();
    const t0 = this.#now();
    // Signed afresh on every attempt: a retried request keeps its body but gets a new timestamp.
    const api = this.#apiOf(action);
    const headers = buildGaapHeaders({
      action,
      body: bytes,
      host: api?.host ?? this.endpoint.host,
      ...(api ? { service: api.service, version: api.version } : {}),
      timestamp: Math.floor(t0 / 1000),
      credentials,
      region,
      signActionHeader: this.#opts.signActionHeader ?? true,
    });
    const done = (status: 'ok' | 'error', requestId?: string, errorCode?: string) =>
      this.#events({
        kind: 'api-call',
        provider: PROVIDER,
        action,
        durationMs: this.#now() - t0,
        status,
        attempt,
        ...(requestId ? { requestId } : {}),
        ...(errorCode ? { errorCode } : {}),
      });

    let statusCode: number;
    let text: string;
    // NOTE: a write already sent is not cut off: Ctrl-C lets calls in flight finish (an aborted
    // write would leave its outcome unknown, as in the Baishan client); the signal ends the waits
    // around it. A read in flight (a status poll of an abandoned wait) is cut off.
    const cut = READ_ONLY.test(action) ? signal : undefined;
    try {
      // Writes too: a server that never finishes its answer must not hold the run.
      ({ statusCode, text } = await requestText(
        api?.pool ?? this.#pool,
        { path: '/', method: 'POST', headers, body: bytes },
        this.#callMs,
        cut,
      ));
    } catch (e) {
      if (cut?.aborted) throw cut.reason ?? e;
      const failure = networkFailure(e);
      done('error', undefined, failure.errorCode);
      return { ok: false, failure };
    }

    const envelope = parseEnvelope(text);
    const response = envelope?.Response;
    const requestId = typeof response?.RequestId === 'string' ? response.RequestId : undefined;
    if (response?.Error && typeof response.Error.Code === 'string') {
      const apiCode = response.Error.Code;
      done('error', requestId, apiCode);
      return {
        ok: false,
        failure: {
          kind: 'api',
          apiCode,
          apiMessage: String(response.Error.Message ?? ''),
          requestId,
          errorClass: classifyGaapError(apiCode, action).errorClass,
        },
      };
    }
    // NOTE: GAAP answers 200 even for errors (GAAP API, Responses: an error is `Response.Error` in a 200
    // answer); anything else, or a body without the envelope, came from something in between (a gateway,
    // a proxy) and may or may not have reached GAAP — so it is treated like a dropped connection after
    // sending.
    if (statusCode !== 200 || !response) {
      const code = statusCode === 429 ? 'HTTP_429' : `HTTP_${statusCode}`;
      done('error', requestId, code);
      if (statusCode === 429) {
        return {
          ok: false,
          failure: { kind: 'api', apiCode: code, apiMessage: 'HTTP 429', requestId, errorClass: 'throttled' },
        };
      }
      return {
        ok: false,
        failure: {
          kind: 'network',
          sent: true,
          errorCode: code,
          message: `unexpected HTTP ${statusCode} response${response ? '' : ' without a GAAP envelope'}`,
          cause: undefined,
        },
      };
    }
    done('ok', requestId);
    return { ok: true, response, requestId };
  }

  #toError(
    action: ActionName,
    failure: AttemptFailure,
    errorClass: GaapApiError['errorClass'],
    attempts: number,
    history: string[],
  ): GaapApiError {
    if (failure.kind === 'network') {
      return new GaapApiError({
        action,
        apiCode: failure.errorCode,
        apiMessage: errorClass === 'ambiguous' ? `${failure.message}${NOT_REPEATED}` : failure.message,
        requestId: undefined,
        errorClass,
        attempts,
        cause: failure.cause,
        history,
      });
    }
    return new GaapApiError({
      action,
      apiCode: failure.apiCode,
      apiMessage: failure.apiMessage,
      requestId: failure.requestId,
      errorClass,
      attempts,
      parameter:
        errorClass === 'invalid-input'
          ? parameterFromMessage(
              failure.apiMessage,
              (GAAP_ACTIONS[action] ?? (isTagAction(action) ? TAG_ACTIONS[action] : undefined))?.inputs ?? [],
            )
          : undefined,
      history,
    });
  }
}

/** A rate-limit refusal: the server did not count the request. */
function isRefusal(f: AttemptFailure): boolean {
  return f.kind === 'api' && f.errorClass === 'throttled';
}

function parseEnvelope(text: string): Envelope | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

function describeFailure(f: AttemptFailure): string {
  return f.kind === 'api'
    ? `${f.apiCode}: ${f.apiMessage}${f.requestId ? ` [RequestId ${f.requestId}]` : ''}`
    : `${f.errorCode}: ${f.message}`;
}
