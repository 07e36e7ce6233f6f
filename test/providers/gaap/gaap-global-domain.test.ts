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

const DOMAIN = 'gaap.global_domain["video"]';
const dns = (countries: string) => `${DOMAIN}.dns["${countries}"]`;
// Country codes the seed documents: North China, East China, Korea, Australia.
const CN = '101001';
const HK = '101002';
const SG = '101007';
const US = '401000';

const proxy = (accessRegion: string) => ({
  accessRegion,
  realServerRegion: 'SouthChina',
  bandwidth: 10,
  concurrent: 2,
});

const base = (): GaapDesired => ({
  proxies: { cn: proxy('EastChina'), hk: proxy('Hongkong'), us: proxy('NorthAmerica') },
  globalDomains: {
    video: {
      alias: 'video-global',
      defaultValue: 'origin.example.net',
      dns: [
        { proxies: ['cn'], countries: [CN] },
        // Listed unsorted: the record is known by its sorted countries.
        { proxies: ['us', 'hk'], countries: [SG, HK] },
      ],
    },
  },
});

function ok(result: ApplyResult) {
  expectApplied(result);
}

const stepsOf = (plan: Plan, action: string) => plan.steps.filter((s) => s.action === action);

async function domains(stack?: string) {
  const res = await h.client().call('DescribeGlobalDomains', { ProjectId: -1, Offset: 0, Limit: 20 });
  return res.Domains.filter(
    (d) => stack === undefined || d.TagSet.some((t) => t.TagKey === 'edgeform:stack' && t.TagValue === stack),
  );
}

async function records() {
  const [d] = await domains('gd');
  const res = await h.client().call('DescribeGlobalDomainDns', { DomainId: d!.DomainId });
  // Records are created concurrently, so the API's (creation) order varies from run to run: sort
  // them by what identifies them, their set of countries.
  const key = (r: (typeof res.GlobalDnsList)[number]) =>
    r.CountryAreaList.map((c) => c.NationCountryInnerCode)
      .sort()
      .join(',');
  return [...res.GlobalDnsList].sort((a, b) => key(a).localeCompare(key(b)));
}

async function proxyIds(): Promise<Record<string, string>> {
  const res = await h.client().call('DescribeProxies', { Limit: 100, Offset: 0 });
  return Object.fromEntries(res.ProxySet.map((p) => [p.ProxyName, p.ProxyId]));
}

describe('GAAP global domains and their DNS records', () => {
  it('creates a domain with two records after their proxies, then re-plans to no changes', async () => {
    const { plan } = await h.plan('gd', base());
    expect(changed(plan)).toEqual([
      { address: 'gaap.proxy["cn"]', kind: 'create' },
      { address: 'gaap.proxy["hk"]', kind: 'create' },
      { address: 'gaap.proxy["us"]', kind: 'create' },
      { address: DOMAIN, kind: 'create' },
      { address: dns(CN), kind: 'create' },
      { address: dns(`${HK},${SG}`), kind: 'create' },
    ]);
    const createDomain = stepsOf(plan, 'CreateGlobalDomain')[0]!;
    const [cnRecord, hkRecord] = stepsOf(plan, 'CreateGlobalDomainDns');
    const createProxy = (name: string) =>
      plan.steps.find((s) => s.action === 'CreateProxy' && s.addresses.includes(`gaap.proxy["${name}"]`))!.id;
    expect(cnRecord!.dependsOn).toEqual([createProxy('cn'), createDomain.id].sort());
    expect(hkRecord!.dependsOn).toEqual(expect.arrayContaining([createProxy('hk'), createProxy('us')]));

    ok((await h.apply('gd', base())).result);
    const [d] = await domains('gd');
    expect(d).toMatchObject({ Alias: 'video-global', DefaultValue: 'origin.example.net', Status: 0 });
    const ids = await proxyIds();
    const live = await records();
    expect(live.map((r) => r.AccessList.map((a) => a.ProxyId).sort())).toEqual([
      [ids.cn],
      [ids.hk, ids.us].sort(),
    ]);
    expect(live.every((r) => r.Status === 1)).toBe(true);
    expect(changed((await h.plan('gd', base())).plan)).toEqual([]);
  });

  it('disables and re-enables the domain in place', async () => {
    const model = base();
    model.globalDomains!.video!.enabled = false;
    const off = await h.plan('gd', model);
    expect(changed(off.plan)).toEqual([{ address: DOMAIN, kind: 'update' }]);
    expect(off.plan.steps.map((s) => s.action)).toEqual(['DisableGlobalDomain']);
    ok((await h.apply('gd', model)).result);
    expect((await domains('gd'))[0]!.Status).toBe(1);
    expect(changed((await h.plan('gd', model)).plan)).toEqual([]);

    const on = await h.plan('gd', base());
    expect(on.plan.steps.map((s) => s.action)).toEqual(['EnableGlobalDomain']);
    ok((await h.apply('gd', base())).result);
    expect((await domains('gd'))[0]!.Status).toBe(0);
    expect(changed((await h.plan('gd', base())).plan)).toEqual([]);
  });

  it('changes the default value and alias with one ModifyGlobalDomainAttribute', async () => {
    const model = base();
    model.globalDomains!.video!.defaultValue = 'origin2.example.net';
    model.globalDomains!.video!.alias = 'video-2';
    const { plan } = await h.plan('gd', model);
    expect(changed(plan)).toEqual([{ address: DOMAIN, kind: 'update' }]);
    expect(plan.steps.map((s) => s.action)).toEqual(['ModifyGlobalDomainAttribute']);
    ok((await h.apply('gd', model)).result);
    expect((await domains('gd'))[0]).toMatchObject({ Alias: 'video-2', DefaultValue: 'origin2.example.net' });
    expect(changed((await h.plan('gd', model)).plan)).toEqual([]);
    ok((await h.apply('gd', base())).result);
  });

  it("repoints a record's proxies with ModifyGlobalDomainDns", async () => {
    const model = base();
    model.globalDomains!.video!.dns![1]!.proxies = ['hk'];
    const { plan } = await h.plan('gd', model);
    expect(changed(plan)).toEqual([{ address: dns(`${HK},${SG}`), kind: 'update' }]);
    expect(plan.steps.map((s) => s.action)).toEqual(['ModifyGlobalDomainDns']);
    ok((await h.apply('gd', model)).result);
    const ids = await proxyIds();
    expect((await records())[1]!.AccessList.map((a) => a.ProxyId)).toEqual([ids.hk]);
    expect(changed((await h.plan('gd', model)).plan)).toEqual([]);
  });

  it('moves a country between records: the record giving it up goes first', async () => {
    const model = base();
    model.globalDomains!.video!.dns = [
      { proxies: ['cn'], countries: [CN, HK] },
      { proxies: ['us'], countries: [US, SG] },
    ];
    const { plan } = await h.plan('gd', model);
    expect(changed(plan)).toEqual([
      { address: dns(`${CN},${HK}`), kind: 'create' },
      { address: dns(`${SG},${US}`), kind: 'create' },
      { address: dns(CN), kind: 'delete' },
      { address: dns(`${HK},${SG}`), kind: 'delete' },
    ]);
    const id = (action: string, address: string) =>
      plan.steps.find((s) => s.action === action && s.addresses.includes(address))!.id;
    const createCnHk = plan.steps.find((s) => s.id === id('CreateGlobalDomainDns', dns(`${CN},${HK}`)))!;
    const createSg = plan.steps.find((s) => s.id === id('CreateGlobalDomainDns', dns(`${SG},${US}`)))!;
    expect(createCnHk.dependsOn).toEqual(
      [id('DeleteGlobalDomainDns', dns(CN)), id('DeleteGlobalDomainDns', dns(`${HK},${SG}`))].sort(),
    );
    expect(createSg.dependsOn).toEqual(createCnHk.dependsOn);
    ok((await h.apply('gd', model)).result);
    expect(changed((await h.plan('gd', model)).plan)).toEqual([]);
    ok((await h.apply('gd', base())).result);
    expect(changed((await h.plan('gd', base())).plan)).toEqual([]);
  });

  it('repoints records before destroying a proxy they used', async () => {
    const model = base();
    delete model.proxies!.us;
    model.globalDomains!.video!.dns![1]!.proxies = ['hk'];
    const { plan } = await h.plan('gd', model);
    expect(changed(plan)).toEqual([
      { address: dns(`${HK},${SG}`), kind: 'update' },
      { address: 'gaap.proxy["us"]', kind: 'delete' },
    ]);
    const modify = stepsOf(plan, 'ModifyGlobalDomainDns')[0]!;
    const destroy = stepsOf(plan, 'DestroyProxies')[0]!;
    expect(destroy.dependsOn).toContain(modify.id);
    ok((await h.apply('gd', model)).result);
    expect(changed((await h.plan('gd', model)).plan)).toEqual([]);
    ok((await h.apply('gd', base())).result);
  });

  it('replaces a proxy a record points at: destroyed, created again, then the record repointed', async () => {
    const model = base();
    model.proxies!.cn!.accessRegion = 'NorthChina';
    const { plan } = await h.plan('gd', model);
    expect(changed(plan)).toEqual([
      { address: 'gaap.proxy["cn"]', kind: 'replace' },
      { address: dns(CN), kind: 'update' },
    ]);
    expect(plan.steps.map((s) => s.action)).toEqual([
      'DestroyProxies',
      'CreateProxy',
      'ModifyGlobalDomainDns',
    ]);
    const [destroy, create, modify] = plan.steps;
    expect(create!.dependsOn).toEqual([destroy!.id]);
    expect(modify!.dependsOn).toEqual([create!.id]);
    ok((await h.apply('gd', model)).result);
    const ids = await proxyIds();
    expect((await records())[0]!.AccessList.map((a) => a.ProxyId)).toEqual([ids.cn]);
    expect(changed((await h.plan('gd', model)).plan)).toEqual([]);
    ok((await h.apply('gd', base())).result);
  });

  it('never touches a global domain of another stack, or an untagged one', async () => {
    const theirs: GaapDesired = { globalDomains: { video: { defaultValue: 'theirs.example.net' } } };
    ok((await h.apply('gd-other', theirs)).result);
    await h.client().call('CreateGlobalDomain', { ProjectId: 0, DefaultValue: 'untagged.example.net' });
    const { plan } = await h.plan('gd', base());
    expect(changed(plan)).toEqual([]);
    expect(plan.changes.filter((c) => c.address === DOMAIN)).toHaveLength(1);
    expect(changed((await h.plan('gd-other', theirs)).plan)).toEqual([]);
  });

  it('removes the domain: its records first, then the domain, disabled before it goes', async () => {
    const model = base();
    delete model.globalDomains;
    const { plan } = await h.plan('gd', model);
    expect(changed(plan)).toEqual([
      { address: DOMAIN, kind: 'delete' },
      { address: dns(CN), kind: 'delete' },
      { address: dns(`${HK},${SG}`), kind: 'delete' },
    ]);
    expect(plan.steps.map((s) => s.action).sort()).toEqual([
      'DeleteGlobalDomain',
      'DeleteGlobalDomainDns',
      'DeleteGlobalDomainDns',
      'DisableGlobalDomain',
    ]);
    const del = stepsOf(plan, 'DeleteGlobalDomain')[0]!;
    const disable = stepsOf(plan, 'DisableGlobalDomain')[0]!;
    const recordDeletes = stepsOf(plan, 'DeleteGlobalDomainDns').map((s) => s.id);
    expect(del.dependsOn).toEqual([...recordDeletes, disable.id].sort((a, b) => a.localeCompare(b)));
    // Topological order: the records' deletes come before the domain's.
    const order = plan.steps.map((s) => s.id);
    for (const r of recordDeletes) expect(order.indexOf(r)).toBeLessThan(order.indexOf(del.id));

    const seen = h.events.length;
    const { result } = await h.apply('gd', model);
    ok(result);
    // As run: both records were gone before the domain's delete started.
    const run = h.events.slice(seen);
    const actionOf = (e: (typeof run)[number]) =>
      'stepId' in e ? result.steps.find((s) => s.id === e.stepId)?.action : undefined;
    const recordsDone = run.flatMap((e, i) =>
      e.kind === 'step-done' && actionOf(e) === 'DeleteGlobalDomainDns' ? [i] : [],
    );
    const domainStart = run.findIndex((e) => e.kind === 'step-start' && actionOf(e) === 'DeleteGlobalDomain');
    expect(recordsDone).toHaveLength(2);
    expect(domainStart).toBeGreaterThan(Math.max(...recordsDone));
    expect(await domains('gd')).toEqual([]);
    expect(changed((await h.plan('gd', model)).plan)).toEqual([]);
    // The other stack's domain and the untagged one are still there.
    expect((await domains('gd-other')).map((d) => d.DefaultValue)).toEqual(['theirs.example.net']);
    expect((await domains()).map((d) => d.DefaultValue)).toContain('untagged.example.net');
  });
});
