import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../../src/emulator/index.js';
import { BaishanClient } from '../../../src/providers/baishan/baishan-client.js';

// Cancellation (Ctrl-C during an apply) must not wait out a rate-limit window or a backoff.
describe('BaishanClient and AbortSignal', () => {
  let healthy: RunningEmulator;
  let failing: RunningEmulator;
  beforeAll(async () => {
    healthy = await startEmulator({ baishanAutoDomains: true });
    failing = await startEmulator({ baishanAutoDomains: true, faultRate: 1 });
  });
  afterAll(async () => {
    await healthy.close();
    await failing.close();
  });

  const client = (endpoint: string, rateLimitPerMinute: number) =>
    new BaishanClient({ endpoint, token: EMULATOR_DEFAULTS.baishanToken, rateLimitPerMinute });

  it('stops waiting for the rate limiter when the signal aborts', async () => {
    const c = client(healthy.baishan, 1);
    try {
      await c.getConfig(['a.example.com'], ['origin']);
      const controller = new AbortController();
      const started = Date.now();
      // The one call of this minute is spent: the next would wait about a minute for the limiter.
      const next = c.getConfig(['a.example.com'], ['origin'], controller.signal);
      setTimeout(() => controller.abort(new Error('interrupted')), 50);
      await expect(next).rejects.toThrow('interrupted');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(c.calls).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('stops the backoff between retries when the signal aborts', async () => {
    const c = client(failing.baishan, 600);
    try {
      const controller = new AbortController();
      const started = Date.now();
      const post = c.postConfig(
        ['a.example.com'],
        { origin: { default_master: '1.2.3.4' } },
        undefined,
        controller.signal,
      );
      setTimeout(() => controller.abort(new Error('interrupted')), 300);
      await expect(post).rejects.toThrow('interrupted');
      // Eight attempts with backoff would take many seconds; the abort ends it at once.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(c.calls).toBeGreaterThanOrEqual(1);
      expect(c.calls).toBeLessThan(8);
    } finally {
      await c.close();
    }
  });
});
