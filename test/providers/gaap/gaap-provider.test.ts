import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GaapDesired, L4ListenerDesired } from '../../../src/model/gaap-desired-types.js';
import { changed, expectApplied, gaapHarness } from './gaap-harness.js';

let h: Awaited<ReturnType<typeof gaapHarness>>;
beforeAll(async () => {
  h = await gaapHarness();
});
afterAll(async () => {
  await h.close();
});

const base = (): GaapDesired => ({
  realServers: { 'origin-a': { address: '203.0.113.10' }, 'origin-b': { address: '203.0.113.11' } },
  proxies: {
    game: {
      accessRegion: 'SouthChina',
      realServerRegion: 'NorthAmerica',
      bandwidth: 10,
      concurrent: 2,
      listeners: [
        {
          protocol: 'TCP',
          port: 7000,
          scheduler: 'wrr',
          healthCheck: {
            enabled: true,
            delayLoop: 10,
            connectTimeout: 3,
            healthyThreshold: 3,
            unhealthyThreshold: 3,
          },
          realServers: [
            { realServer: 'origin-a', port: 7000, weight: 10 },
            { realServer: 'origin-b', port: 7000, weight: 5 },
          ],
        },
        { protocol: 'UDP', port: 7001, realServers: [{ realServer: 'origin-a', port: 7001 }] },
      ],
    },
  },
});

describe('GAAP provider against the emulator', () => {
  it('creates an estate in dependency order, then re-plans to no changes', async () => {
    const first = await h.plan('l4', base());
    expect(changed(first.plan).map((c) => c.kind)).toEqual([
      'create',
      'create',
      'create',
      'create',
      'create',
    ]);
    const { result } = await h.apply('l4', base());
    expectApplied(result);
    const again = await h.plan('l4', base());
    expect(changed(again.plan)).toEqual([]);
  });

  it('changes an updatable field in place and nothing else', async () => {
    const model = base();
    model.proxies!.game!.bandwidth = 20;
    const { plan } = await h.plan('l4', model);
    expect(changed(plan)).toEqual([{ address: 'gaap.proxy["game"]', kind: 'update' }]);
    expect(plan.steps.map((s) => s.action)).toEqual(['ModifyProxyConfiguration']);
    const { result } = await h.apply('l4', model);
    expect(result.failed).toBe(0);
    expect(changed((await h.plan('l4', model)).plan)).toEqual([]);
  });

  it('rebinds real servers with one full-replace call', async () => {
    const model = base();
    model.proxies!.game!.bandwidth = 20;
    (model.proxies!.game!.listeners![0] as L4ListenerDesired).realServers = [
      { realServer: 'origin-b', port: 7100, weight: 1 },
    ];
    const { plan } = await h.plan('l4', model);
    expect(changed(plan)).toEqual([{ address: 'gaap.proxy["game"].listener["TCP:7000"]', kind: 'update' }]);
    expect(plan.steps.map((s) => s.action)).toEqual(['BindListenerRealServers']);
    expect((await h.apply('l4', model)).result.failed).toBe(0);
    expect(changed((await h.plan('l4', model)).plan)).toEqual([]);
  });

  it('plans a replace for an immutable field, marked as forcing replacement, and applies it', async () => {
    const model = base();
    model.proxies!.game!.bandwidth = 20;
    (model.proxies!.game!.listeners![0] as L4ListenerDesired).realServers = [
      { realServer: 'origin-b', port: 7100, weight: 1 },
    ];
    (model.proxies!.game!.listeners![0] as L4ListenerDesired).clientIpMethod = 1;
    const { plan } = await h.plan('l4', model);
    const change = plan.changes.find((c) => c.address === 'gaap.proxy["game"].listener["TCP:7000"]')!;
    expect(change.kind).toBe('replace');
    expect(change.attributes.find((a) => a.path === 'clientIpMethod')?.forcesReplacement).toBe(true);
    const del = plan.steps.findIndex((s) => s.action === 'DeleteListeners');
    const create = plan.steps.findIndex((s) => s.action === 'CreateTCPListeners');
    expect(del).toBeGreaterThanOrEqual(0);
    expect(plan.steps[create]!.dependsOn).toContain(plan.steps[del]!.id);
    const { result } = await h.apply('l4', model);
    expectApplied(result);
    expect(changed((await h.plan('l4', model)).plan)).toEqual([]);
  });

  it('deletes exactly a listener removed from the YAML, and never touches foreign objects', async () => {
    // A proxy of another stack, and an untagged real server, in the same account.
    await h.apply('other', { realServers: { x: { address: '198.51.100.9' } } });
    const model = base();
    model.proxies!.game!.bandwidth = 20;
    model.proxies!.game!.listeners = [model.proxies!.game!.listeners![1]!];
    const { plan } = await h.plan('l4', model);
    expect(changed(plan)).toEqual([{ address: 'gaap.proxy["game"].listener["TCP:7000"]', kind: 'delete' }]);
    expect((await h.apply('l4', model)).result.failed).toBe(0);
    expect(changed((await h.plan('l4', model)).plan)).toEqual([]);
    expect(
      changed((await h.plan('other', { realServers: { x: { address: '198.51.100.9' } } })).plan),
    ).toEqual([]);
  });

  it('removes everything of a stack whose gaap section is emptied, children with their proxy', async () => {
    const { plan } = await h.plan('l4', {});
    const kinds = Object.fromEntries(changed(plan).map((c) => [c.address, c.kind]));
    expect(kinds['gaap.proxy["game"]']).toBe('delete');
    expect(kinds['gaap.real_server["origin-a"]']).toBe('delete');
    // The UDP listener goes with its proxy (DestroyProxies Force=1): no call of its own.
    expect(plan.steps.map((s) => s.action).sort()).toEqual([
      'DestroyProxies',
      'RemoveRealServers',
      'RemoveRealServers',
    ]);
    const destroy = plan.steps.find((s) => s.action === 'DestroyProxies')!;
    // origin-a is still bound by the UDP listener, which goes with the proxy: removed after it.
    // origin-b is bound nowhere any more and need not wait.
    const removeA = plan.steps.find((s) => s.addresses.includes('gaap.real_server["origin-a"]'))!;
    expect(removeA.dependsOn).toContain(destroy.id);
    const { result } = await h.apply('l4', {});
    expectApplied(result);
    expect(changed((await h.plan('l4', {})).plan)).toEqual([]);
  });
});
