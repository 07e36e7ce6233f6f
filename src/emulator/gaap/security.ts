import { fail, notFound } from './errors.js';
import { getGroup, getProxy } from './relations.js';
import {
  type Ctx,
  current,
  type Handler,
  list,
  ordered,
  type Params,
  type PolicyRec,
  type SecurityRuleRec,
  startBusy,
  str,
} from './state.js';

function getPolicy(ctx: Ctx, id: string): PolicyRec {
  const pol = ctx.state.policies[id];
  if (!pol) notFound('security policy', id);
  return pol;
}

const policyStatus = (ctx: Ctx, pol: PolicyRec) => current(pol, pol.stable, ctx.now);

function requirePolicyIdle(ctx: Ctx, pol: PolicyRec): void {
  const s = policyStatus(ctx, pol);
  if (s === 'BINDING' || s === 'UNBINDING') {
    fail('FailedOperation.ProxySecurityPolicyOperating', `Security policy ${pol.PolicyId} is ${s}.`);
  }
}

function ruleOut(r: SecurityRuleRec) {
  return {
    Action: r.Action,
    SourceCidr: r.SourceCidr,
    AliasName: r.AliasName,
    DestPortRange: r.DestPortRange,
    RuleId: r.RuleId,
    Protocol: r.Protocol,
    PolicyId: r.PolicyId,
  };
}

const CIDR = /^(\d{1,3}\.){3}\d{1,3}(\/([0-9]|[12]\d|3[0-2]))?$/;
const PORT = '([1-9]\\d{0,4})';
const PORT_RANGE = new RegExp(`^(ALL|${PORT}(,${PORT})*|${PORT}-${PORT})$`);

function checkRuleShape(sourceCidr: string, destPortRange: string): void {
  if (!CIDR.test(sourceCidr)) fail('InvalidParameterValue', `SourceCidr ${sourceCidr} is not an IP or CIDR.`);
  if (!PORT_RANGE.test(destPortRange)) {
    fail(
      'InvalidParameterValue',
      `DestPortRange ${destPortRange} must look like 80, 80,443, 3306-20000 or ALL.`,
    );
  }
}

const ruleKey = (r: Pick<SecurityRuleRec, 'SourceCidr' | 'Protocol' | 'DestPortRange' | 'Action'>) =>
  `${r.SourceCidr}|${r.Protocol}|${r.DestPortRange}|${r.Action}`;

/** Doc: AliasName longer than 30 characters is silently truncated (not rejected). */
const alias = (s: string | undefined) => (s ?? '').slice(0, 30);

/**
 * Open/Close are the only explicitly async GAAP actions. The returned TaskId is recorded, and so is
 * the call's RequestId. NOTE: DescribeTaskStatus says its TaskId is "the RequestId returned by the
 * async API" while the calls return a TaskId of their own: both are accepted.
 */
function startTask(ctx: Ctx): string {
  const taskId = `${Math.floor(ctx.opts.random() * 9000) + 1000}.${ctx.nextSeq()}`;
  const until = ctx.now + ctx.opts.asyncDelayMs;
  ctx.state.tasks[taskId] = { TaskId: taskId, until };
  ctx.state.tasks[ctx.requestId] = { TaskId: ctx.requestId, until };
  return taskId;
}

/**
 * The policy Open/CloseSecurityPolicy act on: PolicyId, or the policy of ProxyId alone (the
 * seed's documented form for a single proxy). With both, they must agree.
 */
function policyToSwitch(ctx: Ctx, p: Params): PolicyRec {
  const proxyId = str(p, 'ProxyId');
  const policyId = str(p, 'PolicyId');
  if (policyId === undefined) {
    const pol = Object.values(ctx.state.policies).find((x) => x.ProxyId === proxyId);
    if (!pol) notFound('security policy of proxy', proxyId ?? '');
    return pol;
  }
  const pol = getPolicy(ctx, policyId);
  if (proxyId && proxyId !== pol.ProxyId)
    fail('InvalidParameterValue', `Policy ${pol.PolicyId} is not on ${proxyId}.`);
  return pol;
}

export const securityHandlers: Record<string, Handler> = {
  CreateSecurityPolicy: (ctx, p) => {
    const proxyId = str(p, 'ProxyId') ?? '';
    const groupId = str(p, 'GroupId') ?? '';
    if (proxyId) getProxy(ctx, proxyId);
    else getGroup(ctx, groupId);
    const exists = Object.values(ctx.state.policies).some(
      (x) => (proxyId && x.ProxyId === proxyId) || (groupId && x.GroupId === groupId),
    );
    if (exists)
      fail('FailedOperation.ProxySecurityPolicyExisted', 'A security policy already exists for this proxy.');
    const id = ctx.newId('sp');
    // NOTE: the doc does not say whether a new policy is enabled; it starts UNBIND (disabled)
    // and OpenSecurityPolicy enables it.
    ctx.state.policies[id] = {
      seq: ctx.nextSeq(),
      PolicyId: id,
      ProxyId: proxyId,
      GroupId: groupId,
      DefaultAction: (p.DefaultAction as string).toUpperCase(),
      stable: 'UNBIND',
    };
    return { PolicyId: id };
  },

  DescribeSecurityPolicyDetail: (ctx, p) => {
    const pol = getPolicy(ctx, p.PolicyId as string);
    const rules = ordered(ctx.state.securityRules).filter((r) => r.PolicyId === pol.PolicyId);
    return {
      ProxyId: pol.ProxyId || pol.GroupId,
      Status: policyStatus(ctx, pol),
      DefaultAction: pol.DefaultAction,
      PolicyId: pol.PolicyId,
      RuleList: rules.map(ruleOut),
    };
  },

  OpenSecurityPolicy: (ctx, p) => {
    const pol = policyToSwitch(ctx, p);
    const s = policyStatus(ctx, pol);
    if (s === 'BOUND')
      fail('FailedOperation.ProxySecurityAlreadyOpen', 'The security policy is already open.');
    if (s !== 'UNBIND') fail('FailedOperation.ActionIsDoing', `The security policy is ${s}.`);
    pol.stable = 'BOUND';
    pol.busy = startBusy(ctx, 'BINDING', 'policy');
    return { TaskId: startTask(ctx) };
  },

  CloseSecurityPolicy: (ctx, p) => {
    const pol = policyToSwitch(ctx, p);
    const s = policyStatus(ctx, pol);
    if (s === 'UNBIND')
      fail('FailedOperation.ProxySecurityAlreadyClose', 'The security policy is already closed.');
    if (s !== 'BOUND') fail('FailedOperation.ActionIsDoing', `The security policy is ${s}.`);
    pol.stable = 'UNBIND';
    pol.busy = startBusy(ctx, 'UNBINDING', 'policy');
    return { TaskId: startTask(ctx) };
  },

  DeleteSecurityPolicy: (ctx, p) => {
    const pol = getPolicy(ctx, p.PolicyId as string);
    requirePolicyIdle(ctx, pol);
    // NOTE: the doc does not say whether rules must go first; they are deleted with the policy.
    for (const r of Object.values(ctx.state.securityRules)) {
      if (r.PolicyId === pol.PolicyId) delete ctx.state.securityRules[r.RuleId];
    }
    delete ctx.state.policies[pol.PolicyId];
    return {};
  },

  CreateSecurityRules: (ctx, p) => {
    const pol = getPolicy(ctx, p.PolicyId as string);
    requirePolicyIdle(ctx, pol);
    const existing = new Set(
      Object.values(ctx.state.securityRules)
        .filter((r) => r.PolicyId === pol.PolicyId)
        .map(ruleKey),
    );
    const input = list<{
      SourceCidr: string;
      Action: string;
      AliasName?: string;
      Protocol?: string;
      DestPortRange?: string;
    }>(p, 'RuleList')!;
    const recs = input.map((r) => {
      const rec: SecurityRuleRec = {
        seq: ctx.nextSeq(),
        RuleId: ctx.newId('sr'),
        PolicyId: pol.PolicyId,
        SourceCidr: r.SourceCidr,
        Action: r.Action,
        AliasName: alias(r.AliasName),
        Protocol: r.Protocol ?? 'ALL',
        DestPortRange: r.DestPortRange ?? 'ALL',
      };
      checkRuleShape(rec.SourceCidr, rec.DestPortRange);
      const key = ruleKey(rec);
      if (existing.has(key))
        fail('FailedOperation.ProxySecurityPolicyDuplicatedRule', `Rule ${key} already exists.`);
      existing.add(key);
      return rec;
    });
    for (const r of recs) ctx.state.securityRules[r.RuleId] = r;
    return { RuleIdList: recs.map((r) => r.RuleId) };
  },

  DescribeSecurityRules: (ctx, p) => {
    const ids = p.SecurityRuleIds as string[];
    const set = ordered(ctx.state.securityRules).filter((r) => ids.includes(r.RuleId));
    return { TotalCount: set.length, SecurityRuleSet: set.map(ruleOut) };
  },

  ModifySecurityRule: (ctx, p) => {
    const pol = getPolicy(ctx, p.PolicyId as string);
    requirePolicyIdle(ctx, pol);
    const r = ctx.state.securityRules[p.RuleId as string];
    if (!r || r.PolicyId !== pol.PolicyId) notFound('security rule', p.RuleId as string);
    const next = {
      ...r,
      AliasName: alias(p.AliasName as string),
      Action: str(p, 'RuleAction') ?? r.Action,
      SourceCidr: str(p, 'SourceCidr') ?? r.SourceCidr,
      Protocol: str(p, 'Protocol') ?? r.Protocol,
      DestPortRange: str(p, 'DestPortRange') ?? r.DestPortRange,
    };
    checkRuleShape(next.SourceCidr, next.DestPortRange);
    const clash = Object.values(ctx.state.securityRules).some(
      (x) => x.PolicyId === pol.PolicyId && x.RuleId !== r.RuleId && ruleKey(x) === ruleKey(next),
    );
    if (clash) fail('FailedOperation.ProxySecurityPolicyDuplicatedRule', 'An identical rule already exists.');
    Object.assign(r, next);
    return {};
  },

  DeleteSecurityRules: (ctx, p) => {
    const pol = getPolicy(ctx, p.PolicyId as string);
    requirePolicyIdle(ctx, pol);
    const ids = p.RuleIdList as string[];
    for (const id of ids) {
      if (ctx.state.securityRules[id]?.PolicyId !== pol.PolicyId) notFound('security rule', id);
    }
    for (const id of ids) delete ctx.state.securityRules[id];
    return {};
  },

  DescribeTaskStatus: (ctx, p) => {
    const id = p.TaskId as string;
    const t = ctx.state.tasks[id];
    if (!t) notFound('task', id);
    return { Status: ctx.now < t.until ? 'RUNNING' : 'SUCCESS', TaskId: id };
  },
};
