import { createHash } from 'node:crypto';
import { EdgeformError } from '../../core/errors.js';
import type { EventSink } from '../../core/event-types.js';
import { fieldsOf, isPlainObject, stableStringify } from '../../core/json.js';
import type { JsonValue } from '../../core/json-types.js';
import { isSecretValue, revealSecrets } from '../../core/secrets.js';
import { isIdRef } from '../../planner/diff-engine.js';
import type { PlanStep } from '../../planner/plan-types.js';
import type { StepOutcome, StepWait } from '../../planner/provider-types.js';
import { backoffDelay, sleep } from '../../transport/backoff.js';
import type { GaapCallSpec, GaapStepPayload, LookupSpec, WaitSpec } from './engine/node-types.js';
import type { GaapCaller } from './gaap-client.js';
import { GaapApiError, isGaapApiError, NOT_REPEATED } from './gaap-errors.js';
import type { ActionName, Request } from './gaap-types.js';
import { listAll, PAGE_LIMITS, type PagedAction, type PageParams } from './paging.js';

export interface RunStepOptions {
  client: GaapCaller;
  outcomes: ReadonlyMap<string, StepOutcome>;
  events: EventSink;
  signal?: AbortSignal;
  /**
   * A random value of this run. ClientTokens are derived from it and each call's intent label, so
   * one intent keeps one token across its retries, and no two runs ever share a token (the vendor
   * does not document how long it remembers one, so edgeform never relies on it forgetting).
   */
  tokenNonce: string;
  /** Directory that `{file:}` secret references of a saved plan are relative to. */
  secretBaseDir: string;
  /** Waits before each extra look for a create's late commit (default LATE_COMMIT_WAITS_MS). */
  lateCommitWaitsMs?: readonly number[];
  /** The scheduler took the rate budget of the step's first call. */
  startClaimed?: boolean;
  /** Told when a create's outcome was uncertain: a late commit may still duplicate it. */
  onUncertainCreate?: () => void;
}

/**
 * Executes one GAAP step: its calls in order, with ID placeholders resolved from earlier steps'
 * outputs; then declares its wait, if it has one, for the executor to carry out. A create whose outcome is unknown (timeout, dropped connection after
 * sending) is never sent again blindly: the object is looked up by its natural key first, and
 * adopted if it exists.
 */
export async function runGaapStep(
  step: PlanStep<GaapStepPayload>,
  opts: RunStepOptions,
): Promise<StepOutcome> {
  const payload = step.payload;
  const outputs: Record<string, JsonValue> = {};
  const counter = { calls: 0 };
  const client = countingClient(opts.client, counter, opts.startClaimed === true);
  for (const [index, call] of payload.calls.entries()) {
    const params = resolve(call.params, opts, outputs) as Record<string, unknown>;
    const label = call.clientToken ? `${step.id}\0${index}\0${call.clientToken}` : undefined;
    const answer = await callWithRecovery(client, call, params, label, opts, outputs);
    if (answer.kind === 'adopted') Object.assign(outputs, answer.outputs);
    if (answer.kind !== 'adopted' && call.outputsFromLookup && call.lookup) {
      const found = await runLookup(client, resolve(call.lookup, opts, outputs) as LookupSpec);
      if (!found) {
        throw new EdgeformError({
          code: 'GAAP_UNEXPECTED_RESPONSE',
          message: `GAAP ${call.action} succeeded, but ${call.lookup.action} does not show the object it created`,
          source: 'remote',
          resolution: 'run `edgeform plan` to see the live state; if it persists, report it',
        });
      }
      Object.assign(outputs, found);
    }
    if (answer.kind !== 'answered') continue;
    for (const list of call.failedIn ?? []) {
      const failed = answer.response[list];
      if (!Array.isArray(failed) || failed.length === 0) continue;
      throw new EdgeformError({
        code: 'GAAP_ASYNC_FAILED',
        message: `GAAP ${call.action} answered, but failed for ${failed.join(', ')} (${list})`,
        source: 'remote',
        resolution: 'run `edgeform plan` to see the live state, then apply again',
      });
    }
    for (const [name, path] of Object.entries(call.outputs ?? {})) {
      const value = at(answer.response, path);
      if (value === undefined) {
        throw new EdgeformError({
          code: 'GAAP_UNEXPECTED_RESPONSE',
          message: `GAAP ${call.action} answered without ${path}`,
          source: 'remote',
          resolution: 'retry; if it persists, report it with the RequestId shown by --verbose',
        });
      }
      outputs[name] = value as JsonValue;
    }
  }
  if (!payload.wait) return { outputs, calls: counter.calls };
  // The executor waits for the asynchronous state, holding no slot; the watcher reads it.
  const wait = resolve(payload.wait, opts, outputs) as WaitSpec;
  return { outputs, calls: counter.calls, wait: stepWait(wait) };
}

type CallAnswer =
  | { kind: 'answered'; response: Record<string, unknown> }
  | { kind: 'adopted'; outputs: Record<string, JsonValue> }
  | { kind: 'already' };

const DUPLICATED_REQUEST = 'FailedOperation.DuplicatedRequest';

/** The ClientToken of one intent (a call of a plan step) in one run: ≤ 64 printable characters. */
export function intentToken(nonce: string, label: string): string {
  return `ef-${createHash('sha256').update(`${nonce}\0${label}`).digest('hex').slice(0, 40)}`;
}

/**
 * How many times one create is sent while every answer fails and every lookup after it finds
 * nothing. Each resend comes only after the lookup (and its late-commit looks) proved the object
 * absent, so a resend is as safe as a retried read, and the budget is counted like one.
 *
 * NOTE: it was 6. A CI rehearsal (faults seed 1: 20 % InternalError, 5 % drops) failed
 * CreateUDPListeners after five InternalErrors and a lost connection in a row — each one looked
 * up, found absent and sent again, then the sixth failure ended the step with that failure's
 * "it was not repeated" (the client's words for one attempt). With 24 % of sends failing
 * uncommitted, 6 sends fail a create once in ~5,000 (an apply of 16 creates once in ~300);
 * 10 sends, once in ~1.6 million. A real outage still ends: the step deadline
 * (EDGEFORM_STEP_TIMEOUT) and the backoff below bound it.
 */
export const MAX_CREATE_SENDS = 10;

/**
 * Whether sending a write again can only leave the same end state. Modify/Bind/Set/Open/Close
 * calls set an object to given values, and a delete repeated after it took effect is answered
 * "not found" or "failed for this ID" — the object is gone either way. Only a create (Create*,
 * Add*) makes something new each time, so it is never repeated blindly: it is looked up first —
 * unless the call is marked `repeatable` (it sets a whole value).
 */
function repeatable(call: GaapCallSpec): boolean {
  return call.repeatable === true || !/^(Create|Add)/.test(call.action);
}

async function callWithRecovery(
  client: GaapCaller,
  call: GaapCallSpec,
  params: Record<string, unknown>,
  tokenLabel: string | undefined,
  opts: RunStepOptions,
  outputs: Record<string, JsonValue>,
): Promise<CallAnswer> {
  const lookup = call.lookup ? (resolve(call.lookup, opts, outputs) as LookupSpec) : undefined;
  let token = tokenLabel ? intentToken(opts.tokenNonce, tokenLabel) : undefined;
  /** Each send's failure, when the create was then found absent and sent again. */
  const failedSends: string[] = [];
  for (let send = 1; ; send++) {
    try {
      const response = await client.call(call.action as ActionName, params as Request<ActionName>, {
        ...(token ? { clientToken: token } : {}),
        // The client then retries internal errors and lost connections itself.
        ...(repeatable(call) ? { idempotent: true } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return { kind: 'answered', response: fieldsOf(response) };
    } catch (e) {
      if (!isGaapApiError(e)) throw e;
      if (call.okCodes?.includes(e.apiCode)) return { kind: 'already' };
      if (e.apiCode === DUPLICATED_REQUEST && token && repeatable(call) && send < MAX_CREATE_SENDS) {
        // NOTE: the document lists FailedOperation.DuplicatedRequest without saying when; the token
        // is this intent's alone, so the server either still processes our first send or keeps
        // an answer it will not give again. Setting the same values again is safe: resend under a
        // token of its own.
        token = intentToken(opts.tokenNonce, `${tokenLabel}\0resend-${send}`);
        opts.events({
          kind: 'retry',
          provider: 'gaap',
          action: call.action,
          attempt: send + 1,
          waitMs: 0,
          reason: `${e.apiCode}: sending the same change again under a new ClientToken`,
        });
        continue;
      }
      // The create may or may not have happened (a connection lost after sending, or an internal
      // error, which GAAP may give after doing part of the work); or it had (already-done): find it.
      const uncertain = e.errorClass === 'ambiguous' || e.errorClass === 'internal';
      if (uncertain && !repeatable(call)) opts.onUncertainCreate?.();
      if (!lookup || !(uncertain || e.errorClass === 'already-done')) throw e;
      const found = await lookAgainAfterLateCommit(client, lookup, call.action, send, opts);
      if (found) {
        opts.events({
          kind: 'info',
          message: `${call.action}: the object exists after an uncertain answer; adopted it`,
        });
        return { kind: 'adopted', outputs: found };
      }
      if (e.errorClass === 'already-done') throw e;
      failedSends.push(`send ${send}: ${e.apiCode}${e.requestId ? ` [RequestId ${e.requestId}]` : ''}`);
      if (send >= MAX_CREATE_SENDS) throw sendsExhausted(e, lookup, failedSends);
      // Known not to exist: sending the create again cannot duplicate it.
      const waitMs = backoffDelay(send - 1, { baseMs: 250, maxMs: 4_000 });
      opts.events({
        kind: 'retry',
        provider: 'gaap',
        action: call.action,
        attempt: send + 1,
        waitMs,
        reason: `${e.apiCode}, and the object does not exist: sending the create again`,
      });
      await sleep(waitMs, opts.signal);
    }
  }
}

/**
 * NOTE: a create whose answer was lost may still be committed by the server after the client gave
 * up (a late commit): not finding it at once does not prove it will not appear. So the lookup is
 * repeated after bounded waits (RunStepOptions.lateCommitWaitsMs) before a resend is allowed.
 */
async function lookAgainAfterLateCommit(
  client: GaapCaller,
  lookup: LookupSpec,
  action: string,
  send: number,
  opts: RunStepOptions,
): Promise<Record<string, JsonValue> | undefined> {
  let found = await runLookup(client, lookup);
  for (const waitMs of found ? [] : (opts.lateCommitWaitsMs ?? LATE_COMMIT_WAITS_MS)) {
    opts.events({
      kind: 'retry',
      provider: 'gaap',
      action,
      // The send that is looked for (the next send, if any, is `send + 1`).
      attempt: send,
      waitMs,
      reason:
        'the object was not found after an uncertain answer: looking again before any resend (late commit)',
    });
    await sleep(waitMs, opts.signal);
    found = await runLookup(client, lookup);
    if (found) break;
  }
  return found;
}

/**
 * The error of a create that failed on every send, each failure followed by a lookup that found
 * nothing: it says so, instead of the last attempt's own words (for a lost connection: "it was not
 * repeated", true of that attempt only).
 */
function sendsExhausted(last: GaapApiError, lookup: LookupSpec, failedSends: string[]): GaapApiError {
  return new GaapApiError({
    action: last.action,
    apiCode: last.apiCode,
    apiMessage: `${failedSends.length} sends failed, and after each one ${lookup.action} found no such object (the last: ${last.apiMessage.replace(NOT_REPEATED, '')})`,
    requestId: last.requestId,
    errorClass: last.errorClass,
    attempts: failedSends.length,
    history: failedSends,
  });
}

/** How long a late commit is waited for, in looks: 9 s in all by default. */
export const LATE_COMMIT_WAITS_MS = [1_000, 3_000, 5_000] as const;

/** The outputs of the object the lookup finds, or undefined when it does not exist. */
async function runLookup(
  client: GaapCaller,
  lookup: LookupSpec,
): Promise<Record<string, JsonValue> | undefined> {
  const res = await lookupAnswer(client, lookup);
  const scope = lookup.within ? findItem(asArray(at(res, lookup.within.items)), lookup.within.match) : res;
  const items = at(scope, lookup.items);
  if (!Array.isArray(items)) return undefined;
  const excluded = (x: unknown) =>
    Object.entries(lookup.exclude ?? {}).some(
      ([field, values]) =>
        isPlainObject(x) && values.some((v) => JSON.stringify(x[field]) === JSON.stringify(v)),
    );
  const item = findItem(
    items.filter((x) => !excluded(x)),
    lookup.match,
    lookup.matchSets,
  );
  if (!item) return undefined;
  if (lookup.also?.some((m) => !findItem(items, m))) return undefined;
  const outputs = Object.entries(lookup.outputs).map(([name, field]) => [name, item[field] as JsonValue]);
  for (const extra of lookup.alsoOutputs ?? []) {
    const other = findItem(items, extra.match);
    if (!other) return undefined;
    for (const [name, field] of Object.entries(extra.outputs))
      outputs.push([name, other[field] as JsonValue]);
  }
  // An empty ID is no ID (ProxyInfo.PolicyId is '' while the proxy has no policy).
  if (outputs.some(([, v]) => v === undefined || v === null || v === '')) return undefined;
  return Object.fromEntries(outputs);
}

/**
 * The lookup's answer. NOTE: a list action answers one page (DescribeCertificates and the listener
 * lists 20 items by default): an object past the first page would not be found and the create
 * sent again — a duplicate. So a list action's items are read to the end (`listAll`, by TotalCount).
 */
async function lookupAnswer(client: GaapCaller, lookup: LookupSpec): Promise<Record<string, unknown>> {
  const action = lookup.action;
  if (!isPagedAction(action) || lookup.within) {
    return fieldsOf(await client.call(action as ActionName, lookup.params as Request<ActionName>));
  }
  const { Offset: _offset, Limit: _limit, ...params } = lookup.params;
  const items: unknown[] = await listAll(
    client,
    action,
    params as PageParams<typeof action>,
    lookup.items as never,
  );
  return { [lookup.items]: items };
}

function isPagedAction(action: string): action is PagedAction {
  return Object.hasOwn(PAGE_LIMITS, action);
}

/** The first item whose fields equal `match` and whose `Array[].field` sets equal `matchSets`. */
export function findItem(
  items: readonly unknown[],
  match: Record<string, unknown>,
  matchSets: Record<string, JsonValue[]> = {},
): Record<string, unknown> | undefined {
  const sorted = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
  return items.find(
    (x) =>
      isPlainObject(x) &&
      Object.entries(match).every(([k, v]) => JSON.stringify(x[k]) === JSON.stringify(v)) &&
      Object.entries(matchSets).every(([path, want]) => {
        const [array = '', field = ''] = path.split('[].');
        const have = x[array];
        if (!Array.isArray(have)) return false;
        return (
          JSON.stringify(sorted(have.map((e) => (isPlainObject(e) ? e[field] : undefined)))) ===
          JSON.stringify(sorted(want))
        );
      }),
  ) as Record<string, unknown> | undefined;
}

export type ItemFinder = (match: Record<string, unknown>) => Record<string, unknown> | undefined;

/**
 * `findItem(items, match)` for many lookups in one list (a watcher answering the waits of a
 * scope from one read): the list is indexed once per set of match fields, so a lookup is one map
 * access instead of a scan. Same answers as findItem: fields compared by their JSON, an absent
 * field equal only to an absent one, the first item wins.
 */
export function itemFinder(items: readonly unknown[]): ItemFinder {
  // JSON never contains a raw U+0001 (it escapes control characters), and '' is no JSON text:
  // '' stands for an absent field.
  const keyOf = (x: Record<string, unknown>, fields: readonly string[]) =>
    fields.map((f) => JSON.stringify(x[f]) ?? '').join('\u0001');
  const indexes = new Map<string, Map<string, Record<string, unknown>>>();
  return (match) => {
    const fields = Object.keys(match);
    const id = fields.join('\u0001');
    let index = indexes.get(id);
    if (!index) {
      index = new Map();
      for (const x of items) {
        if (!isPlainObject(x)) continue;
        const k = keyOf(x, fields);
        if (!index.has(k)) index.set(k, x);
      }
      indexes.set(id, index);
    }
    return index.get(keyOf(match, fields));
  };
}

/**
 * Replaces ID placeholders with the values earlier steps (or this one, `self`) produced, and
 * secrets with their values. NOTE: GAAP takes certificate content and keys URL-encoded (seed 002,
 * CreateCertificate), so secrets are encoded on the way out.
 */
export function resolve(
  v: unknown,
  opts: Pick<RunStepOptions, 'outcomes' | 'secretBaseDir'>,
  self: Record<string, JsonValue>,
): unknown {
  const { outcomes } = opts;
  if (isIdRef(v)) {
    const { step, output } = v.$ref;
    const value = step === 'self' ? self[output] : outcomes.get(step)?.outputs[output];
    if (value === undefined) {
      throw new EdgeformError({
        code: 'GAAP_REFERENCE_UNRESOLVED',
        message: `step output ${step}.${output} is not available`,
        source: 'internal',
        resolution: 'This is a bug in edgeform: a step ran before the step it depends on. Please report it.',
      });
    }
    return value;
  }
  if (isSecretValue(v) || (isPlainObject(v) && '$secret' in v)) {
    return revealSecrets(v, opts.secretBaseDir, encodeURIComponent);
  }
  // Copied only where something inside was replaced: most of a step's payload is plain values.
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = resolve(v[i], opts, self);
      if (x !== v[i]) {
        out ??= v.slice();
        out[i] = x;
      }
    }
    return out ?? v;
  }
  if (isPlainObject(v)) {
    let out: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(v)) {
      const r = resolve(x, opts, self);
      if (r !== x) {
        out ??= { ...v };
        out[k] = r;
      }
    }
    return out ?? v;
  }
  return v;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Follows `A.0.B` through objects and arrays. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Like `at`, and `A[].B` maps the list at A to the B of each element. */
export function atMapped(obj: unknown, path: string): unknown {
  const [head = '', tail] = path.split('[].');
  const v = at(obj, head);
  if (tail === undefined) return v;
  return Array.isArray(v) ? v.map((x) => at(x, tail)) : undefined;
}

/** Counts the step's calls; the first one uses the budget the scheduler claimed, if it did. */
function countingClient(client: GaapCaller, counter: { calls: number }, claimed: boolean): GaapCaller {
  return {
    call: (action, params, o) => {
      const first = counter.calls === 0;
      counter.calls++;
      return client.call(action, params, first && claimed ? { ...o, claimed: true } : o);
    },
  };
}

/** The scope of a wait: waits of one scope are answered by the same reads. */
export function waitScope(wait: WaitSpec): string {
  const params = wait.batch ? { ...wait.params, [wait.batch.param]: null } : wait.params;
  return `${wait.action} ${stableStringify(params)}`;
}

function stepWait(wait: WaitSpec): StepWait<WaitSpec> {
  return {
    scope: waitScope(wait),
    what: wait.what,
    // The kind of object read: its asynchronous delay is what the first poll is timed on.
    kind: wait.action,
    timeoutMs: wait.timeoutMs,
    detail: wait,
  };
}
