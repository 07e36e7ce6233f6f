import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executePlan } from '../../src/executor/execute-plan.js';
import type { GaapDesired } from '../../src/model/gaap-desired-types.js';
import { createPlan } from '../../src/planner/create-plan.js';
import type { GaapStepPayload } from '../../src/providers/gaap/engine/node-types.js';
import { GaapProvider } from '../../src/providers/gaap/gaap-provider.js';
import { intentToken } from '../../src/providers/gaap/gaap-step-runner.js';
import { changed, expectApplied, gaapHarness } from '../providers/gaap/gaap-harness.js';
import { gaapDuplicates, gaapState } from './harness.js';

/**
 * ClientTokens are unique per intent and stable across that intent's retries: a token derived
 * from the live state alone made the second resize of a proxy, and a re-create after a destroy,
 * reuse an earlier run's token (DuplicatedRequest, or a replayed answer naming a deleted proxy).
 */
let h: Awaited<ReturnType<typeof gaapHarness>>;
beforeAll(async () => {
  h = await gaapHarness({ asyncDelayMs: 20 });
});
afterAll(async () => {
  await h.close();
});

const proxy = (bandwidth: number): GaapDesired => ({
  proxies: {
    web: { accessRegion: 'SouthChina', realServerRegion: 'NorthAmerica', bandwidth, concurrent: 2 },
  },
});

async function liveBandwidth(stack: string): Promise<number[]> {
  const state = await gaapState(h.emulator);
  return Object.values(state.proxies)
    .filter((p) => p.stable !== 'DESTROYED' && p.TagSet?.some((t) => t.TagValue === stack))
    .map((p) => p.Bandwidth);
}

describe('ClientTokens per intent', () => {
  it('resizes one proxy five times in a row, each converging', async () => {
    expectApplied((await h.apply('resize', proxy(10))).result);
    for (const bw of [20, 50, 100, 200, 500]) {
      const { plan, result } = await h.apply('resize', proxy(bw));
      expect(changed(plan)).toEqual([{ address: 'gaap.proxy["web"]', kind: 'update' }]);
      expectApplied(result);
      expect(changed((await h.plan('resize', proxy(bw))).plan)).toEqual([]);
      expect(await liveBandwidth('resize')).toEqual([bw]);
    }
  });

  it('creates, destroys and re-creates the same stack from the same starting state', async () => {
    for (let round = 0; round < 2; round++) {
      expectApplied((await h.apply('again', proxy(10))).result);
      expect(await liveBandwidth('again')).toEqual([10]);
      expectApplied((await h.apply('again', {})).result);
      expect(await liveBandwidth('again')).toEqual([]);
    }
    expectApplied((await h.apply('again', proxy(10))).result);
    expect(changed((await h.plan('again', proxy(10))).plan)).toEqual([]);
    expect(gaapDuplicates(await gaapState(h.emulator))).toEqual([]);
  });

  it('sends the change again under a new token when the server answers DuplicatedRequest', async () => {
    expectApplied((await h.apply('dup', proxy(10))).result);
    const client = h.client();
    const provider = new GaapProvider(
      { stack: 'dup', gaap: proxy(50), settings: { gaap: { rateLimitPerSecond: 20 } } },
      () => client,
      process.cwd(),
      { pollMs: { base: 20, max: 50 }, tokenNonce: 'fixed-nonce' },
    );
    const { plan } = await createPlan({ stack: 'dup', sources: [], providers: [provider], events: () => {} });
    const step = plan.steps.find((s) => s.action === 'ModifyProxyConfiguration');
    const call = (step!.payload as unknown as GaapStepPayload).calls[0]!;
    // The token this step will send, already used by a different request (20 Mbps).
    const token = intentToken('fixed-nonce', `${step!.id}\0${0}\0${call.clientToken}`);
    await client.call(
      'ModifyProxyConfiguration',
      { ProxyId: (call.params as { ProxyId: string }).ProxyId, Bandwidth: 20, Concurrent: 2 },
      { clientToken: token },
    );
    const events: string[] = [];
    const result = await executePlan(plan, {
      providers: new Map([['gaap', provider]]),
      events: (e) => {
        if (e.kind === 'retry') events.push(e.reason);
      },
      parallelism: 4,
    });
    expectApplied(result);
    expect(events.some((r) => r.includes('DuplicatedRequest'))).toBe(true);
    await expect.poll(() => liveBandwidth('dup'), { timeout: 5_000 }).toEqual([50]);
  });
});
