import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EdgeformEvent } from '../../../src/core/event-types.js';
import type { RunningEmulator } from '../../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../../src/emulator/index.js';
import { GaapClient } from '../../../src/providers/gaap/gaap-client.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  // The real limit, 20 requests per action per second.
  emulator = await startEmulator({});
});
afterAll(async () => {
  await emulator.close();
});

it('absorbs RequestLimitExceeded from the GAAP emulator without surfacing an error', async () => {
  const events: EdgeformEvent[] = [];
  // A client that believes it may send 200/s: the emulator refuses everything past 20 in a
  // second, and the client must wait those refusals out.
  const client = new GaapClient({
    credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
    endpoint: emulator.gaap,
    rateLimitPerSecond: 200,
    events: (e) => events.push(e),
  });
  const answers = await Promise.all(
    Array.from({ length: 50 }, () => client.call('DescribeAccessRegions', {})),
  );
  await client.close();
  expect(answers).toHaveLength(50);
  for (const a of answers) expect(a.AccessRegionSet.length).toBeGreaterThan(0);
  const stats = emulator.stats().gaap;
  expect(stats.throttled).toBeGreaterThan(0);
  expect(stats.requests.DescribeAccessRegions).toBe(50);
  expect(events.some((e) => e.kind === 'throttled' && e.action === 'DescribeAccessRegions')).toBe(true);
});
