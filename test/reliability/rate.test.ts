import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeformEvent } from '../../src/core/event-types.js';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import {
  baishanEstate,
  cliEnv,
  emulator,
  gaapL4Estate,
  report,
  runCli,
  scratchDir,
  stackYaml,
  writeYaml,
} from './harness.js';

// The documented limits on both sides (Baishan 30 calls a minute for the account, GAAP 20 a
// second per action), on a clock 20× faster. 100 Baishan domains take 10 GETs and ~40 POSTs: more
// than one window's budget, so the client must pace itself; 5 GAAP proxies with 3 listeners each
// make bursts of same-action calls (creates, binds, status polls).
const DOMAINS = 100;
const PROXIES = 5;

let emu: RunningEmulator;
const baishan = baishanEstate('rate', DOMAINS, 'r');
beforeAll(async () => {
  emu = await emulator({ latencyMs: 2, asyncDelayMs: 40, baishanDomains: baishan.domains });
});
afterAll(async () => {
  await emu.close();
});

function events(path: string): (EdgeformEvent & { ts: string })[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EdgeformEvent & { ts: string });
}

describe('rate limits over a whole apply', () => {
  it('every throttled answer is one the client absorbed, none reaches the user, exit 0', async () => {
    const dir = scratchDir('edgeform-rate-');
    writeYaml(dir, 'edgeform.yaml', stackYaml('rate', baishan.yaml, gaapL4Estate(PROXIES)));
    const env = cliEnv(emu);
    const log = join(dir, 'apply.jsonl');

    emu.resetStats();
    const started = Date.now();
    const applied = await runCli(['apply', '--auto-approve', '--log-file', log], { cwd: dir, env });
    const elapsedMs = Date.now() - started;
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Apply complete!');
    expect(applied.stderr).not.toContain('error[');
    expect(applied.stderr).not.toMatch(/RequestLimitExceeded|HTTP 429|BAISHAN_THROTTLED|GAAP_THROTTLED/);

    const stats = structuredClone(emu.stats());
    const logged = events(log);
    const calls = logged.filter((e) => e.kind === 'api-call');
    const throttledEvents = logged.filter((e) => e.kind === 'throttled');
    // The log holds every request that reached the APIs, one line each. On a loaded machine a
    // request can also fail before the server reads it (a reset keep-alive socket, a call
    // deadline): such a line has an error and no answer (no RequestId, no API code).
    const reached = stats.gaap.total + stats.baishan.total;
    const unanswered = calls.filter(
      (e) =>
        e.status === 'error' && (e.provider === 'gaap' ? !e.requestId : e.errorCode === 'BAISHAN_NETWORK'),
    );
    expect(calls.length, JSON.stringify(unanswered)).toBeGreaterThanOrEqual(reached);
    expect(calls.length - reached, JSON.stringify(unanswered)).toBeLessThanOrEqual(unanswered.length);
    // Every throttled answer the emulator gave is one the client saw, waited out and retried:
    // none of them ended a call.
    expect(throttledEvents).toHaveLength(stats.gaap.throttled + stats.baishan.throttled);
    // With the client told the same limits as the server, its own pacing leaves at most a
    // stray answer at a window's edge.
    expect(stats.baishan.throttled + stats.gaap.throttled).toBeLessThanOrEqual(2);
    // Baishan's budget made this run wait: more calls than one window allows.
    expect(stats.baishan.total).toBeGreaterThan(30);

    const replan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
    expect(replan.exitCode, replan.stdout + replan.stderr).toBe(0);
    expect(replan.stderr).not.toContain('error[');

    report('rate (limits as documented)', {
      elapsedMs,
      baishanCalls: stats.baishan.requests,
      gaapCalls: stats.gaap.total,
      throttledAnswers: { gaap: stats.gaap.throttled, baishan: stats.baishan.throttled },
      throttledEventsAbsorbed: throttledEvents.length,
    });
  }, 120_000);

  it('a server stricter than documented: the limiter adapts and absorbs every throttled answer', async () => {
    // The account is allowed half of what the documents say, and the client is not told.
    const strict = await emulator({
      latencyMs: 2,
      asyncDelayMs: 40,
      baishanDomains: baishan.domains,
      baishanRateLimitPerMinute: 15,
      gaapRateLimitPerSecond: 10,
    });
    try {
      const dir = scratchDir('edgeform-rate-');
      writeYaml(dir, 'edgeform.yaml', stackYaml('rate', baishan.yaml, gaapL4Estate(PROXIES)));
      const log = join(dir, 'apply.jsonl');
      const applied = await runCli(['apply', '--auto-approve', '--log-file', log], {
        cwd: dir,
        env: cliEnv(strict),
      });
      expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
      expect(applied.stderr).not.toContain('error[');
      const stats = structuredClone(strict.stats());
      const logged = events(log);
      const throttledEvents = logged.filter((e) => e.kind === 'throttled');
      expect(throttledEvents).toHaveLength(stats.gaap.throttled + stats.baishan.throttled);
      // The limiter learns (Baishan's X-Ratelimit-Limit, GAAP's RequestLimitExceeded) instead of
      // hammering: throttled answers stay a small share of the calls.
      expect(stats.gaap.throttled + stats.baishan.throttled).toBeLessThan(
        0.1 * (stats.gaap.total + stats.baishan.total),
      );
      const replan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: cliEnv(strict) });
      expect(replan.exitCode, replan.stdout + replan.stderr).toBe(0);
      report('rate (server stricter than documented)', {
        baishanCalls: stats.baishan.total,
        gaapCalls: stats.gaap.total,
        throttledAnswers: { gaap: stats.gaap.throttled, baishan: stats.baishan.throttled },
        throttledEventsAbsorbed: throttledEvents.length,
      });
    } finally {
      await strict.close();
    }
  }, 120_000);
});
