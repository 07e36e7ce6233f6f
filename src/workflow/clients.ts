import { EdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import { EMULATOR_DEFAULTS } from '../emulator/emulator-defaults.js';
import type { RunningEmulator } from '../emulator/emulator-types.js';
import type { BaishanSettings, GaapSettings } from '../model/stack-types.js';
import { BaishanClient } from '../providers/baishan/baishan-client.js';
import { GAAP_ACTIONS } from '../providers/gaap/gaap-action-meta.js';
import { GaapClient } from '../providers/gaap/gaap-client.js';
import { gaapCredentialsFromEnv } from '../providers/gaap/gaap-credentials.js';
import type { ActionName } from '../providers/gaap/gaap-types.js';
import { tagEndpointFor } from '../providers/gaap/tag-api.js';
import { KeyedRateLimiter, RateLimiter, RoundTrip } from '../transport/rate-limiter.js';
import { deadlinesFrom } from './deadlines.js';
import { endpointFor } from './endpoints.js';

/**
 * Wiring of the vendor clients to endpoints, credentials and rate limits, shared by every
 * command that talks to the APIs (plan/apply/drift through the session, and export).
 */

/** The environment of a --sandbox run: the in-process emulator's endpoints and credentials. */
export function sandboxEnv(env: NodeJS.ProcessEnv, emulator: RunningEmulator): NodeJS.ProcessEnv {
  return {
    ...env,
    EDGEFORM_GAAP_ENDPOINT: emulator.gaap,
    EDGEFORM_BAISHAN_ENDPOINT: emulator.baishan,
    TENCENTCLOUD_SECRET_ID: EMULATOR_DEFAULTS.secretId,
    TENCENTCLOUD_SECRET_KEY: EMULATOR_DEFAULTS.secretKey,
    BAISHAN_TOKEN: EMULATOR_DEFAULTS.baishanToken,
  };
}

/**
 * EDGEFORM_RATE_WINDOW_SCALE shrinks every rate-limit window (tests and benchmarks against the
 * emulator run the real limits on a faster clock). Never set it against the real APIs.
 */
export function rateWindowScale(env: NodeJS.ProcessEnv): number {
  const v = Number(env.EDGEFORM_RATE_WINDOW_SCALE);
  return Number.isFinite(v) && v > 0 ? v : 1;
}

/** The Baishan client: one account-wide limiter for reads and writes. The environment wins. */
export function baishanClientFor(
  env: NodeJS.ProcessEnv,
  settings: BaishanSettings,
  events: EventSink,
): BaishanClient {
  const token = env.BAISHAN_TOKEN;
  if (!token) {
    throw new EdgeformError({
      code: 'BAISHAN_TOKEN_MISSING',
      message: 'BAISHAN_TOKEN is not set',
      resolution: 'export BAISHAN_TOKEN=<your Baishan API token>, or try edgeform with --sandbox',
    });
  }
  const { callMs } = deadlinesFrom(env);
  return new BaishanClient({
    endpoint: endpointFor('baishan', env, settings.endpoint),
    token,
    callMs,
    // Its throttle windows last a minute: its retries get ten attempts' time.
    maxElapsedMs: 10 * callMs,
    rateLimitPerMinute: settings.rateLimitPerMinute,
    rateWindowMs: 60_000 * rateWindowScale(env),
    events,
  });
}

/**
 * The GAAP client, with one limiter per action for the whole run, reads and writes alike (the
 * vendor counts per action and account). NOTE: the configured limit (default 20/s, as documented)
 * applies to every action but DescribeRealServers, which is documented at 1000/s.
 */
export function gaapClientFor(env: NodeJS.ProcessEnv, settings: GaapSettings, events: EventSink): GaapClient {
  const scale = rateWindowScale(env);
  const endpoint = endpointFor('gaap', env, settings.endpoint);
  const { callMs } = deadlinesFrom(env);
  // Every action's requests take the same path to the endpoint (rate-limiter.ts, RoundTrip).
  const roundTrip = new RoundTrip();
  return new GaapClient({
    timeouts: { callMs },
    // The backoff after repeated refusals is a window: a scaled one on a scaled clock.
    retry: { maxElapsedMs: 3 * callMs, throttleWaitMs: 1000 * scale },
    credentials: gaapCredentialsFromEnv(env),
    endpoint,
    tagEndpoint: tagEndpointFor(endpoint, env),
    ...(settings.region ? { region: settings.region } : {}),
    events,
    limiters: new KeyedRateLimiter((action) => {
      const documented = GAAP_ACTIONS[action as ActionName]?.rateLimitPerSecond ?? 20;
      return new RateLimiter({
        limit: documented > 20 ? documented : settings.rateLimitPerSecond,
        windowMs: 1000 * scale,
        roundTrip,
      });
    }),
  });
}
