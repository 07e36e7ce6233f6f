import { EdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';

/** What the run-lease backends share (run-lease.ts chooses one). */

export const LEASE_ENV = 'EDGEFORM_LEASE';
export const LEASE_WAIT_ENV = 'EDGEFORM_LEASE_WAIT';
/** How long a run waits for another run's lease before it is refused, by default. */
export const DEFAULT_LEASE_WAIT_S = 0;
const POLL_MS = 500;
const HEARTBEAT_MS = 10_000;
/** A holder that sent no heartbeat for this long is ended by the PostgreSQL server (PG ≥ 14). */
const IDLE_SESSION_TIMEOUT = '60s';

export interface LeaseScope {
  stack: string;
  /** The endpoints the run writes to (what "the same stack" means). */
  endpoints: string[];
}

export interface RunLease {
  readonly runId: string;
  readonly backend: 'postgres' | 'local' | 'none';
  /** Aborted when the lease is lost mid-run: no write may follow. */
  readonly lost: AbortSignal;
  /**
   * Records that this run applies the saved plan with this digest; refuses one already applied or
   * being applied. (Without a shared backend a saved plan applies at most once only because the
   * staleness check refuses it once the live state moved.)
   */
  claimPlan(digest: string): Promise<void>;
  release(): Promise<void>;
}

export interface LeaseOptions extends LeaseScope {
  env: NodeJS.ProcessEnv;
  events: EventSink;
  signal?: AbortSignal;
}

export interface Holder {
  runId: string;
  where: string;
  since: string;
}

export function leaseHeldError(stack: string, holder: Holder | undefined, waitedMs: number): EdgeformError {
  const who = holder ? `run ${holder.runId} (${holder.where}, since ${holder.since})` : 'another run';
  return new EdgeformError({
    code: 'LEASE_HELD',
    message: `stack ${stack} is being applied by ${who}; ${waitedMs > 0 ? `waited ${Math.round(waitedMs / 1000)} s, ` : ''}nothing was read or changed by this run`,
    resolution: `wait for that run to finish and run again (set ${LEASE_WAIT_ENV}=SECONDS to wait for it); a run that died releases its lease by itself`,
  });
}

export function planAlreadyAppliedError(digest: string, by: Holder): EdgeformError {
  return new EdgeformError({
    code: 'PLAN_ALREADY_APPLIED',
    message: `this saved plan (${digest.slice(0, 19)}…) was already applied by run ${by.runId} (${by.where}, ${by.since}); a saved plan applies at most once`,
    resolution: 'run `edgeform plan --out PLAN` again, review it, and apply the new plan',
  });
}

/** Polls `attempt` until it succeeds, the wait is over, or the run is interrupted. */
export async function waitForLease<T>(
  opts: LeaseOptions,
  waitMs: number,
  attempt: () => Promise<{ ok: true; value: T } | { ok: false; holder: Holder | undefined }>,
): Promise<T> {
  const started = Date.now();
  let announced = false;
  for (;;) {
    const r = await attempt();
    if (r.ok) return r.value;
    const waited = Date.now() - started;
    if (waited >= waitMs) throw leaseHeldError(opts.stack, r.holder, waited);
    if (!announced) {
      announced = true;
      opts.events({
        kind: 'info',
        message: `waiting up to ${Math.round(waitMs / 1000)} s for the run lease of stack ${opts.stack}, held by ${r.holder ? `run ${r.holder.runId} (${r.holder.where})` : 'another run'}`,
      });
    }
    await sleep(Math.min(POLL_MS, waitMs - waited), opts.signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const LEASE_TIMING = { POLL_MS, HEARTBEAT_MS, IDLE_SESSION_TIMEOUT } as const;
