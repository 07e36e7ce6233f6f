import { afterAll, beforeAll, expect, it } from 'vitest';
import { EMULATOR_DEFAULTS } from '../../../src/emulator/index.js';
import type { GaapDesired } from '../../../src/model/gaap-desired-types.js';
import { GaapClient } from '../../../src/providers/gaap/gaap-client.js';
import { GaapProvider } from '../../../src/providers/gaap/gaap-provider.js';
import { expectApplied, gaapHarness } from './gaap-harness.js';

let h: Awaited<ReturnType<typeof gaapHarness>>;
beforeAll(async () => {
  h = await gaapHarness({ asyncDelayMs: 0 });
});
afterAll(async () => {
  await h.close();
});

const estate: GaapDesired = {
  realServers: { a: { address: '198.51.100.31' }, b: { address: '198.51.100.32' } },
  proxies: {
    p1: {
      accessRegion: 'SouthChina',
      realServerRegion: 'NorthAmerica',
      bandwidth: 10,
      concurrent: 2,
      listeners: [
        { protocol: 'UDP', ports: [9000, 9001, 9002], realServers: [{ realServer: 'a', port: 9000 }] },
        { protocol: 'TCP', port: 9100, realServers: [{ realServer: 'b', port: 9100 }] },
      ],
    },
  },
};

it('gives the same plan whatever order the API lists the live objects in', async () => {
  expectApplied((await h.apply('order', estate)).result);
  const client = new GaapClient({
    credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
    endpoint: h.emulator.gaap,
  });
  // Emptying the stack deletes everything: the plan is made of the live objects alone.
  const provider = new GaapProvider(
    { stack: 'order', gaap: {}, settings: { gaap: { rateLimitPerSecond: 20 } } },
    () => client,
    process.cwd(),
  );
  const live = await provider.read({ events: () => {} });
  const data = live.data;
  const forward = provider.plan(live);
  const backward = provider.plan({ ...live, data: { ...data, nodes: [...data.nodes].reverse() } });
  await client.close();
  expect(forward.changes.length).toBeGreaterThan(5);
  expect(backward.changes).toEqual(forward.changes);
  expect(backward.steps).toEqual(forward.steps);
});
