import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { EdgeformEvent } from '../../../src/core/event-types.js';
import { resolveSecret, type SecretValue } from '../../../src/core/secrets.js';
import type { RunningEmulator } from '../../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../../src/emulator/index.js';
import { executePlan } from '../../../src/executor/execute-plan.js';
import type { ApplyResult } from '../../../src/executor/executor-types.js';
import type { GaapDesired } from '../../../src/model/gaap-desired-types.js';
import { createPlan } from '../../../src/planner/create-plan.js';
import type { Plan } from '../../../src/planner/plan-types.js';
import type { GaapKindModule } from '../../../src/providers/gaap/engine/kind-module.js';
import { GaapClient } from '../../../src/providers/gaap/gaap-client.js';
import { GaapProvider } from '../../../src/providers/gaap/gaap-provider.js';
import { KeyedRateLimiter, RateLimiter } from '../../../src/transport/rate-limiter.js';

/**
 * An emulator with real asynchronous states, and a way to plan/apply a GAAP model against it.
 * `kinds` replaces the registry's list (kinds not registered yet are tested this way).
 */
export async function gaapHarness(
  opts: {
    asyncDelayMs?: number;
    kinds?: readonly GaapKindModule[];
    rateWindowScale?: number;
    latencyMs?: number;
    /** The clients' own events (api-call, throttled, retry) go to `events` too. */
    callEvents?: boolean;
  } = {},
) {
  // The real per-action limit (20 a window) on a faster clock, shared by emulator and client, so
  // large estates build in seconds while throttling still behaves as it does at full scale.
  const scale = opts.rateWindowScale ?? 1;
  const emulator: RunningEmulator = await startEmulator({
    asyncDelayMs: opts.asyncDelayMs ?? 150,
    rateWindowScale: scale,
    latencyMs: opts.latencyMs ?? 0,
  });
  const limiters = new KeyedRateLimiter(
    (action) =>
      new RateLimiter({ limit: action === 'DescribeRealServers' ? 1000 : 20, windowMs: 1000 * scale }),
  );
  const clients: GaapClient[] = [];
  const newClient = () => {
    const c = new GaapClient({
      credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
      endpoint: emulator.gaap,
      limiters,
      ...(opts.callEvents ? { events: (e: EdgeformEvent) => events.push(e) } : {}),
    });
    clients.push(c);
    return c;
  };
  const events: EdgeformEvent[] = [];
  const provider = (stack: string, model: GaapDesired) => {
    const client = newClient();
    return new GaapProvider(
      { stack, gaap: model, settings: { gaap: { rateLimitPerSecond: 20 } } },
      () => client,
      process.cwd(),
      { pollMs: { base: 30, max: 100 } },
      opts.kinds,
    );
  };
  const plan = async (stack: string, model: GaapDesired): Promise<{ plan: Plan; readCalls: number }> => {
    const r = await createPlan({
      stack,
      sources: [],
      providers: [provider(stack, model)],
      events: (e) => events.push(e),
    });
    return { plan: r.plan, readCalls: r.readCalls };
  };
  const apply = async (
    stack: string,
    model: GaapDesired,
    run: { signal?: AbortSignal; parallelism?: number; onEvent?: (e: EdgeformEvent) => void } = {},
  ): Promise<{ plan: Plan; result: ApplyResult }> => {
    const p = provider(stack, model);
    const { plan: thePlan } = await createPlan({
      stack,
      sources: [],
      providers: [p],
      events: (e) => events.push(e),
    });
    const result = await executePlan(thePlan, {
      providers: new Map([['gaap', p]]),
      events: (e) => {
        events.push(e);
        run.onEvent?.(e);
      },
      parallelism: run.parallelism ?? 10,
      ...(run.signal ? { signal: run.signal } : {}),
    });
    return { plan: thePlan, result };
  };
  return {
    emulator,
    events,
    plan,
    apply,
    client: newClient,
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await emulator.close();
    },
  };
}

export function changed(plan: Plan) {
  return plan.changes.filter((c) => c.kind !== 'no-op').map((c) => ({ address: c.address, kind: c.kind }));
}

/** Asserts an apply had no failed step, showing the failures' errors when it had. */
export function expectApplied(result: ApplyResult): void {
  const failed = result.steps.filter((s) => s.error);
  expect(result.failed, JSON.stringify(failed, null, 2)).toBe(0);
}

const FIXTURES = 'test/fixtures/gaap';

/** A fixture file's text (PEM certificates and keys). */
export function fixtureText(name: string): string {
  return readFileSync(`${FIXTURES}/${name}`, 'utf8');
}

/** A fixture referenced as `{file: ...}`, resolved the way the loader resolves it. */
export function fixtureSecret(name: string): SecretValue {
  return resolveSecret({ file: `${FIXTURES}/${name}` }, process.cwd());
}
