import type { BindingDesired, ListenerDesired } from '../../../model/gaap-desired-types.js';
import type { OutputSpec, StepBuilder } from '../engine/kind-handler.js';
import { addr, type ExportContext } from '../engine/kind-module.js';
import type { WaitSpec } from '../engine/node-types.js';
import { asSet } from '../engine/normalize-attrs.js';
import { PAGE_LIMITS } from '../paging.js';

export const SELF_ID = { $ref: { step: 'self', output: 'id' } } as const;

/** The output of a kind whose only server-assigned value a user needs is its ID. */
export const ID_OUTPUT: OutputSpec = { names: ['id'], of: (live) => ({ id: live.id }) };

/** Bindings as a set of comparable entries, keyed by the real server's logical address. */
export interface BindingAttr {
  realServer: string;
  port: number;
  weight: number;
  role?: string;
}

export function desiredBindings(
  bindings: readonly BindingDesired[] | undefined,
  failover: boolean,
): BindingAttr[] | undefined {
  if (bindings === undefined) return undefined;
  return asSet(
    bindings.map((b) => ({
      realServer: addr.realServer(b.realServer),
      port: b.port,
      weight: b.weight ?? 1,
      ...(failover ? { role: b.role ?? 'master' } : {}),
    })),
  );
}

export function liveBindings(
  set: readonly {
    RealServerId: string;
    RealServerPort: number;
    RealServerWeight: number;
    RealServerFailoverRole?: string;
  }[],
  addressOfId: Map<string, string>,
  failover: boolean,
): BindingAttr[] {
  return asSet(
    set.map((b) => ({
      realServer: addressOfId.get(b.RealServerId) ?? `id:${b.RealServerId}`,
      port: b.RealServerPort,
      weight: b.RealServerWeight ?? 1,
      ...(failover ? { role: b.RealServerFailoverRole || 'master' } : {}),
    })),
  );
}

/** The RealServerBindSet of a bind call: full replace, so always the whole desired set. */
export function bindSet(
  bindings: readonly BindingAttr[],
  b: StepBuilder,
  addressOfRealServer: (address: string) => string,
): Record<string, unknown>[] {
  return bindings.map((x) => ({
    RealServerId: b.idOf(x.realServer),
    RealServerIP: addressOfRealServer(x.realServer),
    RealServerPort: x.port,
    RealServerWeight: x.weight,
    ...(x.role ? { RealServerFailoverRole: x.role } : {}),
  }));
}

export const bool01 = (v: boolean | undefined) => (v === undefined ? undefined : v ? 1 : 0);

export function waitFor(
  what: string,
  spec: Omit<WaitSpec, 'what' | 'timeoutMs'>,
  timeoutMs = 10 * 60_000,
): WaitSpec {
  return { what, timeoutMs, ...spec };
}

/** Drops undefined values so a payload only carries what the YAML declared. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What a listener lives on, as the listener calls name it: a proxy or a proxy group. */
export type ListenerParentParams = { ProxyId: unknown } | { GroupId: unknown };

/** A listener is ready when its ListenerStatus is back to 0 (running), whatever its protocol. */
export function listenerReady(
  protocol: string,
  parent: ListenerParentParams,
  label: string,
  listenerId: unknown = SELF_ID,
): WaitSpec {
  const action = `Describe${protocol}Listeners` as `Describe${'TCP' | 'UDP' | 'HTTP' | 'HTTPS'}Listeners`;
  // One read of the parent's listeners of that protocol answers every wait on them.
  return waitFor(`listener ${label} ready`, {
    action,
    params: parent,
    pageLimit: PAGE_LIMITS[action] ?? 20,
    item: { items: 'ListenerSet', match: { ListenerId: listenerId } },
    statusPath: 'ListenerStatus',
    ready: [0],
  });
}

/** The source location of a declaration, when the loader kept one. */
export function withSource<T>(source: T | undefined): { source?: T } {
  return source ? { source } : {};
}

// Export (live → declaration) helpers shared by several kinds.

/** The logical name in an address's last `["..."]`. */
export function nameIn(address: string): string {
  return /^gaap\.[a-z_]+\["([^"]+)"\]/.exec(address)?.[1] ?? address;
}

/** `gaap.real_server["x"]` → `x`; undefined when the object is not the stack's (`id:...`). */
export function logicalName(address: unknown, kind: string): string | undefined {
  if (typeof address !== 'string') return undefined;
  const m = new RegExp(`^gaap\\.${kind}\\["([^"@]+)"\\]$`).exec(address);
  return m?.[1];
}

export const isNum = (v: unknown): v is number => typeof v === 'number';
export const isStr = (v: unknown): v is string => typeof v === 'string';

/** Drops undefined and null values: what the API returns empty is not declared. */
export function present(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

/** Live bindings as declared; a real server the stack does not own is left out with a warning. */
export function exportBindings(
  ctx: ExportContext,
  owner: string,
  bindings: unknown,
): BindingDesired[] | undefined {
  const list = (bindings ?? []) as BindingAttr[];
  if (list.length === 0) return undefined;
  const out: BindingDesired[] = [];
  for (const b of list) {
    const rs = logicalName(b.realServer, 'real_server');
    if (!rs) {
      ctx.warn(
        `${owner}: binds a real server the stack does not own (${b.realServer}); left out of its bindings, so plan will propose unbinding it`,
      );
      continue;
    }
    out.push({
      realServer: rs,
      port: b.port,
      ...(b.weight !== 1 ? { weight: b.weight } : {}),
      ...(b.role && b.role !== 'master' ? { role: b.role as 'slave' } : {}),
    });
  }
  return out.sort((x, y) => x.realServer.localeCompare(y.realServer) || x.port - y.port);
}

/** The name of a certificate the stack owns; one it does not own is left out with a warning. */
export function exportCertificate(ctx: ExportContext, owner: string, address: unknown): string | undefined {
  const name = logicalName(address, 'certificate');
  if (!name) {
    ctx.warn(
      `${owner}: uses a certificate the stack does not own (${String(address)}); left out, so plan will propose changing it`,
    );
  }
  return name;
}

export function exportCertificates(ctx: ExportContext, owner: string, addresses: unknown): string[] {
  return (Array.isArray(addresses) ? addresses : []).flatMap((c) => exportCertificate(ctx, owner, c) ?? []);
}

const protocolRank = (p: string) => ['TCP', 'UDP', 'HTTP', 'HTTPS'].indexOf(p);
const portOf = (l: ListenerDesired) => l.port ?? ('ports' in l ? l.ports?.[0] : undefined) ?? 0;

/**
 * Adds a listener to its proxy's (or group's), kept in reading order: by protocol (TCP, UDP, HTTP,
 * HTTPS), then port.
 */
export function attachListener<L extends ListenerDesired>(proxy: { listeners?: L[] }, listener: L): void {
  const listeners = proxy.listeners ?? [];
  proxy.listeners = listeners;
  const rank = (l: ListenerDesired) => protocolRank(l.protocol) * 1e6 + portOf(l);
  // After every listener that sorts before or equal: the stable order of a sort of the whole list.
  let i = listeners.length;
  while (i > 0 && rank(listeners[i - 1]!) > rank(listener)) i--;
  listeners.splice(i, 0, listener);
}
