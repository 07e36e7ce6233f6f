import { copyOf } from '../../undo-journal.js';
import { fail, notFound } from '../errors.js';
import { BLACK_HEADERS } from '../regions.js';
import {
  type Binding,
  type Busy,
  type Ctx,
  current,
  type GaapState,
  type Handler,
  has,
  list,
  type Params,
  page,
  type ResourceModule,
  recordsWhere,
  startBusy,
  str,
} from '../state.js';
import type { CrossRule, ValueRule } from '../validation-rules.js';
import { domainOut, getDomain, l7Listener, requireDomainIdle, writableL7 } from './l7-domain.js';
import { getListener, type ListenerRec, requireListenerIdle, requireParentRunning } from './listener.js';
import { bindableServers, bindingOut, checkBindSet, realServerOut } from './real-server.js';

export interface RuleCheckParams {
  DelayLoop: number;
  ConnectTimeout: number;
  Path: string;
  Method: string;
  StatusCode: number[];
  Domain?: string;
  FailedCountInter?: number;
  FailedThreshold?: number;
  BlockInter?: number;
}

export interface RuleRec {
  seq: number;
  RuleId: string;
  ListenerId: string;
  Domain: string;
  Path: string;
  RealServerType: string;
  Scheduler: string;
  HealthCheck: number;
  CheckParams: RuleCheckParams | null;
  ForwardProtocol: string;
  ForwardHost: string;
  ServerNameIndicationSwitch: string;
  ServerNameIndication: string;
  ForcedRedirect: string;
  headers: { HeaderName: string; HeaderValue: string }[];
  bindings: Binding[];
  /** 0 running; busy 1 creating, 3 binding, 4 modifying. */
  busy?: Busy<1 | 3 | 4>;
}

declare module '../state.js' {
  interface GaapTables {
    rules: Record<string, RuleRec>;
  }
}

export function ruleStatus(ctx: Ctx, r: RuleRec): number {
  return current(r, 0, ctx.now);
}

function rulesOfListener(state: GaapState, listenerId: string): RuleRec[] {
  return recordsWhere(state.rules, 'ListenerId', listenerId);
}

function requireRuleIdle(ctx: Ctx, r: RuleRec): void {
  const s = ruleStatus(ctx, r);
  if (s !== 0) fail('FailedOperation.ActionIsDoing', `The rule ${r.RuleId} is busy (RuleStatus ${s}).`);
}

function getRule(ctx: Ctx, id: string): RuleRec {
  const r = ctx.state.rules[id];
  if (!r) notFound('rule', id);
  return r;
}

function ruleOut(ctx: Ctx, r: RuleRec) {
  return {
    RuleId: r.RuleId,
    ListenerId: r.ListenerId,
    Domain: r.Domain,
    Path: r.Path,
    RealServerType: r.RealServerType,
    Scheduler: r.Scheduler,
    HealthCheck: r.HealthCheck,
    RuleStatus: ruleStatus(ctx, r),
    CheckParams: r.CheckParams,
    RealServerSet: r.bindings.map(bindingOut),
    // NOTE: RuleInfo.BindStatus polarity is 1 = normal (all servers are healthy here).
    BindStatus: 1,
    ForwardHost: r.ForwardHost,
    ServerNameIndicationSwitch: r.ServerNameIndicationSwitch,
    ServerNameIndication: r.ServerNameIndication,
    ForcedRedirect: r.ForcedRedirect,
    // Not in the doc but in the official SDK's RuleInfo.
    ForwardProtocol: r.ForwardProtocol,
  };
}

function applyRuleFields(r: RuleRec, l: ListenerRec, p: Params, creating: boolean): void {
  if (has(p, 'Scheduler')) r.Scheduler = p.Scheduler as string;
  if (has(p, 'HealthCheck')) r.HealthCheck = p.HealthCheck as number;
  if (has(p, 'CheckParams')) {
    const next = p.CheckParams as RuleCheckParams;
    // NOTE: RuleCheckParams.Domain "cannot be modified by ModifyRuleAttribute", yet the seed's
    // ModifyRuleAttribute example sends it: it is accepted and ignored, the stored value stays.
    r.CheckParams = { ...next, Domain: creating ? (next.Domain ?? '') : (r.CheckParams?.Domain ?? '') };
  }
  if (has(p, 'Path')) r.Path = p.Path as string;
  const fwd = str(p, 'ForwardProtocol');
  if (fwd !== undefined) r.ForwardProtocol = fwd === 'default' ? l.ForwardProtocol : fwd;
  const host = str(p, 'ForwardHost');
  // NOTE: ModifyRuleAttribute says `default` means the rule's domain; CreateRule's default is the
  // client's Host. Both are stored as given and reported back.
  if (host !== undefined) r.ForwardHost = host;
  if (has(p, 'ServerNameIndicationSwitch'))
    r.ServerNameIndicationSwitch = p.ServerNameIndicationSwitch as string;
  if (has(p, 'ServerNameIndication')) r.ServerNameIndication = p.ServerNameIndication as string;
  if (r.ServerNameIndicationSwitch === 'ON' && !r.ServerNameIndication) {
    fail('MissingParameter', 'ServerNameIndication is required when ServerNameIndicationSwitch is ON.');
  }
  if (has(p, 'ForcedRedirect')) r.ForcedRedirect = p.ForcedRedirect as string;
}

const actions: Record<string, Handler> = {
  DescribeRules: (ctx, p) => {
    const l = l7Listener(ctx, p.ListenerId as string);
    const domains = recordsWhere(ctx.state.domains, 'ListenerId', l.ListenerId);
    const rulesOfL = rulesOfListener(ctx.state, l.ListenerId);
    const set = domains.map((d) => {
      const { Domain, ...rest } = domainOut(ctx, d);
      const rules = rulesOfL.filter((r) => r.Domain === Domain);
      return { Domain, RuleSet: rules.map((r) => ruleOut(ctx, r)), ...rest };
    });
    return { DomainRuleSet: set, TotalCount: set.length };
  },

  DescribeRulesByRuleIds: (ctx, p) => {
    // Looked up by ID, not by a scan of every rule of the account.
    const set = [...new Set(p.RuleIds as string[])]
      .flatMap((id) => (Object.hasOwn(ctx.state.rules, id) ? [ctx.state.rules[id]!] : []))
      .sort((a, b) => a.seq - b.seq)
      .map((r) => ruleOut(ctx, r));
    return { TotalCount: set.length, RuleSet: set };
  },

  CreateRule: (ctx, p) => {
    const l = writableL7(ctx, p.ListenerId as string);
    // NOTE: the doc leaves open whether CreateRule creates the domain implicitly; the emulator
    // requires CreateDomain first (stricter, so a client that works here works either way).
    const d = getDomain(ctx, l.ListenerId, p.Domain as string);
    requireDomainIdle(ctx, d);
    const path = p.Path as string;
    if (rulesOfListener(ctx.state, l.ListenerId).some((r) => r.Domain === d.Domain && r.Path === path)) {
      fail('FailedOperation.RuleAlreadyExisted', `A rule for ${d.Domain}${path} already exists.`);
    }
    const r: RuleRec = {
      seq: ctx.nextSeq(),
      RuleId: ctx.newId('rule'),
      ListenerId: l.ListenerId,
      Domain: d.Domain,
      Path: path,
      RealServerType: p.RealServerType as string,
      Scheduler: 'rr',
      HealthCheck: 0,
      CheckParams: null,
      ForwardProtocol: l.Protocol === 'HTTPS' ? l.ForwardProtocol : 'HTTP',
      ForwardHost: 'default',
      ServerNameIndicationSwitch: 'OFF',
      ServerNameIndication: '',
      ForcedRedirect: '',
      headers: [],
      bindings: [],
      busy: startBusy(ctx, 1, 'rule'),
    };
    applyRuleFields(r, l, p, true);
    ctx.state.rules[r.RuleId] = r;
    return { RuleId: r.RuleId };
  },

  ModifyRuleAttribute: (ctx, p) => {
    const l = writableL7(ctx, p.ListenerId as string);
    const r = getRule(ctx, p.RuleId as string);
    if (r.ListenerId !== l.ListenerId)
      fail('InvalidParameterValue', `Rule ${r.RuleId} is not on ${l.ListenerId}.`);
    requireRuleIdle(ctx, r);
    const draft = copyOf(r);
    applyRuleFields(draft, l, p, false);
    if (
      draft.Path !== r.Path &&
      rulesOfListener(ctx.state, l.ListenerId).some((x) => x.Domain === r.Domain && x.Path === draft.Path)
    ) {
      fail('FailedOperation.RuleAlreadyExisted', `A rule for ${r.Domain}${draft.Path} already exists.`);
    }
    Object.assign(r, draft, { busy: startBusy(ctx, 4, 'rule') });
    return {};
  },

  DeleteRule: (ctx, p) => {
    const l = l7Listener(ctx, p.ListenerId as string);
    requireParentRunning(ctx, l, 'delete');
    const r = getRule(ctx, p.RuleId as string);
    if (r.ListenerId !== l.ListenerId)
      fail('InvalidParameterValue', `Rule ${r.RuleId} is not on ${l.ListenerId}.`);
    requireRuleIdle(ctx, r);
    if (p.Force === 0 && r.bindings.length > 0) {
      fail(
        'FailedOperation.RealServerAlreadyBound',
        'The rule still has real servers bound; unbind them or use Force=1.',
      );
    }
    delete ctx.state.rules[r.RuleId];
    return {};
  },

  BindRuleRealServers: (ctx, p) => {
    const r = getRule(ctx, p.RuleId as string);
    const l = l7Listener(ctx, r.ListenerId);
    requireParentRunning(ctx, l, 'write');
    requireListenerIdle(ctx, l);
    requireDomainIdle(ctx, getDomain(ctx, l.ListenerId, r.Domain));
    requireRuleIdle(ctx, r);
    // Doc: full replace, and omitting RealServerBindSet unbinds every server.
    const set = list<Binding>(p, 'RealServerBindSet') ?? [];
    r.bindings = checkBindSet(ctx, l, r.RealServerType, 0, set);
    r.busy = startBusy(ctx, 3, 'rule');
    return {};
  },

  DescribeRuleRealServers: (ctx, p) => {
    const r = getRule(ctx, p.RuleId as string);
    const l = getListener(ctx, r.ListenerId);
    const bindable = bindableServers(ctx, l, r.RealServerType);
    return {
      TotalCount: bindable.length,
      RealServerSet: page(bindable, p).map(realServerOut),
      BindRealServerTotalCount: r.bindings.length,
      BindRealServerSet: r.bindings.map(bindingOut),
    };
  },

  CreateCustomHeader: (ctx, p) => {
    const r = getRule(ctx, p.RuleId as string);
    writableL7(ctx, r.ListenerId);
    requireRuleIdle(ctx, r);
    const headers = list<{ HeaderName: string; HeaderValue: string }>(p, 'Headers') ?? [];
    const black = new Set(BLACK_HEADERS.map((h) => h.toLowerCase()));
    for (const h of headers) {
      if (black.has(h.HeaderName.toLowerCase())) {
        fail(
          'InvalidParameterValue.HitBlacklist',
          `Header ${h.HeaderName} cannot be customised (see DescribeBlackHeader).`,
        );
      }
    }
    // NOTE: the doc does not say whether this appends or replaces, and has no delete action. The
    // emulator REPLACES the rule's whole header set (an empty or omitted list clears it).
    r.headers = headers.map((h) => ({ HeaderName: h.HeaderName, HeaderValue: h.HeaderValue }));
    r.busy = startBusy(ctx, 4, 'rule');
    return {};
  },

  DescribeCustomHeader: (ctx, p) => {
    const r = getRule(ctx, p.RuleId as string);
    return { RuleId: r.RuleId, Headers: r.headers };
  },
};

/** Value rules of its parameters (validation-rules.ts). */
const valueRules: Readonly<Record<string, ValueRule>> = {
  // NOTE: CreateRule documents rr|wrr|lc only; ModifyRuleAttribute adds lrtt.
  'CreateRule.Scheduler': { enum: ['rr', 'wrr', 'lc'] },
  // NOTE: ModifyRuleAttribute accepts `default` (= the listener's protocol); CreateRule does not say so.
  'ModifyRuleAttribute.ForwardProtocol': { enum: ['HTTP', 'HTTPS', 'default'] },
  ServerNameIndicationSwitch: { enum: ['ON', 'OFF'] },
  'RuleCheckParams.Method': { enum: ['GET', 'HEAD'] },
  'RuleCheckParams.StatusCode': { enum: [100, 200, 300, 400, 500] },
  'RuleCheckParams.DelayLoop': { min: 1 },
  'RuleCheckParams.ConnectTimeout': { min: 1 },
  'DescribeRuleRealServers.Limit': { min: 0, max: 1000 },
  'DescribeRulesByRuleIds.RuleIds': { maxItems: 10 },
};

/** Cross-field rules of its actions (validation-rules.ts). */
const crossRules: readonly CrossRule[] = [
  {
    kind: 'lessThan',
    actions: ['CreateRule', 'ModifyRuleAttribute'],
    field: 'CheckParams.ConnectTimeout',
    than: 'CheckParams.DelayLoop',
  },
  {
    kind: 'requiredWhen',
    actions: ['CreateRule', 'ModifyRuleAttribute'],
    field: 'ServerNameIndication',
    when: 'ServerNameIndicationSwitch',
    equals: 'ON',
  },
  // Inference: a rule with health checks on needs its check parameters.
  { kind: 'requiredWhen', actions: ['CreateRule'], field: 'CheckParams', when: 'HealthCheck', equals: 1 },
];

/** Forwarding rules of a layer-7 domain (path → real servers); they bind real servers. */
export const ruleResource: ResourceModule<'rules'> = {
  table: 'rules',
  noun: 'rule',
  key: ['RuleId'],
  ownIds: true,
  actions,
  parents: [{ table: 'domains', fields: ['ListenerId', 'Domain'] }],
  references: { realServers: ['bindings.RealServerId'] },
  status: ruleStatus,
  busyName: 'rule',
  valueRules,
  crossRules,
};
