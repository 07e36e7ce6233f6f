import { EdgeformError } from '../../core/errors.js';
import type { EventSink } from '../../core/event-types.js';
import type { JsonValue } from '../../core/json-types.js';
import { fieldsOf, isPlainObject } from '../../core/json-types.js';
import { isSecretValue, revealSecrets } from '../../core/secrets.js';
import type { PlanStep } from '../../planner/plan-types.js';
import type { StepOutcome } from '../../planner/provider-types.js';
import { backoffDelay, sleep } from '../../transport/backoff.js';
import type { GaapCallSpec, GaapStepPayload, LookupSpec, WaitSpec } from './engine/node-types.js';
import { isIdRef } from './engine/node-types.js';
import type { GaapCaller } from './gaap-client.js';
import { isGaapApiError } from './gaap-errors.js';
import type { ActionName, Request } from './gaap-types.js';

export interface RunStepOptions {
  client: GaapCaller;
  outcomes: ReadonlyMap<string, StepOutcome>;
  events: EventSink;
  signal?: AbortSignal;
  /** Directory that `{file:}` secret references of a saved plan are relative to. */
  secretBaseDir: string;
  /** Poll interval bounds for waits (tests and benchmarks shorten them). */
  pollMs?: { base: number; max: number };
  now?: () => number;
}

/**
 * Executes one GAAP step: its calls in order, with ID placeholders resolved from earlier steps'
 * outputs, then its wait. A create whose outcome is unknown (timeout, dropped connection after
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
  const client = countingClient(opts.client, counter);
  for (const call of payload.calls) {
    const params = resolve(call.params, opts, outputs) as Record<string, unknown>;
    const answer = await callWithRecovery(client, call, params, opts, outputs);
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
  if (payload.wait) await waitUntilReady(client, payload.wait, step, opts, outputs);
  return { outputs, calls: counter.calls };
}

type CallAnswer =
  | { kind: 'answered'; response: Record<string, unknown> }
  | { kind: 'adopted'; outputs: Record<string, JsonValue> }
  | { kind: 'already' };

/** How many times one create is sent while each answer leaves its outcome unknown. */
const MAX_CREATE_SENDS = 6;

/**
 * Whether sending a write again can only leave the same end state. Modify/Bind/Set/Open/Close
 * calls set an object to given values, and a delete repeated after it took effect is answered
 * "not found" or "failed for this ID" — the object is gone either way. Only a create (Create*,
 * Add*) makes something new each time, so it is never repeated blindly: it is looked up first.
 */
function repeatable(action: string): boolean {
  return !/^(Create|Add)/.test(action);
}

async function callWithRecovery(
  client: GaapCaller,
  call: GaapCallSpec,
  params: Record<string, unknown>,
  opts: RunStepOptions,
  outputs: Record<string, JsonValue>,
): Promise<CallAnswer> {
  const lookup = call.lookup ? (resolve(call.lookup, opts, outputs) as LookupSpec) : undefined;
  for (let send = 1; ; send++) {
    try {
      const response = await client.call(call.action as ActionName, params as Request<ActionName>, {
        ...(call.clientToken ? { clientToken: call.clientToken } : {}),
        // The client then retries internal errors and lost connections itself.
        ...(repeatable(call.action) ? { idempotent: true } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return { kind: 'answered', response: fieldsOf(response) };
    } catch (e) {
      if (!isGaapApiError(e)) throw e;
      if (call.okCodes?.includes(e.apiCode)) return { kind: 'already' };
      // The create may or may not have happened (a connection lost after sending, or an internal
      // error, which GAAP may give after doing part of the work); or it had (already-done): find it.
      const uncertain = e.errorClass === 'ambiguous' || e.errorClass === 'internal';
      if (!lookup || !(uncertain || e.errorClass === 'already-done')) throw e;
      const found = await runLookup(client, lookup);
      if (found) {
        opts.events({
          kind: 'info',
          message: `${call.action}: the object exists after an uncertain answer; adopted it`,
        });
        return { kind: 'adopted', outputs: found };
      }
      if (e.errorClass === 'already-done' || send >= MAX_CREATE_SENDS) throw e;
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

/** The outputs of the object the lookup finds, or undefined when it does not exist. */
async function runLookup(
  client: GaapCaller,
  lookup: LookupSpec,
): Promise<Record<string, JsonValue> | undefined> {
  const res = fieldsOf(await client.call(lookup.action as ActionName, lookup.params as Request<ActionName>));
  const scope = lookup.within ? findItem(asArray(at(res, lookup.within.items)), lookup.within.match) : res;
  const items = at(scope, lookup.items);
  if (!Array.isArray(items)) return undefined;
  const item = findItem(items, lookup.match, lookup.matchSets);
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

/** The first item whose fields equal `match` and whose `Array[].field` sets equal `matchSets`. */
function findItem(
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

async function waitUntilReady(
  client: GaapCaller,
  wait: WaitSpec,
  step: PlanStep,
  opts: RunStepOptions,
  outputs: Record<string, JsonValue>,
): Promise<void> {
  const now = opts.now ?? Date.now;
  const started = now();
  const params = resolve(wait.params, opts, outputs) as Record<string, unknown>;
  const item = wait.item ? (resolve(wait.item, opts, outputs) as NonNullable<WaitSpec['item']>) : undefined;
  const poll = opts.pollMs ?? { base: 500, max: 5_000 };
  let last: unknown;
  for (let attempt = 0; ; attempt++) {
    const res = await pollOnce(client, wait, params, opts);
    // A failed read says nothing about the object: the last state seen still stands.
    const status =
      res === undefined
        ? last
        : item
          ? at(findItem(asArray(at(res, item.items)), item.match), wait.statusPath)
          : at(res, wait.statusPath);
    if (res !== undefined && status === undefined && wait.goneIsReady) return;
    if (status !== undefined && wait.ready.some((r) => r === status)) return;
    if (status !== undefined && wait.failed?.some((f) => f === status)) {
      throw new EdgeformError({
        code: 'GAAP_ASYNC_FAILED',
        message: `${wait.what}: the object reached ${String(status)}, which will not become ready`,
        source: 'remote',
        resolution: 'check the object in the GAAP console; run `edgeform plan` to see what remains',
      });
    }
    last = status;
    if (now() - started > wait.timeoutMs) {
      throw new EdgeformError({
        code: 'GAAP_WAIT_TIMEOUT',
        message: `timed out after ${Math.round(wait.timeoutMs / 1000)}s waiting for ${wait.what}; last state seen: ${String(last ?? 'absent')}`,
        source: 'remote',
        resolution:
          'the change may still complete: run `edgeform plan` later to see whether anything remains',
      });
    }
    opts.events({
      kind: 'step-wait',
      stepId: step.id,
      waitingFor: wait.what,
      lastSeen: String(last ?? 'absent'),
    });
    await sleep(
      Math.max(poll.base, backoffDelay(attempt, { baseMs: poll.base, maxMs: poll.max })),
      opts.signal,
    );
  }
}

/**
 * One status read. A read that failed even after the client's retries (an internal error, a lost
 * connection) says nothing about the object: the wait goes on, bounded by its timeout, rather than
 * failing a step whose change went through.
 */
async function pollOnce(
  client: GaapCaller,
  wait: WaitSpec,
  params: Record<string, unknown>,
  opts: RunStepOptions,
): Promise<Record<string, unknown> | undefined> {
  try {
    return fieldsOf(
      await client.call(wait.action as ActionName, params as Request<ActionName>, {
        ...(opts.signal ? { signal: opts.signal } : {}),
      }),
    );
  } catch (e) {
    if (isGaapApiError(e) && (e.errorClass === 'internal' || e.errorClass === 'ambiguous')) return undefined;
    throw e;
  }
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
  if (Array.isArray(v)) return v.map((x) => resolve(x, opts, self));
  if (isPlainObject(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, opts, self)]));
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

function countingClient(client: GaapCaller, counter: { calls: number }): GaapCaller {
  return {
    call: (action, params, o) => {
      counter.calls++;
      return client.call(action, params, o);
    },
  };
}
