import { tableOf } from './relations.js';
import { emptyState, GAAP_RESOURCES } from './resources/registry.js';
import type { GaapState, TableName } from './state.js';

/** Far enough in the future to mean "until told otherwise", and still JSON-safe (not Infinity). */
const FOREVER = Number.MAX_SAFE_INTEGER;

interface StateAccess {
  get(): GaapState;
  set(s: GaapState): void;
  now(): number;
}

const PROXY_STABLE = new Set(['RUNNING', 'CLOSED']);

/** `set-busy` kind name → table, from the kinds that have transitions. */
const KINDS: Record<string, TableName> = Object.fromEntries(
  GAAP_RESOURCES.flatMap((m) => (m.busyName ? [[m.busyName, m.table]] : [])),
);

/**
 * Admin operations (POST /_emulator/gaap/<op>) for tests and demos. Time is lazy, so there is no
 * `tick`; these force states the API cannot reach on demand.
 *
 * - `reset`: empty state.
 * - `set-proxy-status` `{ ProxyId, Status }`: RUNNING/CLOSED become the steady state; any other
 *   value (CREATING, ADJUSTING, ISOLATED, ...) is held until the next set-proxy-status.
 * - `set-busy` `{ kind, id, status, ms? }`: hold a transitional status on any stateful object
 *   (kind: proxy, group, listener, rule, domain (id = "listenerId|domain"), policy, globalDomain,
 *   dnsRecord) for `ms` (default: until cleared).
 * - `finish-transitions`: end every transitional state now.
 */
export function adminOp(op: string, body: unknown, s: StateAccess): unknown {
  const b = (body ?? {}) as Record<string, unknown>;
  const state = s.get();
  switch (op) {
    case 'reset':
      s.set(emptyState());
      return { ok: true };
    case 'set-proxy-status': {
      const p = state.proxies[String(b.ProxyId)];
      if (!p) return { ok: false, error: `no proxy ${String(b.ProxyId)}` };
      const status = String(b.Status);
      if (PROXY_STABLE.has(status)) {
        p.stable = status as 'RUNNING' | 'CLOSED';
        delete p.busy;
      } else {
        p.busy = { status: status as never, until: FOREVER };
      }
      return { ok: true };
    }
    case 'set-busy': {
      const table = KINDS[String(b.kind)];
      if (!table) return { ok: false, error: `unknown kind ${String(b.kind)}` };
      const records: Record<string, object> = tableOf(state, table);
      const rec = records[String(b.id)];
      if (!rec) return { ok: false, error: `no ${String(b.kind)} ${String(b.id)}` };
      const until = typeof b.ms === 'number' ? s.now() + b.ms : FOREVER;
      Reflect.set(rec, 'busy', { status: b.status, until });
      return { ok: true };
    }
    case 'finish-transitions': {
      for (const table of Object.values(KINDS)) {
        const records: Record<string, object> = tableOf(state, table);
        for (const rec of Object.values(records)) Reflect.deleteProperty(rec, 'busy');
      }
      for (const t of Object.values(state.tasks)) t.until = 0;
      return { ok: true };
    }
    default:
      return { ok: false, error: `unknown admin operation ${op}` };
  }
}
