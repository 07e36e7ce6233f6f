import { EdgeformError } from '../../../core/errors.js';
import type {
  ProxyDesired,
  SecurityPolicyDesired,
  SecurityRuleDesired,
} from '../../../model/gaap-desired-types.js';
import type { StepBuilder } from '../engine/kind-handler.js';
import type { GaapKindModule, ReadContext } from '../engine/kind-module.js';
import { addr, liveOfKind } from '../engine/kind-module.js';
import type { DesiredNode, LiveNode } from '../engine/node-types.js';
import { isGaapApiError } from '../gaap-errors.js';
import type { Response, SecurityPolicyRuleIn } from '../gaap-types.js';
import { ID_OUTPUT, SELF_ID, waitFor, withSource } from './common.js';
import { proxyNameOf } from './l4-listener.js';
import { PROXY, type ProxyRaw, proxyKind } from './proxy.js';

export const SECURITY_POLICY = 'gaap_security_policy';

/** The rule of a policy in the form the API takes and returns, after normalisation. */
export interface RuleShape {
  SourceCidr: string;
  Protocol: 'TCP' | 'UDP' | 'ALL';
  DestPortRange: string;
  Action: 'ACCEPT' | 'DROP';
  AliasName: string;
}

export interface PolicySpec {
  proxy: string;
  /** Every declared rule: a new policy is created with all of them (see `create`). */
  rules: { address: string; rule: RuleShape }[];
}

interface PolicyRaw {
  proxyId: string;
  status: string;
}

type PolicyDetail = Response<'DescribeSecurityPolicyDetail'>;

/**
 * NOTE: the API strips `/32` from a host address (GAAP API, DescribeSecurityPolicyDetail: SourceCidr):
 * `1.2.3.4/32` ≡ `1.2.3.4`.
 */
export function normalizeCidr(cidr: string): string {
  const t = cidr.trim();
  return t.endsWith('/32') ? t.slice(0, -3) : t;
}

function normalizePorts(ports: string | undefined): string {
  const t = (ports ?? 'ALL').replace(/\s+/g, '');
  return t.toUpperCase() === 'ALL' ? 'ALL' : t;
}

/** NOTE: AliasName longer than 30 characters is silently truncated by the API, not refused. */
export const ALIAS_MAX = 30;

export function ruleShape(r: SecurityRuleDesired): RuleShape {
  return {
    SourceCidr: normalizeCidr(r.cidr),
    Protocol: r.protocol ?? 'ALL',
    DestPortRange: normalizePorts(r.ports),
    Action: r.action,
    AliasName: (r.name ?? '').slice(0, ALIAS_MAX),
  };
}

export function liveRuleShape(r: {
  SourceCidr: string;
  Protocol: string;
  DestPortRange: string;
  Action: string;
  AliasName: string;
}): RuleShape {
  return {
    SourceCidr: normalizeCidr(r.SourceCidr),
    Protocol: (r.Protocol || 'ALL').toUpperCase() as RuleShape['Protocol'],
    DestPortRange: normalizePorts(r.DestPortRange || 'ALL'),
    Action: r.Action.toUpperCase() as RuleShape['Action'],
    AliasName: r.AliasName ?? '',
  };
}

/** The natural key of a rule: an identical rule is refused (ProxySecurityPolicyDuplicatedRule). */
export const ruleKey = (r: RuleShape) => `${r.SourceCidr}|${r.Protocol}|${r.DestPortRange}|${r.Action}`;

export const securityRuleAddress = (policy: string, key: string) => `${policy}.rule["${key}"]`;

export function ruleIn(r: RuleShape): SecurityPolicyRuleIn {
  return {
    SourceCidr: r.SourceCidr,
    Action: r.Action,
    Protocol: r.Protocol,
    DestPortRange: r.DestPortRange,
    ...(r.AliasName ? { AliasName: r.AliasName } : {}),
  };
}

/** The fields a created rule is found by (its natural key). */
export const ruleMatch = (r: RuleShape) => ({
  SourceCidr: r.SourceCidr,
  Protocol: r.Protocol,
  DestPortRange: r.DestPortRange,
  Action: r.Action,
});

/** The declared rules of a proxy's policy, normalised, in declaration order, with their addresses. */
export function declaredRules(proxy: string, rules: readonly SecurityRuleDesired[] | undefined) {
  const policy = addr.securityPolicy(proxy);
  const seen = new Set<string>();
  return (rules ?? []).map((r) => {
    const rule = ruleShape(r);
    const key = ruleKey(rule);
    if (seen.has(key)) {
      throw new EdgeformError({
        code: 'GAAP_DUPLICATE_SECURITY_RULE',
        message: `proxy ${proxy}: two security rules are the same rule once normalised (${key}); GAAP stores ${r.cidr} as ${rule.SourceCidr}`,
        resolution: 'remove one of the two rules',
      });
    }
    seen.add(key);
    return { address: securityRuleAddress(policy, key), rule };
  });
}

/**
 * The policy of an owned proxy with its rules: read once per plan, for this kind and the rule
 * kind. A policy deleted since DescribeProxies answered is absent.
 */
export function readPolicyDetail(ctx: ReadContext, policyId: string): Promise<PolicyDetail | undefined> {
  return ctx.cached(`DescribeSecurityPolicyDetail:${policyId}`, async () => {
    try {
      return await ctx.client.call('DescribeSecurityPolicyDetail', { PolicyId: policyId });
    } catch (e) {
      if (isGaapApiError(e) && e.errorClass === 'not-found') return undefined;
      throw e;
    }
  });
}

/** Owned proxies that carry a policy, with its ID (ProxyInfo.PolicyId, '' when none). */
export function proxiesWithPolicy(ctx: ReadContext): { proxy: LiveNode<ProxyRaw>; policyId: string }[] {
  return liveOfKind(proxyKind, ctx.live)
    .map((proxy) => ({ proxy, policyId: proxy.raw.item.PolicyId ?? '' }))
    .filter((x) => x.policyId !== '');
}

const policyBound = (policyId: unknown, what: string) =>
  waitFor(what, {
    action: 'DescribeSecurityPolicyDetail',
    params: { PolicyId: policyId },
    statusPath: 'Status',
    ready: ['BOUND'],
  });

/**
 * The security policy of a proxy (one per proxy). DefaultAction has no modify action, so changing
 * it replaces the policy, and its rules with it. A declared policy is open (BOUND).
 *
 * NOTE: OpenSecurityPolicy returns a TaskId, and the doc contradicts itself on what
 * DescribeTaskStatus takes (the TaskId or the RequestId: the GAAP API pages of OpenSecurityPolicy and
 * DescribeTaskStatus). The policy's own Status is polled instead: it needs no task ID, and it also works
 * when Open answers AlreadyOpen.
 */
export const securityPolicyKind: GaapKindModule<PolicySpec, PolicyRaw, SecurityPolicyDesired, ProxyDesired> =
  {
    readStage: 3,
    apiActions: [
      'CloseSecurityPolicy',
      'CreateSecurityPolicy',
      'CreateSecurityRules',
      'DeleteSecurityPolicy',
      'DescribeProxies',
      'DescribeSecurityPolicyDetail',
      'OpenSecurityPolicy',
    ],
    handler: {
      type: SECURITY_POLICY,
      updatable: { enabled: 'open' },
      cascades: true,
      // One policy per proxy (ProxySecurityPolicyExisted): the old one goes first.
      replaceOrder: 'delete-first',
      outputs: ID_OUTPUT,
      create(node, b) {
        const { spec } = node;
        const proxyId = b.idOf(addr.proxy(spec.proxy));
        const [first, ...rest] = spec.rules;
        b.add({
          operation: 'create',
          summary: `CreateSecurityPolicy on proxy ${spec.proxy} (default ${String(node.attrs.defaultAction)}, ${spec.rules.length} rule${spec.rules.length === 1 ? '' : 's'}), then open it`,
          // The rules go in before the policy is opened, in one call: a DROP policy never runs
          // without its ACCEPT rules.
          addresses: [node.address, ...spec.rules.map((r) => r.address)],
          calls: [
            {
              action: 'CreateSecurityPolicy',
              params: { ProxyId: proxyId, DefaultAction: node.attrs.defaultAction },
              outputs: { id: 'PolicyId' },
              lookup: {
                action: 'DescribeProxies',
                params: { ProxyIds: [proxyId] },
                items: 'ProxySet',
                match: { ProxyId: proxyId },
                outputs: { id: 'PolicyId' },
              },
            },
            ...(first
              ? [
                  {
                    action: 'CreateSecurityRules',
                    params: { PolicyId: SELF_ID, RuleList: spec.rules.map((r) => ruleIn(r.rule)) },
                    lookup: {
                      action: 'DescribeSecurityPolicyDetail',
                      params: { PolicyId: SELF_ID },
                      items: 'RuleList',
                      match: ruleMatch(first.rule),
                      also: rest.map((r) => ruleMatch(r.rule)),
                      outputs: { firstRuleId: 'RuleId' },
                    },
                  },
                ]
              : []),
            // A new policy is closed (UNBIND): opened here unless declared closed.
            ...(node.attrs.enabled === false
              ? []
              : [
                  {
                    action: 'OpenSecurityPolicy',
                    params: { ProxyId: proxyId, PolicyId: SELF_ID },
                    okCodes: ['FailedOperation.ProxySecurityAlreadyOpen'],
                  },
                ]),
          ],
          ...(node.attrs.enabled === false
            ? {}
            : { wait: policyBound(SELF_ID, `security policy of proxy ${spec.proxy} BOUND`) }),
        });
      },
      update(node, live, groups, b) {
        if (!groups.includes('open')) return;
        if (node.attrs.enabled === false) {
          closePolicy(live, b, false);
          return;
        }
        b.add({
          operation: 'update',
          summary: `OpenSecurityPolicy ${live.id} on proxy ${live.raw.proxyId}`,
          calls: [
            {
              action: 'OpenSecurityPolicy',
              params: { ProxyId: live.raw.proxyId, PolicyId: live.id },
              okCodes: ['FailedOperation.ProxySecurityAlreadyOpen'],
            },
          ],
          wait: policyBound(live.id, `security policy ${live.id} BOUND`),
        });
      },
      delete(live, b) {
        if (live.attrs.enabled !== false || live.busy) closePolicy(live, b, true);
        b.add({
          operation: 'delete',
          summary: `DeleteSecurityPolicy ${live.id} with its rules`,
          calls: [
            {
              action: 'DeleteSecurityPolicy',
              params: { PolicyId: live.id },
              okCodes: ['ResourceNotFound'],
            },
          ],
        });
      },
    },
    desired(ctx) {
      const out: DesiredNode<PolicySpec>[] = [];
      for (const [proxy, p] of Object.entries(ctx.model.proxies ?? {})) {
        const policy = p.securityPolicy;
        if (!policy) continue;
        out.push({
          address: addr.securityPolicy(proxy),
          type: SECURITY_POLICY,
          parent: addr.proxy(proxy),
          refs: [],
          attrs: { defaultAction: policy.defaultAction, enabled: policy.enabled ?? true },
          protect: policy.protect ?? false,
          ...withSource(ctx.source(`proxies.${proxy}.securityPolicy`)),
          spec: { proxy, rules: declaredRules(proxy, policy.rules) },
        });
      }
      return out;
    },
    // A proxy's policy is read as soon as the proxies' page naming it answers.
    prefetchUnder: {
      type: PROXY,
      start: async (ctx, proxy) => {
        const policyId = (proxy.raw as ProxyRaw).item.PolicyId ?? '';
        if (policyId !== '') await readPolicyDetail(ctx, policyId);
      },
    },
    async read(ctx) {
      const found = await Promise.all(
        proxiesWithPolicy(ctx).map(async ({ proxy, policyId }) => {
          const detail = await readPolicyDetail(ctx, policyId);
          if (!detail) return undefined;
          const status = detail.Status;
          return {
            address: addr.securityPolicy(proxyNameOf(proxy.address)),
            type: SECURITY_POLICY,
            parent: proxy.address,
            id: detail.PolicyId || policyId,
            attrs: {
              defaultAction: detail.DefaultAction,
              // BINDING is on its way to open, UNBINDING to closed.
              enabled: status === 'BOUND' || status === 'BINDING',
            },
            ...(status === 'BOUND' || status === 'UNBIND' ? {} : { busy: status }),
            raw: { proxyId: proxy.id, status },
          } satisfies LiveNode<PolicyRaw>;
        }),
      );
      return found.filter((n) => n !== undefined);
    },
    export: {
      // Its rules are attached by their own kind.
      toDesired(n) {
        return {
          defaultAction: n.attrs.defaultAction as 'ACCEPT' | 'DROP',
          ...(n.attrs.enabled === false ? { enabled: false } : {}),
        };
      },
      attach(proxy, policy) {
        proxy.securityPolicy = policy;
      },
    },
  };

/** CloseSecurityPolicy, waiting for UNBIND: before a delete, or a policy declared `enabled: false`. */
function closePolicy(live: LiveNode<PolicyRaw>, b: StepBuilder, beforeDelete: boolean): void {
  b.add({
    operation: 'update',
    summary: `CloseSecurityPolicy ${live.id} on proxy ${live.raw.proxyId}`,
    ...(beforeDelete ? { destructive: true } : {}),
    calls: [
      {
        action: 'CloseSecurityPolicy',
        params: { ProxyId: live.raw.proxyId, PolicyId: live.id },
        okCodes: ['FailedOperation.ProxySecurityAlreadyClose', ...(beforeDelete ? ['ResourceNotFound'] : [])],
      },
    ],
    wait: waitFor(`security policy ${live.id} UNBIND`, {
      action: 'DescribeSecurityPolicyDetail',
      params: { PolicyId: live.id },
      statusPath: 'Status',
      ready: ['UNBIND'],
    }),
  });
}
