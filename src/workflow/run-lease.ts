import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EdgeformError } from '../core/errors.js';
import {
  DEFAULT_LEASE_WAIT_S,
  LEASE_ENV,
  LEASE_WAIT_ENV,
  type LeaseOptions,
  type LeaseScope,
  type RunLease,
  waitForLease,
} from './run-lease-common.js';

/**
 * The run lease: two applies of one stack never interleave writes, and a saved plan applies at
 * most once. `apply` takes the lease before it reads the live state and keeps it until its last
 * call has answered, so a second run either waits for the first to finish (and then plans
 * against what the first left) or is refused.
 *
 * Backends (EDGEFORM_LEASE):
 * - `postgres://…` / `postgresql://…`: a PostgreSQL session advisory lock, held on one connection
 *   for the whole run. The server releases it when that connection ends — a run killed by any
 *   signal, or a machine that vanished (TCP keepalive; `idle_session_timeout` for a process that
 *   hangs without heartbeats) — so a stale lease is broken by the server, never by a clock guess.
 *   Saved plans applied are recorded in the table `edgeform_applied_plans` of that database.
 * - unset or `local`: a lock file in the machine's temporary directory, for runs on one machine (a
 *   cron job and a terminal). A lease whose process is gone is broken by the next run. It cannot
 *   see runs on other machines: CI with more than one runner sets a postgres URL.
 * - `none`: no lease (the operator guarantees one run at a time).
 *
 * The lease's name is the stack and the endpoints it talks to, so one stack name in two accounts,
 * or in two emulators, are two leases.
 */

export async function acquireRunLease(opts: LeaseOptions): Promise<RunLease> {
  const runId = randomBytes(6).toString('hex');
  const setting = opts.env[LEASE_ENV]?.trim() || 'local';
  const waitMs = leaseWaitMs(opts.env);
  const key = leaseKey(opts);
  if (setting === 'none') {
    return {
      runId,
      backend: 'none',
      lost: new AbortController().signal,
      claimPlan: async () => {},
      release: async () => {},
    };
  }
  if (setting === 'local') return acquireLocal(opts, runId, key, waitMs);
  if (/^postgres(ql)?:\/\//.test(setting)) {
    const { acquirePostgres } = await import('./run-lease-postgres.js');
    return acquirePostgres({ ...opts, url: setting, runId, key, waitMs });
  }
  throw new EdgeformError({
    code: 'LEASE_INVALID',
    message: `${LEASE_ENV} is neither a postgres:// URL nor "local" nor "none"`,
    resolution: `set ${LEASE_ENV}=postgres://USER@HOST/DB (runs on several machines), local (one machine) or none`,
  });
}

function leaseWaitMs(env: NodeJS.ProcessEnv): number {
  const raw = env[LEASE_WAIT_ENV]?.trim();
  if (!raw) return DEFAULT_LEASE_WAIT_S * 1000;
  const s = Number(raw);
  if (!Number.isFinite(s) || s < 0 || s > 86_400) {
    throw new EdgeformError({
      code: 'LEASE_INVALID',
      message: `${LEASE_WAIT_ENV} must be a number of seconds from 0 to 86400`,
      resolution: `set ${LEASE_WAIT_ENV}=0 to be refused at once, or to how long a run may wait for another`,
    });
  }
  return s * 1000;
}

/** 64 bits of SHA-256 of the scope, as a signed decimal (PostgreSQL's bigint). */
function leaseKey(scope: LeaseScope): bigint {
  const h = createHash('sha256')
    .update(['edgeform-lease', scope.stack, ...scope.endpoints].join('\0'))
    .digest();
  return h.readBigInt64BE(0);
}

// ---------------------------------------------------------------------------------------------
// local: a lock file linked into place (atomic, fails if present)

interface LocalRecord {
  runId: string;
  pid: number;
  host: string;
  since: string;
}

async function acquireLocal(
  opts: LeaseOptions,
  runId: string,
  key: bigint,
  waitMs: number,
): Promise<RunLease> {
  const dir = join(tmpdir(), 'edgeform-leases');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${BigInt.asUintN(64, key).toString(16)}.lock`);
  const me: LocalRecord = { runId, pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await waitForLease(opts, waitMs, async () => {
    for (let tries = 0; tries < 3; tries++) {
      // Written whole under a private name, then linked into place: link() fails if the lease
      // exists, so no run ever reads a half-written lease.
      const mine = `${path}.${runId}`;
      writeFileSync(mine, JSON.stringify(me), { mode: 0o600 });
      try {
        linkSync(mine, path);
        return { ok: true, value: undefined };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        unlinkSync(mine);
      }
      const other = readRecord(path);
      if (other && !isStale(other)) {
        return {
          ok: false,
          holder: { runId: other.runId, where: `pid ${other.pid} on ${other.host}`, since: other.since },
        };
      }
      // The holder is gone (or the file is not a lease): break it — moved aside under a private
      // name first, so a run that broke it a moment earlier and linked its own lease in its place
      // gets its lease back instead of losing it.
      const grave = `${path}.broken.${runId}`;
      try {
        renameSync(path, grave);
      } catch {
        continue;
      }
      const moved = readRecord(grave);
      if (moved?.runId !== other?.runId) {
        try {
          linkSync(grave, path);
        } catch {}
        unlinkSync(grave);
        continue;
      }
      unlinkSync(grave);
      opts.events({
        kind: 'warning',
        message: `broke the stale run lease of stack ${opts.stack}${other ? ` (run ${other.runId}: pid ${other.pid} is gone)` : ''}`,
      });
    }
    return { ok: false, holder: undefined };
  });
  return {
    runId,
    backend: 'local',
    lost: new AbortController().signal,
    claimPlan: async () => {},
    release: async () => {
      if (readRecord(path)?.runId === runId) unlinkSync(path);
    },
  };
}

function readRecord(path: string): LocalRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as LocalRecord;
    return typeof r.pid === 'number' && typeof r.runId === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

function isStale(r: LocalRecord): boolean {
  if (r.host !== hostname()) return false;
  try {
    process.kill(r.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
