import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GaapDesired, ProxyGroupDesired } from '../../../src/model/gaap-desired-types.js';
import { changed, expectApplied, gaapHarness } from './gaap-harness.js';

/**
 * A proxy group's IP version, package type and access regions: no Modify action takes them, and
 * the group list does not return them. Changing one must plan a replacement, never `No changes.`
 */
describe('proxy group settings the API cannot modify', () => {
  let h: Awaited<ReturnType<typeof gaapHarness>>;
  beforeAll(async () => {
    h = await gaapHarness({ asyncDelayMs: 20 });
  });
  afterAll(() => h.close());

  const group = (over: Partial<ProxyGroupDesired> = {}): GaapDesired => ({
    proxyGroups: {
      edge: {
        realServerRegion: 'NorthAmerica',
        accessRegions: [{ region: 'SouthChina', bandwidth: 10, concurrent: 2 }],
        ...over,
      },
    },
  });

  it('converges, then plans a replacement for each of packageType, ipVersion and accessRegions', async () => {
    const created = await h.apply('groups', group());
    expectApplied(created.result);
    expect(changed((await h.plan('groups', group())).plan)).toEqual([]);

    for (const [over, path] of [
      [{ packageType: 'Accelerator' }, 'packageType'],
      [{ ipVersion: 'IPv6' }, 'ipVersion'],
      [{ accessRegions: [{ region: 'SouthChina', bandwidth: 20, concurrent: 2 }] }, 'accessRegions'],
      [
        {
          accessRegions: [
            { region: 'SouthChina', bandwidth: 10, concurrent: 2 },
            { region: 'EastChina', bandwidth: 10, concurrent: 2 },
          ],
        },
        'accessRegions',
      ],
    ] as const) {
      const { plan } = await h.plan('groups', group(over as Partial<ProxyGroupDesired>));
      const change = plan.changes.find((c) => c.address === 'gaap.proxy_group["edge"]')!;
      expect(change.kind, path).toBe('replace');
      expect(change.attributes.find((a) => a.path === path)?.forcesReplacement, path).toBe(true);
    }

    // Applied, the replacement converges.
    const replaced = await h.apply('groups', group({ packageType: 'Accelerator' }));
    expectApplied(replaced.result);
    expect(changed((await h.plan('groups', group({ packageType: 'Accelerator' }))).plan)).toEqual([]);
  });
});
