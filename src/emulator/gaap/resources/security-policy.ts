import { fail, notFound } from '../errors.js';
import {
  type Busy,
  type Ctx,
  current,
  type Handler,
  type Params,
  type ResourceModule,
  startBusy,
  str,
} from '../state.js';
import type { CrossRule, ValueRule } from '../validation-rules.js';
import { getProxy } from './proxy.js';
import { getGroup } from './proxy-group.js';

export interface PolicyRec {
  seq: number;
  PolicyId: string;
  ProxyId: string;
  GroupId: string;
  DefaultAction: string;
  stable: 'BOUND' | 'UNBIND';
  busy?: Busy<'BINDING' | 'UNBINDING'>;
}

declare module '../state.js' {
  interface GaapTables {
    policies: Record<string, PolicyRec>;
  }
}

export function getPolicy(ctx: Ctx, id: string): PolicyRec {
  const pol = ctx.state.policies[id];
  if (!pol) notFound('security policy', id);
  return pol;
}

export const policyStatus = (ctx: Ctx, pol: PolicyRec) => current(pol, pol.stable, ctx.now);

export function requirePolicyIdle(ctx: Ctx, pol: PolicyRec): void {
  const s = policyStatus(ctx, pol);
  if (s === 'BINDING' || s === 'UNBINDING') {
    fail('FailedOperation.ProxySecurityPolicyOperating', `Security policy ${pol.PolicyId} is ${s}.`);
  }
}

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

const actions: Record<string, Handler> = {
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
    ctx.rel.remove('policies', [pol.PolicyId]);
    return {};
  },
};

/** Value rules of its parameters (validation-rules.ts). */
const valueRules: Readonly<Record<string, ValueRule>> = {
  // Security policies.
  // NOTE: the table says "ACCEPT或DROP" but its example value and request example send `Accept`.
  DefaultAction: { enum: ['ACCEPT', 'DROP'], ignoreCase: true },
};

/** Cross-field rules of its actions (validation-rules.ts). */
const crossRules: readonly CrossRule[] = [
  { kind: 'xor', actions: ['CreateSecurityPolicy'], fields: ['ProxyId', 'GroupId'] },
  // The seed's own examples send ProxyId alone: the proxy's policy is meant.
  { kind: 'anyOf', actions: ['OpenSecurityPolicy', 'CloseSecurityPolicy'], fields: ['PolicyId', 'ProxyId'] },
];

/** The security policy of a proxy or group (at most one); its rules hang off it. */
export const securityPolicyResource: ResourceModule<'policies'> = {
  table: 'policies',
  noun: 'security policy',
  key: ['PolicyId'],
  ownIds: true,
  actions,
  parents: [
    { table: 'proxies', fields: ['ProxyId'] },
    { table: 'groups', fields: ['GroupId'] },
  ],
  status: policyStatus,
  busyName: 'policy',
  valueRules,
  crossRules,
};
