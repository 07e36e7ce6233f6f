import type { GaapDesired, L7DomainDesired, RuleDesired } from '../../../model/gaap-desired-types.js';
import { attributeEqual } from '../../../planner/attribute-compare.js';
import type { StepBuilder } from '../engine/kind-handler.js';
import type { GaapKindModule } from '../engine/kind-module.js';
import { addr } from '../engine/kind-module.js';
import type { DesiredNode, LiveNode } from '../engine/node-types.js';
import type { RuleCheckParams, RuleInfo } from '../gaap-types.js';
import { listAll } from '../paging.js';
import {
  type BindingAttr,
  bindSet,
  defined,
  desiredBindings,
  exportBindings,
  ID_OUTPUT,
  isStr,
  liveBindings,
  present,
  SELF_ID,
  waitFor,
  withSource,
} from './common.js';
import { realServerAddress } from './l4-listener.js';
import { l7DomainKind, liveDomainSets } from './l7-domain.js';
import { l7ListenerKind, l7Rules } from './l7-listener.js';

export const RULE = 'gaap_rule';

interface RuleSpec {
  listener: string;
  domain: string;
  path: string;
  rule: RuleDesired;
  model: GaapDesired;
}

export interface RuleRaw {
  listenerId: string;
  domain: string;
  path: string;
  checkParams: RuleCheckParams | null;
}

const CHECK_FIELDS = [
  'delayLoop',
  'connectTimeout',
  'checkPath',
  'checkMethod',
  'statusCodes',
  'checkDomain',
] as const;

/**
 * NOTE: CreateRule requires the whole CheckParams when the check is on, and the doc gives no
 * defaults; these are the Terraform provider's (tencentcloud_gaap_layer7_rule). Fields the YAML
 * leaves out are sent with them on create and not compared afterwards.
 */
const CHECK_DEFAULTS: RuleCheckParams = {
  DelayLoop: 5,
  ConnectTimeout: 2,
  Path: '/',
  Method: 'HEAD',
  StatusCode: [100, 200, 300, 400, 500],
};

/**
 * Forwarding rules of a domain, identified by path. Scheduler, health check, origin protocol and
 * host, SNI and redirect change in place (ModifyRuleAttribute), and so does the path: when exactly
 * one live rule of a domain has a path nothing declares and exactly one declared rule of that
 * domain is not live, they are one rule whose path changed; bindings are one full-replace
 * BindRuleRealServers; custom headers one replacing CreateCustomHeader. The origin type and the
 * health check's Host force replacement.
 */
export const ruleKind: GaapKindModule<RuleSpec, RuleRaw, RuleDesired, L7DomainDesired> = {
  readStage: 5,
  apiActions: [
    'BindRuleRealServers',
    'CreateCustomHeader',
    'CreateRule',
    'DeleteRule',
    'DescribeCustomHeader',
    'DescribeRuleRealServers',
    'DescribeRules',
    'DescribeRulesByRuleIds',
    'ModifyRuleAttribute',
  ],
  handler: {
    type: RULE,
    updatable: {
      scheduler: 'attr',
      healthCheck: 'attr',
      delayLoop: 'attr',
      connectTimeout: 'attr',
      checkPath: 'attr',
      checkMethod: 'attr',
      statusCodes: 'attr',
      forwardProtocol: 'attr',
      forwardHost: 'attr',
      sni: 'attr',
      forcedRedirect: 'attr',
      path: 'attr',
      realServers: 'bind',
      headers: 'headers',
    },
    cascades: false,
    // Domain + path is the rule's key (RuleAlreadyExisted): the old one goes first.
    replaceOrder: 'delete-first',
    outputs: ID_OUTPUT,
    create(node, b) {
      const { spec } = node;
      const a = node.attrs;
      const listenerId = b.idOf(spec.listener);
      const r = spec.rule;
      const lrtt = a.scheduler === 'lrtt';
      b.add({
        operation: 'create',
        summary: `CreateRule ${spec.domain}${spec.path}`,
        calls: [
          {
            action: 'CreateRule',
            params: defined({
              ListenerId: listenerId,
              Domain: spec.domain,
              Path: spec.path,
              RealServerType: a.realServerType,
              // NOTE: CreateRule takes rr, wrr or lc; lrtt is set by the ModifyRuleAttribute below.
              Scheduler: lrtt ? 'rr' : a.scheduler,
              HealthCheck: a.healthCheck,
              CheckParams: a.healthCheck === 1 ? checkParams(a, undefined, true) : undefined,
              ForwardProtocol:
                r.forwardProtocol && r.forwardProtocol !== 'default' ? r.forwardProtocol : undefined,
              ForwardHost: r.forwardHost,
              ServerNameIndicationSwitch: r.sni ? 'ON' : undefined,
              ServerNameIndication: r.sni,
              ForcedRedirect: r.forcedRedirect,
            }),
            outputs: { id: 'RuleId' },
            lookup: {
              action: 'DescribeRules',
              params: { ListenerId: listenerId },
              within: { items: 'DomainRuleSet', match: { Domain: spec.domain } },
              items: 'RuleSet',
              match: { Path: spec.path },
              outputs: { id: 'RuleId' },
            },
          },
        ],
        wait: ruleReady(`${spec.domain}${spec.path}`, SELF_ID),
      });
      const ruleId = b.idOf(node.address);
      if (lrtt) {
        b.add({
          operation: 'update',
          summary: `ModifyRuleAttribute ${spec.domain}${spec.path} scheduler → lrtt`,
          calls: [
            {
              action: 'ModifyRuleAttribute',
              params: { ListenerId: listenerId, RuleId: ruleId, Scheduler: 'lrtt' },
            },
          ],
          wait: ruleReady(`${spec.domain}${spec.path}`, ruleId),
        });
      }
      const bindings = (a.realServers ?? []) as BindingAttr[];
      if (bindings.length > 0) bind(spec, b, bindings, ruleId);
      const headers = (a.headers ?? []) as HeaderAttr[];
      if (headers.length > 0) setHeaders(spec, b, headers, ruleId);
    },
    update(node, live, groups, b) {
      const { spec } = node;
      const a = node.attrs;
      const ruleId = live.id;
      if (groups.includes('attr')) {
        const changed = (k: string) => a[k] !== undefined && !attributeEqual(a[k], live.attrs[k]);
        const checkChanged = changed('healthCheck') || CHECK_FIELDS.some(changed);
        const fwd = spec.rule.forwardProtocol ?? 'default';
        b.add({
          operation: 'update',
          summary: `ModifyRuleAttribute ${spec.domain}${spec.path}`,
          calls: [
            {
              action: 'ModifyRuleAttribute',
              params: defined({
                ListenerId: live.raw.listenerId,
                RuleId: ruleId,
                Scheduler: changed('scheduler') ? a.scheduler : undefined,
                HealthCheck: checkChanged ? a.healthCheck : undefined,
                // The whole set, even for one changed field: the live values fill what the YAML
                // leaves out. CheckParams.Domain cannot be modified (it forces replacement).
                CheckParams:
                  checkChanged && a.healthCheck === 1
                    ? checkParams(a, live.raw.checkParams, false)
                    : undefined,
                ForwardProtocol: changed('forwardProtocol') ? fwd : undefined,
                ForwardHost: changed('forwardHost') ? a.forwardHost : undefined,
                ServerNameIndicationSwitch: changed('sni') ? (a.sni ? 'ON' : 'OFF') : undefined,
                ServerNameIndication: changed('sni') && a.sni ? a.sni : undefined,
                ForcedRedirect: changed('forcedRedirect') ? a.forcedRedirect : undefined,
                Path: changed('path') ? a.path : undefined,
              }),
            },
          ],
          wait: ruleReady(`${spec.domain}${spec.path}`, ruleId),
        });
      }
      if (groups.includes('bind')) bind(spec, b, (a.realServers ?? []) as BindingAttr[], ruleId);
      if (groups.includes('headers')) setHeaders(spec, b, (a.headers ?? []) as HeaderAttr[], ruleId);
    },
    delete(live, b) {
      b.add({
        operation: 'delete',
        summary: `DeleteRule ${live.raw.domain}${live.raw.path} (${live.id})`,
        calls: [
          {
            action: 'DeleteRule',
            params: { ListenerId: live.raw.listenerId, RuleId: live.id, Force: 1 },
            okCodes: ['ResourceNotFound'],
          },
        ],
      });
    },
  },
  desired(ctx) {
    return l7Rules(ctx.model, ctx.source).map(({ domain, rule: r, address }): DesiredNode<RuleSpec> => {
      const listener = domain.listener.listener;
      const hc = r.healthCheck;
      const bindings = desiredBindings(r.realServers, false);
      // NOTE: `default` is the listener's origin protocol, and a rule reports the protocol it
      // resolved to, so the desired side is resolved the same way. Not declared: not compared
      // (RuleInfo.ForwardProtocol is in the SDK only, and a rule keeps what it resolved at
      // creation when the listener's changes).
      const listenerForward = listener.protocol === 'HTTPS' ? (listener.forwardProtocol ?? 'HTTP') : 'HTTP';
      const forwardProtocol =
        r.forwardProtocol === 'default' ? listenerForward : (r.forwardProtocol ?? undefined);
      return {
        address,
        type: RULE,
        parent: domain.address,
        refs: (bindings ?? []).map((x) => x.realServer),
        attrs: normalizeRule({
          realServerType: r.realServerType ?? 'IP',
          scheduler: r.scheduler ?? 'rr',
          healthCheck: hc?.enabled ? 1 : 0,
          delayLoop: hc?.delayLoop,
          connectTimeout: hc?.connectTimeout,
          checkPath: hc?.path,
          checkMethod: hc?.method,
          statusCodes: hc?.statusCodes ? sortedNumbers(hc.statusCodes) : undefined,
          checkDomain: hc?.domain,
          forwardProtocol,
          forwardHost: r.forwardHost ?? 'default',
          sni: r.sni ?? null,
          forcedRedirect: r.forcedRedirect ?? '',
          realServers: bindings,
          headers: r.headers?.map((h) => ({ name: h.name, value: h.value })),
          path: r.path,
        }),
        protect: r.protect ?? false,
        ...withSource(domain.listener.source),
        spec: {
          listener: domain.listener.address,
          domain: domain.domain.domain,
          path: r.path,
          rule: r,
          model: ctx.model,
        },
      };
    });
  },
  async read(ctx) {
    const withHeaders = new Set(
      l7Rules(ctx.model)
        .filter((r) => r.rule.headers !== undefined)
        .map((r) => r.address),
    );
    const declared = new Map<string, string[]>();
    for (const r of l7Rules(ctx.model))
      declared.set(r.domain.address, [...(declared.get(r.domain.address) ?? []), r.address]);
    const out: LiveNode<RuleRaw>[] = [];
    const pending: Promise<void>[] = [];
    for (const { listener, domain } of await liveDomainSets(ctx)) {
      const domainAddress = addr.domain(listener.address, domain.Domain);
      const addressOf = pairChangedPath(
        domainAddress,
        domain.RuleSet ?? [],
        declared.get(domainAddress) ?? [],
      );
      for (const r of domain.RuleSet ?? []) {
        const address = addressOf(r.Path);
        const node: LiveNode<RuleRaw> = {
          address,
          type: RULE,
          parent: domainAddress,
          id: r.RuleId,
          attrs: {},
          ...(r.RuleStatus === 0 ? {} : { busy: `RuleStatus ${r.RuleStatus}` }),
          raw: { listenerId: listener.id, domain: domain.Domain, path: r.Path, checkParams: r.CheckParams },
        };
        out.push(node);
        pending.push(
          (async () => {
            // DescribeRules carries each rule's bound servers; the per-rule call only when it does not.
            const bound = Array.isArray(r.RealServerSet)
              ? r.RealServerSet
              : await listAll(
                  ctx.client,
                  'DescribeRuleRealServers',
                  { RuleId: r.RuleId },
                  'BindRealServerSet',
                );
            const bindings = liveBindings(bound, ctx.addressOfId, false);
            ctx.liveRefs.set(
              address,
              bindings.map((x) => x.realServer),
            );
            // Headers are managed only where declared: read only there.
            const headers = withHeaders.has(address)
              ? ((await ctx.client.call('DescribeCustomHeader', { RuleId: r.RuleId })).Headers ?? [])
              : undefined;
            node.attrs = { ...liveAttrs(r, bindings, headers), path: r.Path };
          })(),
        );
      }
    }
    await Promise.all(pending);
    return out;
  },
  export: {
    readsDeclaredOnly: {
      onRule(rule) {
        rule.headers = [];
      },
    },
    toDesired(r, ctx) {
      const x = r.attrs;
      const domain = ctx.parent(r, l7DomainKind);
      const listener = domain && ctx.parent(domain, l7ListenerKind);
      // A rule resolves `default` to the listener's origin protocol: only a different one is its own.
      const listenerForward =
        listener?.raw.protocol === 'HTTPS' ? (listener.attrs.forwardProtocol ?? 'HTTP') : 'HTTP';
      const healthCheck =
        x.healthCheck === 1
          ? present({
              enabled: true,
              delayLoop: x.delayLoop,
              connectTimeout: x.connectTimeout,
              path: x.checkPath,
              method: x.checkMethod,
              statusCodes: x.statusCodes,
              domain: x.checkDomain,
            })
          : undefined;
      const realServers = exportBindings(ctx, r.address, x.realServers);
      const headers = (x.headers ?? []) as { name: string; value: string }[];
      return {
        path: r.raw.path,
        ...(x.realServerType !== 'IP' ? { realServerType: x.realServerType as 'DOMAIN' } : {}),
        ...(x.scheduler !== 'rr' ? { scheduler: x.scheduler as 'wrr' } : {}),
        ...(healthCheck ? { healthCheck: healthCheck as { enabled: boolean } } : {}),
        ...(isStr(x.forwardProtocol) && x.forwardProtocol !== listenerForward
          ? { forwardProtocol: x.forwardProtocol as 'HTTP' | 'HTTPS' }
          : {}),
        ...(isStr(x.forwardHost) && x.forwardHost !== 'default' ? { forwardHost: x.forwardHost } : {}),
        ...(isStr(x.sni) ? { sni: x.sni } : {}),
        ...(isStr(x.forcedRedirect) && x.forcedRedirect !== '' ? { forcedRedirect: x.forcedRedirect } : {}),
        ...(realServers ? { realServers } : {}),
        ...(headers.length > 0 ? { headers } : {}),
      };
    },
    attach(domain, rule) {
      const rules = domain.rules ?? [];
      rules.push(rule);
      domain.rules = rules;
    },
  },
};

interface HeaderAttr {
  name: string;
  value: string;
}

function liveAttrs(
  r: RuleInfo,
  bindings: BindingAttr[],
  headers: { HeaderName: string; HeaderValue: string }[] | undefined,
): Record<string, unknown> {
  const cp = r.CheckParams as RuleCheckParams | null | undefined;
  return normalizeRule({
    realServerType: r.RealServerType,
    scheduler: r.Scheduler,
    healthCheck: r.HealthCheck,
    delayLoop: cp?.DelayLoop,
    connectTimeout: cp?.ConnectTimeout,
    checkPath: cp?.Path,
    checkMethod: cp?.Method,
    statusCodes: cp?.StatusCode ? sortedNumbers(cp.StatusCode) : undefined,
    checkDomain: cp?.Domain || undefined,
    forwardProtocol: (r as { ForwardProtocol?: string }).ForwardProtocol || undefined,
    forwardHost: r.ForwardHost || 'default',
    sni: r.ServerNameIndicationSwitch === 'ON' ? r.ServerNameIndication || null : null,
    forcedRedirect: r.ForcedRedirect ?? '',
    realServers: bindings,
    headers: headers?.map((h) => ({ name: h.HeaderName, value: h.HeaderValue })),
  });
}

/** Check parameters mean nothing while the check is off: dropped on both sides. */
function normalizeRule(a: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  if (out.healthCheck !== 1) for (const f of CHECK_FIELDS) out[f] = undefined;
  return out;
}

function sortedNumbers(xs: readonly number[]): number[] {
  return [...xs].sort((x, y) => x - y);
}

/** The desired check parameters over the live ones (modify) or the defaults (create). */
function checkParams(
  a: Record<string, unknown>,
  live: RuleCheckParams | null | undefined,
  withDomain: boolean,
): RuleCheckParams {
  const base = live ?? CHECK_DEFAULTS;
  return {
    DelayLoop: (a.delayLoop as number | undefined) ?? base.DelayLoop,
    ConnectTimeout: (a.connectTimeout as number | undefined) ?? base.ConnectTimeout,
    Path: (a.checkPath as string | undefined) ?? base.Path,
    Method: (a.checkMethod as string | undefined) ?? base.Method,
    StatusCode: (a.statusCodes as number[] | undefined) ?? base.StatusCode,
    ...(withDomain && a.checkDomain !== undefined ? { Domain: a.checkDomain as string } : {}),
  };
}

function bind(spec: RuleSpec, b: StepBuilder, bindings: BindingAttr[], ruleId: unknown): void {
  b.add({
    operation: 'update',
    summary: `BindRuleRealServers ${spec.domain}${spec.path} → ${bindings.length} real server${bindings.length === 1 ? '' : 's'}`,
    calls: [
      {
        action: 'BindRuleRealServers',
        // NOTE: a full replace; omitting the set (not sending an empty one) is the documented unbind-all.
        params: {
          RuleId: ruleId,
          ...(bindings.length > 0
            ? { RealServerBindSet: bindSet(bindings, b, (rs) => realServerAddress(spec.model, rs)) }
            : {}),
        },
      },
    ],
    wait: ruleReady(`${spec.domain}${spec.path}`, ruleId),
  });
}

function setHeaders(spec: RuleSpec, b: StepBuilder, headers: HeaderAttr[], ruleId: unknown): void {
  b.add({
    operation: 'update',
    summary: `CreateCustomHeader ${spec.domain}${spec.path}: ${headers.length} header${headers.length === 1 ? '' : 's'}`,
    calls: [
      {
        action: 'CreateCustomHeader',
        // NOTE: the doc does not say whether this appends or replaces; the emulator replaces (its
        // NOTE 2), and the whole declared list is always sent, which is right either way on a rule
        // whose headers edgeform alone writes.
        params: {
          RuleId: ruleId,
          Headers: headers.map((h) => ({ HeaderName: h.name, HeaderValue: h.value })),
        },
        // It sets the rule's whole header list: sending it again after an uncertain answer leaves
        // the same list, so it is retried like a Modify.
        repeatable: true,
      },
    ],
    wait: ruleReady(`${spec.domain}${spec.path}`, ruleId),
  });
}

function ruleReady(label: string, ruleId: unknown) {
  return waitFor(`rule ${label} ready`, {
    action: 'DescribeRulesByRuleIds',
    // NOTE: at most 10 RuleIds a call (seed 002, DescribeRulesByRuleIds).
    params: { RuleIds: [ruleId] },
    batch: { param: 'RuleIds', max: 10 },
    item: { items: 'RuleSet', match: { RuleId: ruleId } },
    statusPath: 'RuleStatus',
    ready: [0],
  });
}

/**
 * The address of each live rule of a domain: by its path, except that the one live rule with an
 * undeclared path takes the address of the one declared rule not live, when each is alone: the
 * same rule with its path changed (ModifyRuleAttribute changes it in place).
 */
function pairChangedPath(
  domain: string,
  live: readonly { Path: string }[],
  declared: readonly string[],
): (path: string) => string {
  const own = (path: string) => addr.rule(domain, path);
  const liveAddresses = new Set(live.map((r) => own(r.Path)));
  const strays = live.filter((r) => !declared.includes(own(r.Path)));
  const missing = declared.filter((a) => !liveAddresses.has(a));
  const [stray] = strays;
  const [target] = missing;
  return (path) =>
    strays.length === 1 && missing.length === 1 && stray?.Path === path && target ? target : own(path);
}
