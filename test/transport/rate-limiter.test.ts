import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter, RoundTrip } from '../../src/transport/rate-limiter.js';

describe('RateLimiter (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tryTake takes a free slot at once and otherwise says how long until one frees, taking nothing', () => {
    const l = new RateLimiter({ limit: 2, windowMs: 1_000 });
    expect(l.tryTake()).toBe(0);
    expect(l.tryTake()).toBe(0);
    // The window plus its margin (2 % of it): proportional, so a scaled window keeps its shape.
    expect(l.tryTake()).toBe(1_020);
    expect(l.tryTake()).toBe(1_020);
    vi.advanceTimersByTime(1_020);
    expect(l.tryTake()).toBe(0);
  });

  it('lowers its allowance once per window of refusals, not once per refused call', () => {
    const l = new RateLimiter({ limit: 20, windowMs: 50 });
    // Ten calls sent together, all refused in one server window: one decrease, 20 → 16.
    for (let i = 0; i < 10; i++) l.penalize(10);
    expect(l.effectiveLimit).toBe(16);
    vi.advanceTimersByTime(49);
    l.penalize(10);
    expect(l.effectiveLimit).toBe(16);
    // Refused again a window later: the server still says too many.
    vi.advanceTimersByTime(1);
    l.penalize(10);
    expect(l.effectiveLimit).toBe(12);
    // Two refusal-free windows later it climbs back, a tenth of the limit a window.
    vi.advanceTimersByTime(101);
    expect(l.tryTake()).toBe(0);
    expect(l.effectiveLimit).toBe(14);
  });

  it('scales its margin with the window (a 50 ms scaled window gets 1 ms, not 10)', () => {
    const l = new RateLimiter({ limit: 1, windowMs: 50 });
    expect(l.tryTake()).toBe(0);
    expect(l.tryTake()).toBe(51);
  });

  it('serves writes before polls waiting for the same budget, each in arrival order', async () => {
    const l = new RateLimiter({ limit: 1, windowMs: 100 });
    const order: string[] = [];
    const take = (name: string, priority: 'normal' | 'low') =>
      l.acquire(undefined, priority).then(() => order.push(name));
    await take('first', 'normal');
    const all = Promise.all([
      take('poll-1', 'low'),
      take('poll-2', 'low'),
      take('write-1', 'normal'),
      take('write-2', 'normal'),
    ]);
    await vi.advanceTimersByTimeAsync(1_000);
    await all;
    expect(order).toEqual(['first', 'write-1', 'write-2', 'poll-1', 'poll-2']);
  });

  it('tryTake does not jump the queue of callers already waiting', async () => {
    const l = new RateLimiter({ limit: 1, windowMs: 100 });
    await l.acquire();
    const waiting = l.acquire();
    vi.advanceTimersByTime(150);
    // A slot is free by now, but the waiting caller has it first.
    expect(l.tryTake()).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(0);
    await waiting;
  });

  it('an aborted caller leaves the queue and the next one is served', async () => {
    const l = new RateLimiter({ limit: 1, windowMs: 100 });
    await l.acquire();
    const controller = new AbortController();
    const aborted = l.acquire(controller.signal);
    const next = l.acquire();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    await vi.advanceTimersByTimeAsync(200);
    await next;
  });

  describe('counts a request from its answer when the caller reports it (acquireSlot)', () => {
    /** A shared round-trip estimate counting on 10 ms (4/5 of the 12.5 ms answer it saw). */
    const tripOf10 = () => {
      const r = new RoundTrip();
      r.observe(12.5);
      return r;
    };

    it('a request answered late holds its slot until its answer − the shortest round trip + a window', async () => {
      const l = new RateLimiter({ limit: 2, windowMs: 1_000, roundTrip: tripOf10() });
      const slow = await l.acquireSlot();
      const quick = await l.acquireSlot();
      vi.advanceTimersByTime(10);
      quick.answered(); // the shortest round trip now: 10 ms, 8 counted on
      // The slow one queued at the server: it may have been counted as late as 292 ms after its send.
      vi.advanceTimersByTime(290);
      slow.answered();
      vi.advanceTimersByTime(722);
      // t = 1,022: the quick one's slot is free (10 − 8 + 1,020), the slow one's is not.
      expect(l.tryTake()).toBe(0);
      expect(l.tryTake()).toBe(290); // 300 − 8 + 1,020 = 1,312
    });

    it('a request in flight holds its slot: the next burst waits for the previous one to be answered', async () => {
      const l = new RateLimiter({ limit: 2, windowMs: 100, roundTrip: tripOf10() });
      const a = await l.acquireSlot();
      const b = await l.acquireSlot();
      vi.advanceTimersByTime(500);
      // Five windows later, still queued at the server: sending now could land in their window.
      expect(l.tryTake()).toBeGreaterThan(0);
      a.answered();
      b.answered();
      // Each counts until its answer − 10 + 102.
      expect(l.tryTake()).toBe(92);
      vi.advanceTimersByTime(92);
      expect(l.tryTake()).toBe(0);
    });

    it('a request in flight holds its slot until its answer, even when the round trips seen are longer than a window', async () => {
      // A run's first answers on a loaded machine: 150 ms round trips, 120 counted on, more than
      // the 100 ms window and its margin.
      const slowTrips = new RoundTrip();
      slowTrips.observe(150);
      const l = new RateLimiter({ limit: 1, windowMs: 100, roundTrip: slowTrips });
      const a = await l.acquireSlot();
      let served = false;
      const next = l.acquire().then(() => {
        served = true;
      });
      await vi.advanceTimersByTimeAsync(500);
      // Still queued at the server five windows later: it may be counted any moment before its
      // answer, so nothing else goes in its place.
      expect(served).toBe(false);
      expect(l.tryTake()).toBeGreaterThan(0);
      // Its answer frees the slot (answer − 120 + 102 is already past) and serves the waiting call.
      a.answered();
      await vi.advanceTimersByTimeAsync(0);
      await next;
      expect(served).toBe(true);
    });

    it('a steady round trip costs a fifth of itself: the slot frees 4 ms after one window', async () => {
      const l = new RateLimiter({ limit: 1, windowMs: 100, roundTrip: new RoundTrip() });
      const a = await l.acquireSlot();
      vi.advanceTimersByTime(20);
      a.answered(); // the shortest round trip is this one: 20 ms, 16 counted on
      expect(l.tryTake()).toBe(86);
    });

    it('never holds a slot whose answer does not come for more than 30 windows past its window', async () => {
      const l = new RateLimiter({ limit: 1, windowMs: 100 });
      await l.acquireSlot();
      vi.advanceTimersByTime(3_101);
      expect(l.tryTake()).toBe(1);
      vi.advanceTimersByTime(1);
      expect(l.tryTake()).toBe(0);
    });

    it('a refusal gives the slot back and the retry goes when the refusing window surely ended, not after a fixed pause', async () => {
      const roundTrip = tripOf10();
      const l = new RateLimiter({ limit: 3, windowMs: 1_000, roundTrip });
      const [a, b, c] = [await l.acquireSlot(), await l.acquireSlot(), await l.acquireSlot()];
      vi.advanceTimersByTime(20);
      a.answered();
      vi.advanceTimersByTime(10);
      b.answered();
      vi.advanceTimersByTime(10);
      // The server's window was full after all (its window opened late): c did not count there.
      c.refused();
      expect(roundTrip.minMs).toBe(5);
      // The allowance drops (3 → 2) and a and b now count from their answers alone: the window
      // that refused c ended by the time a's did, at the latest 20 + 1,020.
      expect(l.effectiveLimit).toBe(2);
      let retried = false;
      void l.acquireSlot().then(() => {
        retried = true;
      });
      await vi.advanceTimersByTimeAsync(999);
      expect(retried).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(retried).toBe(true); // t = 1,040
    });

    it('a refusal with none of its own requests left in the window is retried at once, once (a second refusal of the call backs off: gaap-retry-policy)', async () => {
      const l = new RateLimiter({ limit: 20, windowMs: 100, roundTrip: tripOf10() });
      const a = await l.acquireSlot();
      vi.advanceTimersByTime(12);
      a.refused();
      expect(l.tryTake()).toBe(0);
    });

    it('claimed() binds the slot tryTake took, so the answer of the claimed call counts', () => {
      const l = new RateLimiter({ limit: 1, windowMs: 100, roundTrip: tripOf10() });
      expect(l.tryTake()).toBe(0);
      const slot = l.claimed();
      vi.advanceTimersByTime(60);
      slot.answered();
      // The claim's entry, not a second one: one slot counting until 60 − 10 + 102.
      expect(l.tryTake()).toBe(92);
    });
  });
});
