import type { SecurityPolicyDesired, SecurityRuleDesired } from '../../../model/gaap-desired-types.js';
import type { GaapKindModule } from '../engine/kind-module.js';
import { addr } from '../engine/kind-module.js';
import type { DesiredNode, LiveNode } from '../engine/node-types.js';
import { ID_OUTPUT, withSource } from './common.js';
import { proxyNameOf } from './l4-listener.js';
import {
  declaredRules,
  liveRuleShape,
  proxiesWithPolicy,
  type RuleShape,
  readPolicyDetail,
  ruleIn,
  ruleKey,
  ruleMatch,
  securityRuleAddress,
} from './security-policy.js';

export const SECURITY_RULE = 'gaap_security_rule';

interface RuleSpec {
  proxy: string;
  rule: RuleShape;
  /** Every declared rule of the policy, in order: the first new one creates them all. */
  siblings: { address: string; rule: RuleShape }[];
}

interface LiveRuleRaw {
  policyId: string;
  proxyId: string;
  rule: { SourceCidr: string; Protocol: string; DestPortRange: string; Action: string };
  /** Every live rule of the policy, in order: the first removed one deletes them all. */
  siblings: { address: string; id: string }[];
}

/**
 * The rules of a proxy's security policy, identified by their natural key
 * `cidr|protocol|ports|action` (an identical second rule is refused). A live rule whose key is no
 * longer declared, named like exactly one declared rule that is not live, is that rule changed:
 * ModifySecurityRule changes its source, protocol, ports and action in place (it takes every
 * field). Otherwise a different key is a different rule (the old one deleted, the new created).
 *
 * Batching: CreateSecurityRules and DeleteSecurityRules take lists. The new rules of one policy go
 * in one call, made by the first of them (in declaration order) with every new address on its
 * step; the others add no step. A new or replaced policy creates all its rules itself, before it
 * is opened (security-policy.ts). Removed rules likewise go in one DeleteSecurityRules.
 */
export const securityRuleKind: GaapKindModule<
  RuleSpec,
  LiveRuleRaw,
  SecurityRuleDesired,
  SecurityPolicyDesired
> = {
  readStage: 3,
  apiActions: [
    'CreateSecurityRules',
    'DeleteSecurityRules',
    'DescribeSecurityPolicyDetail',
    'ModifySecurityRule',
  ],
  handler: {
    type: SECURITY_RULE,
    updatable: { name: 'rule', cidr: 'rule', protocol: 'rule', ports: 'rule', action: 'rule' },
    cascades: false,
    // The key is the address, so a rule is only replaced with its policy (which cascades).
    replaceOrder: 'delete-first',
    outputs: ID_OUTPUT,
    create(node, b) {
      const policy = node.parent!;
      const parent = b.verdictOf(policy);
      if (parent === 'create' || parent === 'replace') return;
      const { spec } = node;
      const fresh = spec.siblings.filter((s) => b.verdictOf(s.address) === 'create');
      if (fresh[0]?.address !== node.address) return;
      const policyId = b.idOf(policy);
      const [first, ...rest] = fresh.map((s) => s.rule);
      b.add({
        operation: 'create',
        summary: `CreateSecurityRules on the policy of proxy ${spec.proxy}: ${fresh.map((s) => ruleKey(s.rule)).join(', ')}`,
        addresses: fresh.map((s) => s.address),
        calls: [
          {
            action: 'CreateSecurityRules',
            params: { PolicyId: policyId, RuleList: fresh.map((s) => ruleIn(s.rule)) },
            outputs: { id: 'RuleIdList.0' },
            // An identical rule already there (ProxySecurityPolicyDuplicatedRule) or an unknown
            // outcome: adopted only when every rule of the batch exists (the call is all-or-nothing).
            lookup: {
              action: 'DescribeSecurityPolicyDetail',
              params: { PolicyId: policyId },
              items: 'RuleList',
              match: ruleMatch(first!),
              also: rest.map(ruleMatch),
              outputs: { id: 'RuleId' },
            },
          },
        ],
      });
    },
    update(node, live, groups, b) {
      if (!groups.includes('rule')) return;
      const { raw } = live;
      const want = node.spec.rule;
      const what =
        live.attrs.name === node.attrs.name ? ruleKey(want) : `name → ${JSON.stringify(node.attrs.name)}`;
      b.add({
        operation: 'update',
        summary: `ModifySecurityRule ${live.id} ${what}`,
        calls: [
          {
            // NOTE: titled "modify rule name", but it takes every field (AliasName required,
            // RuleAction, SourceCidr, Protocol, DestPortRange since 2022): one call sets them all.
            action: 'ModifySecurityRule',
            params: {
              RuleId: live.id,
              PolicyId: raw.policyId,
              AliasName: want.AliasName,
              RuleAction: want.Action,
              SourceCidr: want.SourceCidr,
              Protocol: want.Protocol,
              DestPortRange: want.DestPortRange,
            },
          },
        ],
      });
    },
    delete(live, b) {
      const { raw } = live;
      const gone = raw.siblings.filter((s) => b.verdictOf(s.address) === 'delete');
      if (gone[0]?.address !== live.address) return;
      b.add({
        operation: 'delete',
        summary: `DeleteSecurityRules ${gone.map((s) => s.id).join(', ')} from policy ${raw.policyId}`,
        addresses: gone.map((s) => s.address),
        calls: [
          {
            action: 'DeleteSecurityRules',
            params: { PolicyId: raw.policyId, RuleIdList: gone.map((s) => s.id) },
            // A batch fails whole when one rule is already gone: only a single rule is sure to be.
            ...(gone.length === 1 ? { okCodes: ['ResourceNotFound'] } : {}),
          },
        ],
      });
    },
  },
  desired(ctx) {
    const out: DesiredNode<RuleSpec>[] = [];
    for (const [proxy, p] of Object.entries(ctx.model.proxies ?? {})) {
      const policy = p.securityPolicy;
      if (!policy) continue;
      const siblings = declaredRules(proxy, policy.rules);
      siblings.forEach(({ address, rule }, i) => {
        out.push({
          address,
          type: SECURITY_RULE,
          parent: addr.securityPolicy(proxy),
          refs: [],
          attrs: ruleAttrs(rule),
          protect: policy.protect ?? false,
          ...withSource(ctx.source(`proxies.${proxy}.securityPolicy.rules.${i}`)),
          spec: { proxy, rule, siblings },
        });
      });
    }
    return out;
  },
  async read(ctx) {
    const found = await Promise.all(
      proxiesWithPolicy(ctx).map(async ({ proxy, policyId }) => {
        const detail = await readPolicyDetail(ctx, policyId);
        if (!detail) return [];
        const policy = addr.securityPolicy(proxyNameOf(proxy.address));
        const seen = new Set<string>();
        const nodes: LiveNode<LiveRuleRaw>[] = (detail.RuleList ?? []).map((r) => {
          const rule = liveRuleShape(r);
          const key = ruleKey(rule);
          // Two live rules that normalise alike (`1.2.3.4` and `1.2.3.4/32`, made outside
          // edgeform): the second gets an address of its own, which nothing declares.
          const address = securityRuleAddress(policy, seen.has(key) ? `${key}#${r.RuleId}` : key);
          seen.add(key);
          return {
            address,
            type: SECURITY_RULE,
            parent: policy,
            id: r.RuleId,
            attrs: ruleAttrs(rule),
            raw: {
              policyId: detail.PolicyId || policyId,
              proxyId: proxy.id,
              rule: {
                SourceCidr: r.SourceCidr,
                Protocol: r.Protocol,
                DestPortRange: r.DestPortRange,
                Action: r.Action,
              },
              siblings: [],
            },
          };
        });
        pairRenamedKeys(
          nodes,
          declaredRules(
            proxyNameOf(proxy.address),
            ctx.model.proxies?.[proxyNameOf(proxy.address)]?.securityPolicy?.rules,
          ),
        );
        const siblings = nodes.map((n) => ({ address: n.address, id: n.id }));
        for (const n of nodes) n.raw.siblings = siblings;
        return nodes;
      }),
    );
    return found.flat();
  },
  export: {
    toDesired(r, ctx) {
      if (r.address.includes('#')) {
        ctx.warn(
          `${r.address}: a second live rule equal to another once normalised; left out, so plan will propose deleting it`,
        );
        return undefined;
      }
      const x = r.attrs;
      return {
        ...(x.name ? { name: String(x.name) } : {}),
        cidr: String(x.cidr),
        action: x.action as 'ACCEPT' | 'DROP',
        ...(x.protocol !== 'ALL' ? { protocol: x.protocol as 'TCP' | 'UDP' } : {}),
        ...(x.ports !== 'ALL' ? { ports: String(x.ports) } : {}),
      };
    },
    attach(policy, rule) {
      const rules = policy.rules ?? [];
      rules.push(rule);
      policy.rules = rules;
    },
  },
};

function ruleAttrs(r: RuleShape): Record<string, unknown> {
  return {
    cidr: r.SourceCidr,
    protocol: r.Protocol,
    ports: r.DestPortRange,
    action: r.Action,
    name: r.AliasName,
  };
}

/**
 * A live rule whose key nothing declares takes the address of the one declared rule with its name
 * that is not live (the same rule, changed): the plan then modifies it in place. Only a one-to-one
 * match by a non-empty name counts.
 */
function pairRenamedKeys(
  nodes: LiveNode<LiveRuleRaw>[],
  declared: { address: string; rule: RuleShape }[],
): void {
  const live = new Set(nodes.map((n) => n.address));
  const wanted = new Set(declared.map((d) => d.address));
  const unmatchedLive = nodes.filter((n) => !wanted.has(n.address) && !n.address.includes('#'));
  const unmatchedDeclared = declared.filter((d) => !live.has(d.address));
  for (const n of unmatchedLive) {
    const name = n.attrs.name;
    if (!name) continue;
    const same = unmatchedDeclared.filter((d) => d.rule.AliasName === name);
    const twins = unmatchedLive.filter((m) => m.attrs.name === name);
    if (same.length === 1 && twins.length === 1) n.address = same[0]!.address;
  }
}
