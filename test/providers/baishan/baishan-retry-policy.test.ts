import { describe, expect, it } from 'vitest';
import {
  type BaishanFailure,
  type BaishanRetryDecision,
  DEFAULT_BAISHAN_RETRY_POLICY,
  decideBaishanRetry,
} from '../../../src/providers/baishan/baishan-retry-policy.js';

const half = () => 0.5;

describe('decideBaishanRetry', () => {
  const cases: {
    name: string;
    failure: BaishanFailure;
    attempt: number;
    elapsedMs: number;
    want: BaishanRetryDecision;
  }[] = [
    {
      name: 'throttled with X-Retry-After waits for the window reset plus jitter, on the limiter',
      failure: { errorClass: 'throttled', retryAfterSeconds: 7 },
      attempt: 1,
      elapsedMs: 0,
      want: { kind: 'retry', waitMs: 7_125, throttled: true },
    },
    {
      name: 'throttled without the header backs off like any retryable failure',
      failure: { errorClass: 'throttled' },
      attempt: 1,
      elapsedMs: 0,
      want: { kind: 'retry', waitMs: 250, throttled: true },
    },
    {
      name: 'a 5xx backs off exponentially (attempt 3: half of 500·2²)',
      failure: { errorClass: 'server' },
      attempt: 3,
      elapsedMs: 1_000,
      want: { kind: 'retry', waitMs: 1_000, throttled: false },
    },
    {
      name: 'a lost connection is retried (every write is a cover/reset form)',
      failure: { errorClass: 'network' },
      attempt: 1,
      elapsedMs: 0,
      want: { kind: 'retry', waitMs: 250, throttled: false },
    },
    {
      name: 'the backoff is capped at maxMs',
      failure: { errorClass: 'server' },
      attempt: 7,
      elapsedMs: 0,
      want: { kind: 'retry', waitMs: 7_500, throttled: false },
    },
    {
      name: 'bad input is never retried',
      failure: { errorClass: 'invalid-input' },
      attempt: 1,
      elapsedMs: 0,
      want: { kind: 'fail' },
    },
    {
      name: 'a wrong token is never retried',
      failure: { errorClass: 'auth' },
      attempt: 1,
      elapsedMs: 0,
      want: { kind: 'fail' },
    },
    {
      name: 'a missing domain is never retried',
      failure: { errorClass: 'domain-not-found' },
      attempt: 1,
      elapsedMs: 0,
      want: { kind: 'fail' },
    },
    {
      name: 'the last attempt is not followed by another',
      failure: { errorClass: 'server' },
      attempt: DEFAULT_BAISHAN_RETRY_POLICY.maxAttempts,
      elapsedMs: 0,
      want: { kind: 'fail' },
    },
    {
      name: 'no retry once the elapsed budget is spent',
      failure: { errorClass: 'throttled', retryAfterSeconds: 1 },
      attempt: 2,
      elapsedMs: DEFAULT_BAISHAN_RETRY_POLICY.maxElapsedMs + 1,
      want: { kind: 'fail' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(
        decideBaishanRetry(c.failure, c.attempt, c.elapsedMs, DEFAULT_BAISHAN_RETRY_POLICY, half),
      ).toEqual(c.want);
    });
  }

  it('counts X-Retry-After in seconds of a scaled minute on a scaled clock, jitter included', () => {
    // A 3 s window (scale 0.05): a second of X-Retry-After lasts 50 ms.
    const scaled = { ...DEFAULT_BAISHAN_RETRY_POLICY, secondMs: 50 };
    expect(decideBaishanRetry({ errorClass: 'throttled', retryAfterSeconds: 7 }, 1, 0, scaled, half)).toEqual(
      { kind: 'retry', waitMs: 356, throttled: true },
    );
  });

  it('never retries with a one-attempt policy (a non-retrying call)', () => {
    const once = { ...DEFAULT_BAISHAN_RETRY_POLICY, maxAttempts: 1, readMaxAttempts: 1 };
    expect(decideBaishanRetry({ errorClass: 'server' }, 1, 0, once, half)).toEqual({ kind: 'fail' });
    expect(decideBaishanRetry({ errorClass: 'server', read: true }, 1, 0, once, half)).toEqual({
      kind: 'fail',
    });
  });

  it('a read has readMaxAttempts, a write maxAttempts', () => {
    const { maxAttempts, readMaxAttempts } = DEFAULT_BAISHAN_RETRY_POLICY;
    expect(readMaxAttempts).toBeGreaterThan(maxAttempts);
    const at = (attempt: number, read: boolean) =>
      decideBaishanRetry({ errorClass: 'server', read }, attempt, 0, DEFAULT_BAISHAN_RETRY_POLICY, half).kind;
    expect(at(maxAttempts - 1, false)).toBe('retry');
    expect(at(maxAttempts, false)).toBe('fail');
    expect(at(maxAttempts, true)).toBe('retry');
    expect(at(readMaxAttempts - 1, true)).toBe('retry');
    expect(at(readMaxAttempts, true)).toBe('fail');
  });

  it('never retries a request that failed because this process closed its pool', () => {
    const closed = Object.assign(new Error('The client is destroyed'), { code: 'UND_ERR_DESTROYED' });
    const wrapped = new Error('fetch failed', { cause: closed });
    for (const cause of [closed, wrapped]) {
      expect(
        decideBaishanRetry(
          { errorClass: 'network', cause, read: true },
          1,
          0,
          DEFAULT_BAISHAN_RETRY_POLICY,
          half,
        ),
      ).toEqual({ kind: 'fail' });
    }
    // Any other lost connection is retried.
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(
      decideBaishanRetry({ errorClass: 'network', cause: reset }, 1, 0, DEFAULT_BAISHAN_RETRY_POLICY, half)
        .kind,
    ).toBe('retry');
  });
});
