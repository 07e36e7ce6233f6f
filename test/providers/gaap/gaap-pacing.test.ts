import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeformEvent } from '../../../src/core/event-types.js';
import type { RunningEmulator } from '../../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../../src/emulator/index.js';
import { GaapClient } from '../../../src/providers/gaap/gaap-client.js';
import { KeyedRateLimiter, RateLimiter, RoundTrip } from '../../../src/transport/rate-limiter.js';

// The documented 20 requests per action per second on a clock ten times faster (a 100 ms
// window), with 10 ms of latency: through real HTTP, the emulator's own fixed-window count.
const SCALE = 0.1;
const WINDOW = 1000 * SCALE;

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ rateWindowScale: SCALE, latencyMs: 10 });
});
afterAll(async () => {
  await emulator.close();
});

/** A client paced as `gaapClientFor` paces it, believing `limit` calls a window. */
function client(
  limit: number,
  events: EdgeformEvent[],
  throttleWaitMs = WINDOW,
  server: { endpoint: string; windowMs: number } = { endpoint: emulator.gaap, windowMs: WINDOW },
) {
  const roundTrip = new RoundTrip();
  return new GaapClient({
    credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
    endpoint: server.endpoint,
    events: (e) => events.push(e),
    retry: { throttleWaitMs },
    limiters: new KeyedRateLimiter(() => new RateLimiter({ limit, windowMs: server.windowMs, roundTrip })),
  });
}

const burst = (c: GaapClient, n: number) =>
  Promise.all(Array.from({ length: n }, () => c.call('DescribeAccessRegions', {})));

describe('GAAP client pacing against the emulator', () => {
  it('sends a burst of 100 calls of one action at the documented rate with no refusal', async () => {
    const events: EdgeformEvent[] = [];
    const c = client(20, events);
    // NOTE: calls one after another first, as a run's first reads are: the shortest round trip is
    // learnt from calls that did not queue. Learnt from the first few calls of a cold process alone
    // (twice the warm round trip here: both sides compile their code on them), it is too long,
    // and the first burst after it can see a refusal (then a cheap one: the next test).
    for (let i = 0; i < 10; i++) await c.call('DescribeAccessRegions', {});
    await new Promise((r) => setTimeout(r, WINDOW * 1.1));
    emulator.resetStats();
    const t0 = performance.now();
    const answers = await burst(c, 100);
    const elapsed = performance.now() - t0;
    await c.close();
    expect(answers).toHaveLength(100);
    const stats = emulator.stats().gaap;
    // The requests queue in the emulator (one thread, the test's own): the limiter paces by
    // their answers, so the server's window never sees a 21st.
    expect(stats.throttled).toBe(0);
    expect(stats.requests.DescribeAccessRegions).toBe(100);
    expect(events.filter((e) => e.kind === 'throttled')).toHaveLength(0);
    // Five windows' worth: no faster than the limit allows.
    expect(elapsed).toBeGreaterThanOrEqual(4 * WINDOW);
  });

  it('retries a refused call when the refusing window has ended, not after a fixed backoff', async () => {
    // NOTE: its own emulator on the documented clock (a 1 s window, opened by the burst's first
    // request): on the 100 ms window above, a loaded machine (CI) spreads 30 requests over
    // several windows and none is refused, so the test would prove nothing.
    const realClock = await startEmulator({ rateWindowScale: 1, latencyMs: 10 });
    const events: EdgeformEvent[] = [];
    // A client that believes 30 a window: a third of its first burst is refused. A fixed backoff
    // (here 10 s, the policy's wait for a call's second refusal) would hold the run for 10 s.
    const c = client(30, events, 10_000, { endpoint: realClock.gaap, windowMs: 1000 });
    try {
      const t0 = performance.now();
      const answers = await burst(c, 40);
      const elapsed = performance.now() - t0;
      expect(answers).toHaveLength(40);
      const stats = realClock.stats().gaap;
      expect(stats.throttled).toBeGreaterThan(0);
      expect(stats.requests.DescribeAccessRegions).toBe(40);
      // Each refused call was refused once: its retry went after the window that refused it.
      expect(events.filter((e) => e.kind === 'throttled')).toHaveLength(stats.throttled);
      expect(events.filter((e) => e.kind === 'api-call' && e.attempt > 2)).toHaveLength(0);
      // The refusing window (1 s) and the next, well under the 10 s backoff.
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      await c.close();
      await realClock.close();
    }
  });
});
