import { fail, notFound } from '../errors.js';
import { type Handler, list, ordered, type ResourceModule, str } from '../state.js';
import type { ValueRule } from '../validation-rules.js';
import { getPolicy, policyStatus, requirePolicyIdle } from './security-policy.js';

export interface SecurityRuleRec {
  seq: number;
  RuleId: string;
  PolicyId: string;
  SourceCidr: string;
  Action: string;
  AliasName: string;
  Protocol: string;
  DestPortRange: string;
}

declare module '../state.js' {
  interface GaapTables {
    securityRules: Record<string, SecurityRuleRec>;
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

const actions: Record<string, Handler> = {
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
};

/** Value rules of its parameters (validation-rules.ts). */
const valueRules: Readonly<Record<string, ValueRule>> = {
  'SecurityPolicyRuleIn.Action': { enum: ['ACCEPT', 'DROP'] },
  'SecurityPolicyRuleIn.Protocol': { enum: ['TCP', 'UDP', 'ALL'] },
  'ModifySecurityRule.RuleAction': { enum: ['ACCEPT', 'DROP'] },
  'ModifySecurityRule.Protocol': { enum: ['TCP', 'UDP', 'ALL'] },
  'DescribeSecurityRules.SecurityRuleIds': { maxItems: 20 },
};

/** The rules of a security policy. */
export const securityRuleResource: ResourceModule<'securityRules'> = {
  table: 'securityRules',
  noun: 'security rule',
  key: ['RuleId'],
  ownIds: true,
  actions,
  parents: [{ table: 'policies', fields: ['PolicyId'] }],
  valueRules,
};
