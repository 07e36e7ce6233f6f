import { EdgeformError } from '../../core/errors.js';
import type { PlanStep } from '../../planner/plan-types.js';
import type { DesiredNode, GaapStepPayload, LiveNode } from './engine/node-types.js';
import { PROXY } from './kinds/proxy.js';
import { PROXY_GROUP } from './kinds/proxy-group.js';

/**
 * A proxy that is closed and stays closed (`enabled: false`, live CLOSED) refuses every write to
 * what lives under it (InstanceStatusNotInRuning), deletes aside; so does every proxy of a closed
 * group, and the group's own listeners (GroupStatusNotInRuning). Such a plan fails here, before any write, naming the closed object and what would change
 * under it, instead of failing half-way through the apply.
 */
export function refuseWritesUnderClosed(
  desired: readonly DesiredNode[],
  live: readonly LiveNode[],
  steps: readonly PlanStep<GaapStepPayload>[],
): void {
  const liveBy = new Map(live.map((n) => [n.address, n]));
  const staysClosed = (n: DesiredNode) =>
    n.attrs.enabled === false && liveBy.get(n.address)?.attrs.enabled === false;
  const closed: { node: DesiredNode; scopes: string[] }[] = [];
  for (const n of desired) {
    if (n.type === PROXY && staysClosed(n)) closed.push({ node: n, scopes: [n.address] });
    if (n.type === PROXY_GROUP && staysClosed(n)) {
      const members = desired
        .filter((p) => p.type === PROXY && p.attrs.group === n.address)
        .map((p) => p.address);
      // The group's own listeners live under its address.
      closed.push({ node: n, scopes: [n.address, ...members] });
    }
  }
  const blocked: string[] = [];
  for (const { node, scopes } of closed) {
    // A member proxy's own steps count too (ModifyProxyConfiguration needs it running); the
    // closed proxy's own steps open and close it around a change that needs it.
    const under = (a: string) =>
      scopes.some(
        (s) => a.startsWith(`${s}.`) || (node.type === PROXY_GROUP && a === s && s !== node.address),
      );
    const writes = steps.filter((s) => s.operation !== 'delete' && s.addresses.some(under));
    if (writes.length === 0) continue;
    const where = node.source ? `${node.source.file}:${node.source.line}:${node.source.column} ` : '';
    const what = [...new Set(writes.flatMap((s) => s.addresses.filter(under)))].join(', ');
    blocked.push(`${where}${node.address} is closed (enabled: false): GAAP refuses writes to ${what}`);
  }
  if (blocked.length === 0) return;
  throw new EdgeformError({
    code: 'GAAP_PARENT_CLOSED',
    message: `the plan changes objects under closed proxies, which GAAP refuses: ${blocked.length} closed object(s)`,
    resolution:
      'set `enabled: true` for this apply (edgeform opens it before the changes), then `enabled: false` again in a later apply; or revert the changes under it',
    details: blocked,
  });
}
