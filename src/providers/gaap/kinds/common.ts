import type { BindingDesired } from '../../../model/gaap-desired-types.js';
import type { OutputSpec, StepBuilder } from '../engine/kind-handler.js';
import { addr } from '../engine/kind-module.js';
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

/** A listener is ready when its ListenerStatus is back to 0 (running), whatever its protocol. */
export function listenerReady(
  protocol: string,
  proxyId: unknown,
  label: string,
  listenerId: unknown = SELF_ID,
): WaitSpec {
  const action = `Describe${protocol}Listeners` as `Describe${'TCP' | 'UDP' | 'HTTP' | 'HTTPS'}Listeners`;
  // One read of the proxy's listeners of that protocol answers every wait on them.
  return waitFor(`listener ${label} ready`, {
    action,
    params: { ProxyId: proxyId },
    pageLimit: PAGE_LIMITS[action] ?? 20,
    item: { items: 'ListenerSet', match: { ListenerId: listenerId } },
    statusPath: 'ListenerStatus',
    ready: [0],
  });
}
