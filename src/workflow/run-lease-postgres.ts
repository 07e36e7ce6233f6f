import { hostname } from 'node:os';
import pg from 'pg';
import { EdgeformError } from '../core/errors.js';
import {
  type Holder,
  LEASE_ENV,
  LEASE_TIMING,
  type LeaseOptions,
  planAlreadyAppliedError,
  type RunLease,
  waitForLease,
} from './run-lease-common.js';

/**
 * The run lease as a PostgreSQL session advisory lock (see run-lease.ts). Imported only when
 * EDGEFORM_LEASE names a postgres URL.
 */

const APP_PREFIX = 'edgeform run ';
/** Serialises the one-time creation of the ledger table across stacks. */
const LEDGER_DDL_LOCK = 0x6564676566n;

export interface PostgresLeaseOptions extends LeaseOptions {
  url: string;
  runId: string;
  key: bigint;
  waitMs: number;
}

export async function acquirePostgres(opts: PostgresLeaseOptions): Promise<RunLease> {
  const where = redacted(opts.url);
  const client = new pg.Client({
    connectionString: opts.url,
    application_name: `${APP_PREFIX}${opts.runId} ${hostname()}`.slice(0, 63),
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
    query_timeout: 30_000,
  });
  const lostController = new AbortController();
  const lose = (cause: unknown) => {
    if (lostController.signal.aborted) return;
    lostController.abort(
      new EdgeformError({
        code: 'LEASE_LOST',
        message: `the run lease of stack ${opts.stack} was lost (connection to ${where} ended): no further change is sent`,
        resolution: 'run `edgeform plan` to see what remains, then apply again',
        cause,
      }),
    );
  };
  client.on('error', lose);
  try {
    await client.connect();
    // NOTE: a holder that stops sending heartbeats (a hung process) is ended by the server after
    // this long, which releases its lease. The setting exists from PostgreSQL 14; older servers
    // keep the lease until the connection drops.
    await client
      .query('SELECT set_config($1, $2, false)', ['idle_session_timeout', LEASE_TIMING.IDLE_SESSION_TIMEOUT])
      .catch(() => {});
    await waitForLease(opts, opts.waitMs, async () => {
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [
        opts.key.toString(),
      ]);
      if (r.rows[0]?.ok) return { ok: true, value: undefined };
      return { ok: false, holder: await holderOf(client, opts.key) };
    });
  } catch (cause) {
    await client.end().catch(() => {});
    if (cause instanceof EdgeformError) throw cause;
    throw new EdgeformError({
      code: 'LEASE_UNAVAILABLE',
      message: `cannot take the run lease at ${where}: ${(cause as Error).message}`,
      resolution: `start that PostgreSQL server or fix ${LEASE_ENV}; no change was made`,
      cause,
    });
  }
  const heartbeat = setInterval(() => {
    client.query('SELECT 1').catch(lose);
  }, LEASE_TIMING.HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  return {
    runId: opts.runId,
    backend: 'postgres',
    lost: lostController.signal,
    claimPlan: async (digest) => {
      await ensureLedger(client);
      const inserted = await client.query(
        `INSERT INTO edgeform_applied_plans (digest, stack, run_id, host)
         VALUES ($1, $2, $3, $4) ON CONFLICT (digest) DO NOTHING RETURNING digest`,
        [digest, opts.stack, opts.runId, hostname()],
      );
      if (inserted.rowCount === 1) return;
      const r = await client.query<{ run_id: string; host: string; started_at: Date }>(
        'SELECT run_id, host, started_at FROM edgeform_applied_plans WHERE digest = $1',
        [digest],
      );
      const row = r.rows[0];
      throw planAlreadyAppliedError(digest, {
        runId: row?.run_id ?? '?',
        where: `on ${row?.host ?? '?'}`,
        since: row ? row.started_at.toISOString() : '?',
      });
    },
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      client.off('error', lose);
      client.on('error', () => {});
      // Ending the session releases the advisory lock.
      await client.end().catch(() => {});
    },
  };
}

async function ensureLedger(client: pg.Client): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [LEDGER_DDL_LOCK.toString()]);
    await client.query(`CREATE TABLE IF NOT EXISTS edgeform_applied_plans (
      digest text PRIMARY KEY,
      stack text NOT NULL,
      run_id text NOT NULL,
      host text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now()
    )`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** Who holds the advisory lock `key` (its session's application_name names the run). */
async function holderOf(client: pg.Client, key: bigint): Promise<Holder | undefined> {
  const u = BigInt.asUintN(64, key);
  const r = await client.query<{ application_name: string; client_addr: string | null; backend_start: Date }>(
    `SELECT a.application_name, host(a.client_addr) AS client_addr, a.backend_start
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid`,
    [(u >> 32n).toString(), (u & 0xffffffffn).toString()],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  const [runId = '?', host] = row.application_name.startsWith(APP_PREFIX)
    ? row.application_name.slice(APP_PREFIX.length).split(' ')
    : [row.application_name];
  return {
    runId,
    where: host ? `on ${host}` : `from ${row.client_addr ?? 'a local socket'}`,
    since: row.backend_start.toISOString(),
  };
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'the PostgreSQL URL in EDGEFORM_LEASE';
  }
}
