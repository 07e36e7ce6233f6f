import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../src/transport/rate-limiter.js';

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
});
