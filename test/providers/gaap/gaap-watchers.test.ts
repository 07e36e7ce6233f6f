import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GaapDesired } from '../../../src/model/gaap-desired-types.js';
import { changed, expectApplied, gaapHarness } from './gaap-harness.js';

// Waits for asynchronous states are read by one watcher per scope, with the fewest calls: one
// DescribeProxies for every proxy waited on, one DescribeTCPListeners per proxy for all of its
// listeners.
let h: Awaited<ReturnType<typeof gaapHarness>>;
beforeAll(async () => {
  h = await gaapHarness({ asyncDelayMs: 150, rateWindowScale: 0.1 });
});
afterAll(async () => {
  await h.close();
});

const PROXIES = 12;

function estate(): GaapDesired {
  const proxies: GaapDesired['proxies'] = {};
  for (let i = 0; i < PROXIES; i++) {
    proxies[`p${i}`] = {
      accessRegion: 'SouthChina',
      realServerRegion: 'NorthAmerica',
      bandwidth: 10,
      concurrent: 2,
      listeners: [
        { protocol: 'TCP', port: 8000, realServers: [{ realServer: 'origin', port: 8000 }] },
        { protocol: 'TCP', port: 8001, realServers: [{ realServer: 'origin', port: 8001 }] },
      ],
    };
  }
  return { realServers: { origin: { address: '203.0.113.40' } }, proxies };
}

describe('shared status watchers against the emulator', () => {
  it('answers many waits with one read per scope, and carries what the ready object shows', async () => {
    await h.emulator.resetStats();
    const { plan, result } = await h.apply('watch', estate());
    expectApplied(result);
    const waits = (action: string) =>
      plan.steps.filter((s) => (s.payload as { wait?: { action: string } }).wait?.action === action).length;
    const stats = h.emulator.stats().gaap.requests;
    // 12 proxies waited on; their status reads are shared (the read of the empty account is 1).
    // One read per wait would be 12. The creates are spread by CreateProxy's rate budget, so how
    // many waits one read answers depends on timing: under 6 reads on a quiet machine, 6 in one CI
    // rehearsal; 5-7 at load 6 since the kind's first wait scouts for the others (the last
    // proxies registered 30-40 ms after it are read apart).
    expect(waits('DescribeProxies')).toBe(PROXIES);
    expect((stats.DescribeProxies ?? 0) - 1).toBeLessThanOrEqual((2 * PROXIES) / 3);
    // 48 listener waits (a create and a bind for each of 24 listeners), read per proxy. One proxy's
    // listener waits seldom overlap (create, then bind), so sharing saves little here: on a quiet
    // machine the run made 46-54 reads, 26-43 at load 6 since only the first wait of a kind polls
    // until its delay is learned. The bound is one read per wait plus one early poll per
    // proxy while the run learns the delay; a watcher polling per wait (the old design) made
    // several reads per wait.
    expect(waits('DescribeTCPListeners')).toBe(4 * PROXIES);
    expect(stats.DescribeTCPListeners ?? 0).toBeLessThanOrEqual(waits('DescribeTCPListeners') + PROXIES);
    // The access domain a new proxy has once it runs came with the read that found it running.
    const create = result.steps.find((s) => s.action === 'CreateProxy')!;
    expect(create.outputs?.accessDomain).toEqual(expect.any(String));
    expect(changed((await h.plan('watch', estate())).plan)).toEqual([]);
  });
});
