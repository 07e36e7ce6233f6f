import { emptyState, type GaapState } from './state.js';

/** Far enough in the future to mean "until told otherwise", and still JSON-safe (not Infinity). */
const FOREVER = Number.MAX_SAFE_INTEGER;

interface StateAccess {
  get(): GaapState;
  set(s: GaapState): void;
  now(): number;
}

const PROXY_STABLE = new Set(['RUNNING', 'CLOSED']);
type Table =
  | 'proxies'
  | 'groups'
  | 'listeners'
  | 'rules'
  | 'domains'
  | 'policies'
  | 'globalDomains'
  | 'dnsRecords';
const KINDS: Record<string, Table> = {
  proxy: 'proxies',
  group: 'groups',
  listener: 'listeners',
  rule: 'rules',
  domain: 'domains',
  policy: 'policies',
  globalDomain: 'globalDomains',
  dnsRecord: 'dnsRecords',
};

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
      const rec = (state[table] as Record<string, { busy?: unknown }>)[String(b.id)];
      if (!rec) return { ok: false, error: `no ${String(b.kind)} ${String(b.id)}` };
      const until = typeof b.ms === 'number' ? s.now() + b.ms : FOREVER;
      rec.busy = { status: b.status, until };
      return { ok: true };
    }
    case 'finish-transitions': {
      for (const table of Object.values(KINDS)) {
        for (const rec of Object.values(state[table] as Record<string, { busy?: unknown }>)) delete rec.busy;
      }
      for (const t of Object.values(state.tasks)) t.until = 0;
      return { ok: true };
    }
    default:
      return { ok: false, error: `unknown admin operation ${op}` };
  }
}
