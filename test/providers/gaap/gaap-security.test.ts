import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyResult } from '../../../src/executor/executor-types.js';
import type { GaapDesired } from '../../../src/model/gaap-desired-types.js';
import type { Plan } from '../../../src/planner/plan-types.js';
import { GAAP_KINDS } from '../../../src/providers/gaap/kinds/registry.js';
import { changed, expectApplied, gaapHarness } from './gaap-harness.js';

// The registry holds every kind, these included.
const KINDS = GAAP_KINDS;

let h: Awaited<ReturnType<typeof gaapHarness>>;
beforeAll(async () => {
  h = await gaapHarness({ kinds: KINDS });
});
afterAll(async () => {
  await h.close();
});

const POLICY = 'gaap.proxy["game"].security_policy';
const rule = (key: string) => `${POLICY}.rule["${key}"]`;

const base = (): GaapDesired => ({
  proxies: {
    game: {
      accessRegion: 'SouthChina',
      realServerRegion: 'NorthAmerica',
      bandwidth: 10,
      concurrent: 2,
      securityPolicy: {
        defaultAction: 'ACCEPT',
        rules: [
          { name: 'bot-network', cidr: '192.0.2.0/24', action: 'DROP' },
          // The API keeps a host address without its /32: both sides compare as 198.51.100.66.
          { name: 'login-flooder', cidr: '198.51.100.66/32', action: 'DROP', protocol: 'TCP', ports: '7000' },
          {
            name: 'match-flooder',
            cidr: '198.51.100.77',
            action: 'DROP',
            protocol: 'UDP',
            ports: '7100-7102',
          },
        ],
      },
    },
  },
});

function ok(result: ApplyResult) {
  expectApplied(result);
}

async function policyDetail() {
  const proxies = await h.client().call('DescribeProxies', { Limit: 100, Offset: 0 });
  const proxy = proxies.ProxySet.find((p) => p.ProxyName === 'game' && p.PolicyId)!;
  return h.client().call('DescribeSecurityPolicyDetail', { PolicyId: proxy.PolicyId! });
}

const stepOf = (plan: Plan, action: string) => plan.steps.find((s) => s.action.includes(action));

describe('GAAP security policies and rules', () => {
  it('creates a proxy with an open policy and its rules in one batch, then re-plans to no changes', async () => {
    const { plan } = await h.plan('sec', base());
    expect(changed(plan)).toEqual([
      { address: 'gaap.proxy["game"]', kind: 'create' },
      { address: POLICY, kind: 'create' },
      { address: rule('192.0.2.0/24|ALL|ALL|DROP'), kind: 'create' },
      { address: rule('198.51.100.66|TCP|7000|DROP'), kind: 'create' },
      { address: rule('198.51.100.77|UDP|7100-7102|DROP'), kind: 'create' },
    ]);
    // The rules go in with the policy, before it is opened: one step, one CreateSecurityRules.
    expect(plan.steps.map((s) => s.action)).toEqual([
      'CreateProxy',
      'CreateSecurityPolicy + CreateSecurityRules + OpenSecurityPolicy',
    ]);
    expect(plan.steps[1]!.addresses).toHaveLength(4);
    expect(plan.steps[1]!.dependsOn).toEqual([plan.steps[0]!.id]);

    const { result } = await h.apply('sec', base());
    ok(result);
    const detail = await policyDetail();
    expect(detail.Status).toBe('BOUND');
    expect(detail.DefaultAction).toBe('ACCEPT');
    expect(detail.RuleList.map((r) => r.SourceCidr).sort()).toEqual([
      '192.0.2.0/24',
      '198.51.100.66',
      '198.51.100.77',
    ]);
    expect(changed((await h.plan('sec', base())).plan)).toEqual([]);
  });

  it("changes a rule's name in place with ModifySecurityRule", async () => {
    const model = base();
    model.proxies!.game!.securityPolicy!.rules![0]!.name = 'botnet-2';
    const { plan } = await h.plan('sec', model);
    expect(changed(plan)).toEqual([{ address: rule('192.0.2.0/24|ALL|ALL|DROP'), kind: 'update' }]);
    expect(plan.steps.map((s) => s.action)).toEqual(['ModifySecurityRule']);
    ok((await h.apply('sec', model)).result);
    expect((await policyDetail()).RuleList.map((r) => r.AliasName)).toContain('botnet-2');
    expect(changed((await h.plan('sec', model)).plan)).toEqual([]);
    ok((await h.apply('sec', base())).result);
  });

  it('adds several rules to a live policy with one CreateSecurityRules', async () => {
    const model = base();
    model.proxies!.game!.securityPolicy!.rules!.push(
      { cidr: '203.0.113.0/24', action: 'ACCEPT', protocol: 'TCP', ports: '80,443', name: 'office' },
      { cidr: '203.0.114.9', action: 'DROP' },
    );
    const { plan } = await h.plan('sec', model);
    expect(changed(plan)).toEqual([
      { address: rule('203.0.113.0/24|TCP|80,443|ACCEPT'), kind: 'create' },
      { address: rule('203.0.114.9|ALL|ALL|DROP'), kind: 'create' },
    ]);
    expect(plan.steps.map((s) => s.action)).toEqual(['CreateSecurityRules']);
    expect(plan.steps[0]!.addresses).toEqual([
      rule('203.0.113.0/24|TCP|80,443|ACCEPT'),
      rule('203.0.114.9|ALL|ALL|DROP'),
    ]);
    ok((await h.apply('sec', model)).result);
    expect((await policyDetail()).RuleList).toHaveLength(5);
    expect(changed((await h.plan('sec', model)).plan)).toEqual([]);
  });

  it('deletes exactly the rule removed from the YAML', async () => {
    const model = base();
    model.proxies!.game!.securityPolicy!.rules!.splice(1, 1);
    // The two rules added above are gone from the YAML too: one DeleteSecurityRules for all three.
    const { plan } = await h.plan('sec', model);
    expect(changed(plan)).toEqual([
      { address: rule('198.51.100.66|TCP|7000|DROP'), kind: 'delete' },
      { address: rule('203.0.113.0/24|TCP|80,443|ACCEPT'), kind: 'delete' },
      { address: rule('203.0.114.9|ALL|ALL|DROP'), kind: 'delete' },
    ]);
    expect(plan.steps.map((s) => s.action)).toEqual(['DeleteSecurityRules']);
    expect(plan.steps[0]!.addresses).toHaveLength(3);

    // Back to the base, then remove just one.
    ok((await h.apply('sec', base())).result);
    expect(changed((await h.plan('sec', base())).plan)).toEqual([]);
    const one = await h.plan('sec', model);
    expect(changed(one.plan)).toEqual([{ address: rule('198.51.100.66|TCP|7000|DROP'), kind: 'delete' }]);
    ok((await h.apply('sec', model)).result);
    expect((await policyDetail()).RuleList.map((r) => r.SourceCidr).sort()).toEqual([
      '192.0.2.0/24',
      '198.51.100.77',
    ]);
    expect(changed((await h.plan('sec', model)).plan)).toEqual([]);
  });

  it('re-opens a policy closed outside edgeform', async () => {
    const model = base();
    model.proxies!.game!.securityPolicy!.rules!.splice(1, 1);
    const detail = await policyDetail();
    await h.client().call('CloseSecurityPolicy', { PolicyId: detail.PolicyId, ProxyId: detail.ProxyId! });
    const { plan } = await h.plan('sec', model);
    expect(changed(plan)).toEqual([{ address: POLICY, kind: 'update' }]);
    expect(plan.steps.map((s) => s.action)).toEqual(['OpenSecurityPolicy']);
    ok((await h.apply('sec', model)).result);
    expect((await policyDetail()).Status).toBe('BOUND');
    expect(changed((await h.plan('sec', model)).plan)).toEqual([]);
  });

  it('replaces the policy when its default action changes, rules included', async () => {
    const model = base();
    model.proxies!.game!.securityPolicy!.defaultAction = 'DROP';
    const { plan } = await h.plan('sec', model);
    const change = plan.changes.find((c) => c.address === POLICY)!;
    expect(change.kind).toBe('replace');
    expect(change.attributes.find((a) => a.path === 'defaultAction')?.forcesReplacement).toBe(true);
    // Its rules go with it and come back with the new one.
    expect(changed(plan)).toEqual([
      { address: POLICY, kind: 'replace' },
      { address: rule('192.0.2.0/24|ALL|ALL|DROP'), kind: 'replace' },
      { address: rule('198.51.100.66|TCP|7000|DROP'), kind: 'create' },
      { address: rule('198.51.100.77|UDP|7100-7102|DROP'), kind: 'replace' },
    ]);
    const close = stepOf(plan, 'CloseSecurityPolicy')!;
    const del = stepOf(plan, 'DeleteSecurityPolicy')!;
    const create = stepOf(plan, 'CreateSecurityPolicy')!;
    expect(plan.steps).toHaveLength(3);
    expect(del.dependsOn).toContain(close.id);
    expect(create.dependsOn).toContain(del.id);
    expect(create.action).toBe('CreateSecurityPolicy + CreateSecurityRules + OpenSecurityPolicy');

    ok((await h.apply('sec', model)).result);
    const detail = await policyDetail();
    expect(detail.DefaultAction).toBe('DROP');
    expect(detail.Status).toBe('BOUND');
    expect(detail.RuleList).toHaveLength(3);
    expect(changed((await h.plan('sec', model)).plan)).toEqual([]);
  });

  it('never reads the policy of a proxy another stack owns', async () => {
    const other: GaapDesired = {
      proxies: {
        theirs: {
          accessRegion: 'SouthChina',
          realServerRegion: 'NorthAmerica',
          bandwidth: 10,
          concurrent: 2,
          securityPolicy: { defaultAction: 'DROP', rules: [{ cidr: '10.0.0.0/8', action: 'ACCEPT' }] },
        },
      },
    };
    ok((await h.apply('sec-other', other)).result);
    const { plan } = await h.plan('sec', {});
    expect(plan.changes.map((c) => c.address).filter((a) => a.includes('theirs'))).toEqual([]);
    expect(changed((await h.plan('sec-other', other)).plan)).toEqual([]);
  });

  it('closes and deletes a policy removed from the YAML; its rules go with it', async () => {
    const model = base();
    delete model.proxies!.game!.securityPolicy;
    const { plan } = await h.plan('sec', model);
    expect(changed(plan).map((c) => c.kind)).toEqual(['delete', 'delete', 'delete', 'delete']);
    expect(plan.steps.map((s) => s.action)).toEqual(['CloseSecurityPolicy', 'DeleteSecurityPolicy']);
    ok((await h.apply('sec', model)).result);
    const proxies = await h.client().call('DescribeProxies', { Limit: 100, Offset: 0 });
    expect(proxies.ProxySet.find((p) => p.ProxyName === 'game')?.PolicyId).toBe('');
    expect(changed((await h.plan('sec', model)).plan)).toEqual([]);
  });

  it('removes the stack: the policy goes with its proxy, the other stack keeps its own', async () => {
    ok((await h.apply('sec', base())).result);
    const { plan } = await h.plan('sec', {});
    expect(plan.steps.map((s) => s.action)).toEqual(['DestroyProxies']);
    ok((await h.apply('sec', {})).result);
    const proxies = await h.client().call('DescribeProxies', { Limit: 100, Offset: 0 });
    const theirs = proxies.ProxySet.find((p) => p.ProxyName === 'theirs')!;
    const detail = await h.client().call('DescribeSecurityPolicyDetail', { PolicyId: theirs.PolicyId! });
    expect(detail.Status).toBe('BOUND');
  });
});
