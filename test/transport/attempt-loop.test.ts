import { describe, expect, it } from 'vitest';
import { type AttemptPlan, type RetryVerdict, runAttempts } from '../../src/transport/attempt-loop.js';

interface Log {
  events: string[];
}

/** A plan whose attempt `n` answers `answers[n - 1]` (a string is a failure, a number a success). */
function planOf(
  answers: (string | number)[],
  decide: (failure: string, n: number) => RetryVerdict<Error>,
  log: Log,
): AttemptPlan<number, string, Error> {
  return {
    acquire: async (n) => {
      log.events.push(`acquire ${n}`);
    },
    attempt: async (n) => {
      const a = answers[n - 1];
      log.events.push(`attempt ${n}`);
      return typeof a === 'number' ? { ok: true, value: a } : { ok: false, failure: a ?? 'none' };
    },
    decide: (failure, n) => decide(failure, n),
    onThrottled: (n, waitMs) => log.events.push(`throttled ${n} ${waitMs}`),
    onRetry: (n, waitMs) => log.events.push(`retry ${n} ${waitMs}`),
  };
}

const retryAll = (failure: string): RetryVerdict<Error> => ({
  kind: 'retry',
  waitMs: 10,
  reason: failure,
  throttled: failure === 'throttled',
});

describe('runAttempts', () => {
  it('takes the budget before every attempt and returns the first success', async () => {
    const log: Log = { events: [] };
    const slept: number[] = [];
    const value = await runAttempts(planOf(['5xx', 'throttled', 42], retryAll, log), {
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(value).toBe(42);
    expect(log.events).toEqual([
      'acquire 1',
      'attempt 1',
      'retry 1 10',
      'acquire 2',
      'attempt 2',
      'throttled 2 10',
      'acquire 3',
      'attempt 3',
    ]);
    // A throttled attempt's wait is the limiter's to impose: only the 5xx slept.
    expect(slept).toEqual([10]);
  });

  it("throws the policy's error when it gives up", async () => {
    const log: Log = { events: [] };
    const giveUp = (failure: string, n: number): RetryVerdict<Error> =>
      n < 2 ? retryAll(failure) : { kind: 'fail', error: new Error(`gave up on ${failure}`) };
    await expect(
      runAttempts(planOf(['5xx', 'auth'], giveUp, log), { sleep: async () => {} }),
    ).rejects.toThrow('gave up on auth');
    expect(log.events.filter((e) => e.startsWith('attempt'))).toEqual(['attempt 1', 'attempt 2']);
  });

  it('stops during the backoff sleep when the signal aborts, with its reason', async () => {
    const log: Log = { events: [] };
    const controller = new AbortController();
    const plan = planOf(
      ['5xx', 1],
      (f) => ({ kind: 'retry', waitMs: 60_000, reason: f, throttled: false }),
      log,
    );
    const started = Date.now();
    const run = runAttempts(plan, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('interrupted')), 20);
    await expect(run).rejects.toThrow('interrupted');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(log.events).toEqual(['acquire 1', 'attempt 1', 'retry 1 60000']);
  });

  it('makes no attempt once the signal has aborted', async () => {
    const log: Log = { events: [] };
    const controller = new AbortController();
    controller.abort(new Error('interrupted'));
    await expect(runAttempts(planOf([1], retryAll, log), { signal: controller.signal })).rejects.toThrow(
      'interrupted',
    );
    expect(log.events).toEqual([]);
  });
});
