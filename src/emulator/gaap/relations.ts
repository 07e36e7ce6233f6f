import { fail, notFound } from './errors.js';
import {
  type Ctx,
  current,
  type GaapState,
  type GroupRec,
  type ListenerRec,
  type ProxyRec,
  type RuleRec,
} from './state.js';

/** Lookups and invariants that span resource families (bindings, parents, busy states). */

export function proxyStatus(ctx: Ctx, p: ProxyRec): string {
  return current(p, p.stable, ctx.now);
}

/** Proxy group status as ProxyGroupInfo shows it (String). */
export function groupStatus(ctx: Ctx, g: GroupRec): string {
  const s = current(g, g.stable, ctx.now);
  if (s !== 'RUNNING') return s;
  const members = proxiesOfGroup(ctx.state, g.GroupId);
  if (members.length > 0 && members.every((p) => proxyStatus(ctx, p) === 'CLOSED')) return 'CLOSED';
  return 'RUNNING';
}

export function listenerStatus(ctx: Ctx, l: ListenerRec): number {
  return current(l, 0, ctx.now);
}

export function ruleStatus(ctx: Ctx, r: RuleRec): number {
  return current(r, 0, ctx.now);
}

export function proxiesOfGroup(state: GaapState, groupId: string): ProxyRec[] {
  return Object.values(state.proxies).filter((p) => p.GroupId === groupId && p.stable !== 'DESTROYED');
}

export function getProxy(ctx: Ctx, id: string): ProxyRec {
  const p = ctx.state.proxies[id];
  // settle() has already dropped finished destroys, so a DESTROYED record here is still DESTROYING.
  if (!p) notFound('proxy', id);
  return p;
}

export function getGroup(ctx: Ctx, id: string): GroupRec {
  const g = ctx.state.groups[id];
  if (!g) notFound('proxy group', id);
  return g;
}

export function getListener(ctx: Ctx, id: string): ListenerRec {
  const l = ctx.state.listeners[id];
  if (!l) notFound('listener', id);
  return l;
}

export function listenersOfParent(state: GaapState, proxyId: string, groupId: string): ListenerRec[] {
  return Object.values(state.listeners).filter((l) =>
    proxyId ? l.ProxyId === proxyId : groupId ? l.GroupId === groupId : false,
  );
}

export function rulesOfListener(state: GaapState, listenerId: string): RuleRec[] {
  return Object.values(state.rules).filter((r) => r.ListenerId === listenerId);
}

/** Whether the listener, or any rule under it, still has real servers bound. */
export function listenerHasBindings(state: GaapState, l: ListenerRec): boolean {
  return l.bindings.length > 0 || rulesOfListener(state, l.ListenerId).some((r) => r.bindings.length > 0);
}

export function parentHasBindings(state: GaapState, proxyId: string, groupId: string): boolean {
  return listenersOfParent(state, proxyId, groupId).some((l) => listenerHasBindings(state, l));
}

export function realServerBindings(state: GaapState, rsId: string): ListenerRec[] {
  const out: ListenerRec[] = [];
  for (const l of Object.values(state.listeners)) {
    if (l.bindings.some((b) => b.RealServerId === rsId)) out.push(l);
  }
  for (const r of Object.values(state.rules)) {
    if (r.bindings.some((b) => b.RealServerId === rsId)) {
      const l = state.listeners[r.ListenerId];
      if (l) out.push(l);
    }
  }
  return out;
}

export function certificateInUse(state: GaapState, certId: string): boolean {
  const uses = (ids: (string | undefined)[]) => ids.includes(certId);
  return (
    Object.values(state.listeners).some((l) =>
      uses([l.CertificateId, l.ClientCertificateId, ...l.PolyClientCertificateIds]),
    ) ||
    Object.values(state.domains).some((d) =>
      uses([
        d.CertificateId,
        d.ClientCertificateId,
        d.BasicAuthConfId,
        d.GaapCertificateId,
        d.RealServerCertificateId,
        ...d.PolyClientCertificateIds,
        ...d.PolyRealServerCertificateIds,
      ]),
    )
  );
}

/** Project a listener's real servers must belong to. */
export function parentProject(ctx: Ctx, l: { ProxyId: string; GroupId: string }): number {
  if (l.ProxyId) return getProxy(ctx, l.ProxyId).ProjectId;
  return getGroup(ctx, l.GroupId).ProjectId;
}

export type ParentWrite = 'create-listener' | 'write' | 'delete';

/**
 * Listener, rule and domain writes need a running parent. NOTE: the doc has two codes: adding a
 * listener to a proxy that is not running answers ProxyStatusNotInRuning ("listeners cannot be
 * added"), the other writes InstanceStatusNotInRuning. Deletes are also allowed on CLOSED proxies.
 */
export function requireParentRunning(
  ctx: Ctx,
  l: { ProxyId: string; GroupId: string },
  mode: ParentWrite,
): void {
  if (l.ProxyId) {
    const s = proxyStatus(ctx, getProxy(ctx, l.ProxyId));
    if (s === 'RUNNING' || (mode === 'delete' && s === 'CLOSED')) return;
    if (mode === 'create-listener') {
      fail('FailedOperation.ProxyStatusNotInRuning', `The proxy is ${s}; listeners cannot be added.`);
    }
    fail('FailedOperation.InstanceStatusNotInRuning', `The proxy is ${s}, not RUNNING.`);
  }
  const s = groupStatus(ctx, getGroup(ctx, l.GroupId));
  if (s === 'RUNNING' || (mode === 'delete' && s === 'CLOSED')) return;
  fail('FailedOperation.GroupStatusNotInRuning', `The proxy group is ${s}, not RUNNING.`);
}

export function requireListenerIdle(ctx: Ctx, l: ListenerRec): void {
  const s = listenerStatus(ctx, l);
  if (s !== 0)
    fail('FailedOperation.ListenerHasTask', `The listener ${l.ListenerId} is busy (ListenerStatus ${s}).`);
}

export function requireRuleIdle(ctx: Ctx, r: RuleRec): void {
  const s = ruleStatus(ctx, r);
  if (s !== 0) fail('FailedOperation.ActionIsDoing', `The rule ${r.RuleId} is busy (RuleStatus ${s}).`);
}

/** Removes a listener and everything that hangs off it (rules, domains, error pages). */
export function removeListener(state: GaapState, listenerId: string): void {
  for (const r of rulesOfListener(state, listenerId)) delete state.rules[r.RuleId];
  for (const [k, d] of Object.entries(state.domains))
    if (d.ListenerId === listenerId) delete state.domains[k];
  for (const [k, e] of Object.entries(state.errorPages))
    if (e.ListenerId === listenerId) delete state.errorPages[k];
  delete state.listeners[listenerId];
}

/** Removes what hangs off a proxy or group being destroyed: listeners and its security policy. */
export function removeChildrenOf(state: GaapState, proxyId: string, groupId: string): void {
  for (const l of listenersOfParent(state, proxyId, groupId)) removeListener(state, l.ListenerId);
  for (const [k, pol] of Object.entries(state.policies)) {
    if ((proxyId && pol.ProxyId === proxyId) || (groupId && pol.GroupId === groupId)) {
      for (const [rk, r] of Object.entries(state.securityRules))
        if (r.PolicyId === k) delete state.securityRules[rk];
      delete state.policies[k];
    }
  }
}

/** Lazy garbage collection: proxies and groups whose DESTROYING phase is over disappear. */
export function settle(state: GaapState, now: number): void {
  for (const [id, p] of Object.entries(state.proxies)) {
    if (p.stable === 'DESTROYED' && !(p.busy && now < p.busy.until)) delete state.proxies[id];
  }
  for (const [id, g] of Object.entries(state.groups)) {
    if (g.stable === 'DESTROYED' && !(g.busy && now < g.busy.until)) delete state.groups[id];
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
export const isIp = (s: string) => IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
