import { randomUUID } from 'node:crypto';
import { isPlainObject } from '../../core/json.js';
import type { GaapApiOptions } from '../api-options.js';
import type { EmulatedApi, EmulatorRequest, EmulatorResponse, HandleResult } from '../emulator-types.js';
import { FixedWindowLimiter } from '../server-kit.js';
import { plain, UndoJournal } from '../undo-journal.js';
import { adminOp } from './admin.js';
import { header, isSignatureV1, verifySessionToken, verifySignature } from './auth.js';
import { actionOf, catalog } from './catalog.js';
import { answerCode } from './documented-codes.js';
import { fail, GaapError } from './errors.js';
import { handlerFor, isRead } from './handlers.js';
import { coerceParams, paramsFromQuery } from './query-params.js';
import { RequestRelations, ResourceIndex } from './relations.js';
import { emptyState, GAAP_RESOURCES } from './resources/registry.js';
import { type Ctx, type GaapState, type Output, type Params, type Relations, randomId } from './state.js';
import { isTagRead, TAG_API_VERSION, TAG_RATE_LIMITS, TAG_SERVICE } from './tag-catalog.js';
import { tagHandlerFor } from './tags.js';
import { validateParams } from './validate.js';

const RESOURCES = new ResourceIndex(GAAP_RESOURCES);

/** HTTP 200 always: the real API reports every processed failure in the body. */
function envelope(body: Output, requestId: string): EmulatorResponse {
  return { status: 200, body: { Response: { ...body, RequestId: requestId } } };
}

function errorEnvelope(code: string, message: string, requestId: string): EmulatorResponse {
  return envelope({ Error: { Code: code, Message: message } }, requestId);
}

/** Actions whose catalog input has ClientToken (CreateProxy, Open/Close/DestroyProxies, ...). */
const IDEMPOTENT = new Set(
  Object.entries(catalog.actions)
    .filter(([, a]) => a.input.some((p) => p.name === 'ClientToken'))
    .map(([name]) => name),
);

/** The documented answer to a call over its action's rate limit (GAAP and the Tag API alike). */
function throttledAnswer(requestId: string): HandleResult {
  return {
    response: errorEnvelope(
      'RequestLimitExceeded',
      'Your current request times exceeds the limit.',
      requestId,
    ),
    mutated: false,
    throttled: true,
  };
}

function fingerprint(params: Params): string {
  const { ClientToken: _t, ...rest } = params;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/**
 * The GAAP API 2018-05-29 emulator. Order of checks follows the real service: signature, action
 * and version, rate limit, parameter validation, then the stateful handler.
 */
const JSON_TYPE = 'application/json';
const FORM = 'application/x-www-form-urlencoded';

/** The request's media type, lower case, without parameters (`; charset=utf-8`). */
function mediaType(req: EmulatorRequest): string {
  const value = header(req.headers, 'content-type') ?? '';
  const end = value.indexOf(';');
  return (end < 0 ? value : value.slice(0, end)).trim().toLowerCase();
}

export function createGaapApi(opts: GaapApiOptions): EmulatedApi {
  let state: GaapState = emptyState();
  const journal = new UndoJournal();
  // Lazy clean-up of finished destroys (RESOURCES.settle) runs when it can have work: after a
  // write that set a going-away field, after an admin operation or a restore, or once the
  // earliest pending destroy is due — not on every request (a scan of the account each).
  let settleDue = 0;
  const limiters = new Map<number, FixedWindowLimiter>();
  const limiterFor = (action: string, tagApi: boolean) => {
    // The catalog's common 20/s is what opts.rateLimit overrides; DescribeRealServers keeps its 1000.
    const perSecond = (tagApi ? TAG_RATE_LIMITS[action] : actionOf(action)?.rateLimitPerSecond) ?? 20;
    const limit = perSecond === 20 ? opts.rateLimit : perSecond;
    let l = limiters.get(limit);
    if (!l) {
      l = new FixedWindowLimiter(limit, opts.rateWindowMs, opts.now);
      limiters.set(limit, l);
    }
    return l;
  };

  const newId = (prefix: string) => {
    const taken = (id: string) => RESOURCES.idTables.some((t) => Object.hasOwn(state[t], id));
    let id = randomId(prefix, opts.random);
    while (taken(id)) id = randomId(prefix, opts.random);
    return id;
  };

  function readParams(req: EmulatorRequest, action: string, body: Params): Params {
    const def = catalog.actions[action]!;
    if (req.method === 'GET') return paramsFromQuery(def.input, req.query);
    return coerceParams(def.input, body);
  }

  function process(req: EmulatorRequest, requestId: string, now: number): HandleResult {
    if (req.method !== 'POST' && req.method !== 'GET')
      fail('UnsupportedProtocol', `Method ${req.method} is not supported.`);
    // NOTE: the Tag API (another service, tag.tencentcloudapi.com) is served on this port too and
    // told apart by its version; its requests are signed for the service `tag`.
    const version = header(req.headers, 'x-tc-version');
    const tagApi = version === TAG_API_VERSION;
    // NOTE: a malformed request is answered as malformed, before the signature is checked (the
    // document does not give the order): a request without Action, with a body that is not JSON
    // or in a format the API does not take says so, instead of a signature failure that hides
    // what is wrong. A form-encoded request goes straight to the signature check, which explains
    // that signature v1 is not emulated.
    const type = mediaType(req);
    const v1 = isSignatureV1(req) || (req.method === 'POST' && type === FORM);
    if (!v1) checkMediaType(req, type);
    const action = header(req.headers, 'x-tc-action');
    if (!v1 && !action) fail('MissingParameter', 'The request is missing a required parameter `Action`.');
    if (!v1 && !version) fail('MissingParameter', 'The request is missing a required parameter `Version`.');
    if (!v1 && !tagApi && !actionOf(action ?? ''))
      fail('InvalidAction', `The action \`${action}\` is not found.`);
    const body = req.method === 'POST' && !v1 ? jsonBody(req) : {};
    verifySignature(req, opts, now, tagApi ? TAG_SERVICE : 'gaap');
    verifySessionToken(req, opts);
    if (v1 || !action || !version) {
      fail(
        'UnsupportedProtocol',
        'application/x-www-form-urlencoded goes with signature v1, which the emulator does not serve: send the JSON body as application/json (signed with TC3-HMAC-SHA256).',
      );
    }
    if (tagApi) return processTag(req, action, requestId, now, body);
    const def = actionOf(action);
    if (!def) fail('InvalidAction', `The action \`${action}\` is not found.`);
    if (version !== catalog.version)
      fail('NoSuchVersion', `The version \`${version}\` of ${action} is not supported.`);

    if (!limiterFor(action, false).take(action).allowed) {
      return throttledAnswer(requestId);
    }

    const params = readParams(req, action, body);
    validateParams(action, def, params);

    const token =
      IDEMPOTENT.has(action) && typeof params.ClientToken === 'string' ? params.ClientToken : undefined;
    const tokenKey = `${action}|${token}`;
    if (token) {
      const seen = state.clientTokens[tokenKey];
      if (seen) {
        // NOTE: the doc promises idempotency through ClientToken and also lists DuplicatedRequest.
        // Reading: the same token with the same request replays the original answer; the same token
        // with different parameters is a DuplicatedRequest.
        if (seen.fingerprint !== fingerprint(params)) {
          fail(
            'FailedOperation.DuplicatedRequest',
            'The ClientToken was already used by a different request.',
          );
        }
        return { response: envelope(seen.output, requestId), mutated: false };
      }
    }

    return run(
      action,
      requestId,
      now,
      isRead(action),
      (ctx) => handlerFor(action)(ctx, params),
      token,
      params,
    );
  }

  function processTag(
    req: EmulatorRequest,
    action: string,
    requestId: string,
    now: number,
    params: Params,
  ): HandleResult {
    const handler = tagHandlerFor(action);
    if (!handler)
      fail('InvalidAction', `The action \`${action}\` is not found in the Tag API ${TAG_API_VERSION}.`);
    if (!limiterFor(action, true).take(`tag:${action}`).allowed) {
      return throttledAnswer(requestId);
    }
    // NOTE: the official SDKs send the Tag API JSON over POST; a GET is refused rather than guessed at.
    if (req.method !== 'POST')
      fail('UnsupportedProtocol', 'The Tag API is served over POST with a JSON body.');
    return run(action, requestId, now, isTagRead(action), (ctx) => handler(ctx, params));
  }

  /**
   * NOTE: the document (签名方法 v3, 请求结构) lists the "protocol formats" a POST may use:
   * application/json (signature v3), application/x-www-form-urlencoded (signature v1) and
   * multipart/form-data (only some actions; no GAAP action). Any other Content-Type is answered
   * UnsupportedProtocol ("HTTP(S) request protocol error"), naming what the API takes.
   */
  function checkMediaType(req: EmulatorRequest, type: string): void {
    if (req.method !== 'POST') return;
    if (type === JSON_TYPE) return;
    fail(
      'UnsupportedProtocol',
      `The Content-Type \`${type || '(none)'}\` is not supported: send the JSON body as application/json (signed with TC3-HMAC-SHA256).`,
    );
  }

  function jsonBody(req: EmulatorRequest): Params {
    if (req.body.length === 0) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      fail('InvalidParameter', 'The request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      fail('InvalidParameter', 'The request body must be a JSON object.');
    }
    return parsed as Params;
  }

  function run(
    action: string,
    requestId: string,
    now: number,
    read: boolean,
    handle: (ctx: Ctx) => Output,
    token?: string,
    params?: Params,
  ): HandleResult {
    const tokenKey = `${action}|${token}`;
    // Writes are all-or-nothing: the handler changes the state through a journaled view, and a
    // failure half-way is undone from the journal (undo-journal.ts), at the cost of the change.
    const view = read ? state : journal.begin(state);
    let rel: Relations | undefined;
    const ctx: Ctx = {
      state: view,
      now,
      opts,
      requestId,
      get rel() {
        rel ??= new RequestRelations(RESOURCES, ctx);
        return rel;
      },
      newId,
      nextSeq: () => {
        view.seq += 1;
        return view.seq;
      },
    };
    let output: Output;
    try {
      output = handle(ctx);
    } catch (e) {
      if (!read) journal.rollback();
      throw e;
    }
    if (!read) {
      if (journal.changed(RESOURCES.goneFields)) settleDue = 0;
      journal.commit();
      output = plain(output);
    }
    // Only successful answers are remembered, so a failed call can be retried with its token.
    if (token && params) state.clientTokens[tokenKey] = { fingerprint: fingerprint(params), output };
    return { response: envelope(output, requestId), mutated: !read };
  }

  return {
    name: 'gaap',
    operationOf: (req) => header(req.headers, 'x-tc-action') ?? req.query.get('Action') ?? 'unknown',

    handle(req) {
      const requestId = randomUUID();
      const now = opts.now();
      if (now >= settleDue) settleDue = RESOURCES.settle(state, now);
      try {
        return process(req, requestId, now);
      } catch (e) {
        if (e instanceof GaapError) {
          const action = header(req.headers, 'x-tc-action') ?? '';
          const code = actionOf(action) ? answerCode(action, e.code) : e.code;
          return { response: errorEnvelope(code, e.message, requestId), mutated: false };
        }
        throw e;
      }
    },

    faultResponse: () =>
      errorEnvelope('InternalError', 'An internal error has occurred. Retry later.', randomUUID()),

    snapshot: () => structuredClone(state),

    credential: opts.secretKey,

    mapSecrets(snapshot, f) {
      if (!isPlainObject(snapshot)) return;
      for (const m of GAAP_RESOURCES) {
        const table = snapshot[m.table];
        if (!m.secretFields || !isPlainObject(table)) continue;
        for (const rec of Object.values(table)) {
          if (!isPlainObject(rec)) continue;
          for (const field of m.secretFields(rec as never)) if (field in rec) rec[field] = f(rec[field]);
        }
      }
    },

    restore(saved) {
      if (typeof saved !== 'object' || saved === null)
        throw new Error('GAAP emulator state must be an object');
      state = { ...emptyState(), ...(structuredClone(saved) as Partial<GaapState>) };
      settleDue = 0;
    },

    admin(op, body) {
      settleDue = 0;
      return adminOp(op, body, {
        get: () => state,
        set: (s) => {
          state = s;
        },
        now: opts.now,
      });
    },
  };
}
