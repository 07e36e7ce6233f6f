import { join } from 'node:path';
import type { Diagnostic } from '../config/diagnostic-types.js';
import { hasErrors } from '../config/diagnostic-types.js';
import { desiredStateError, formatDiagnostic } from '../config/format-diagnostics.js';
import { loadStack } from '../config/load-stack.js';
import type { LoadedStack } from '../config/stack-types.js';
import { EdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import type { RunningEmulator } from '../emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../emulator/index.js';
import { BAISHAN_DEFAULT_ENDPOINT, BaishanClient } from '../providers/baishan/baishan-client.js';
import { BaishanProvider } from '../providers/baishan/baishan-provider.js';
import { GAAP_ACTIONS } from '../providers/gaap/gaap-action-meta.js';
import { GaapClient } from '../providers/gaap/gaap-client.js';
import { gaapCredentialsFromEnv } from '../providers/gaap/gaap-credentials.js';
import { GaapProvider } from '../providers/gaap/gaap-provider.js';
import type { ActionName } from '../providers/gaap/gaap-types.js';
import type { Provider } from '../providers/provider-types.js';
import { KeyedRateLimiter, RateLimiter } from '../transport/rate-limiter.js';

export interface SessionOptions {
  files: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  sandbox: boolean;
  events: EventSink;
}

export interface Session {
  stack: LoadedStack;
  diagnostics: Diagnostic[];
  providers: Provider[];
  providerMap: Map<string, Provider>;
  /** Set in --sandbox mode: the in-process emulator. */
  emulator?: RunningEmulator;
  close(): Promise<void>;
}

export const SANDBOX_STATE = join('.edgeform', 'sandbox.json');

/**
 * Loads and validates the desired state, then wires providers to their endpoints and credentials.
 * Invalid input stops here, before any network call (and before the sandbox starts).
 */
export async function openSession(opts: SessionOptions): Promise<Session> {
  const { stack, diagnostics } = loadStack(opts.files, { cwd: opts.cwd, env: opts.env });
  for (const d of diagnostics) {
    if (d.severity === 'warning') {
      opts.events({
        kind: 'warning',
        message: formatDiagnostic({ ...d, severity: 'error' }),
      });
    }
  }
  if (!stack || hasErrors(diagnostics)) throw desiredStateError(diagnostics);

  let env = opts.env;
  let emulator: RunningEmulator | undefined;
  if (opts.sandbox) {
    emulator = await startSandbox(opts.cwd, opts.env);
    env = sandboxEnv(opts.env, emulator);
  }

  const clients: { close(): Promise<void> }[] = [];
  const baishanClient = lazy(() => {
    const token = env.BAISHAN_TOKEN;
    if (!token) {
      throw new EdgeformError({
        code: 'BAISHAN_TOKEN_MISSING',
        message: 'BAISHAN_TOKEN is not set',
        resolution: 'export BAISHAN_TOKEN=<your Baishan API token>, or try edgeform with --sandbox',
      });
    }
    const client = new BaishanClient({
      endpoint: env.EDGEFORM_BAISHAN_ENDPOINT || stack.settings.baishan.endpoint || BAISHAN_DEFAULT_ENDPOINT,
      token,
      rateLimitPerMinute: stack.settings.baishan.rateLimitPerMinute,
      rateWindowMs: 60_000 * rateWindowScale(env),
      events: opts.events,
    });
    clients.push(client);
    return client;
  });

  const scale = rateWindowScale(env);
  const gaapClient = lazy(() => {
    const perSecond = stack.settings.gaap.rateLimitPerSecond;
    const client = new GaapClient({
      credentials: gaapCredentialsFromEnv(env),
      endpoint:
        env.EDGEFORM_GAAP_ENDPOINT || stack.settings.gaap.endpoint || 'https://gaap.tencentcloudapi.com',
      ...(stack.settings.gaap.region ? { region: stack.settings.gaap.region } : {}),
      events: opts.events,
      // One limiter per action for the whole run, reads and writes alike (the vendor counts per
      // action and account). NOTE: the configured limit (default 20/s, as documented) applies to
      // every action but DescribeRealServers, which is documented at 1000/s.
      limiters: new KeyedRateLimiter((action) => {
        const documented = GAAP_ACTIONS[action as ActionName]?.rateLimitPerSecond ?? 20;
        return new RateLimiter({ limit: documented > 20 ? documented : perSecond, windowMs: 1000 * scale });
      }),
    });
    clients.push(client);
    return client;
  });

  const secretBaseDir = stack.files[0] ? join(stack.files[0], '..') : opts.cwd;
  const providers: Provider[] = [
    new GaapProvider(
      stack,
      gaapClient,
      secretBaseDir,
      scale < 1 ? { pollMs: { base: Math.max(20, 500 * scale), max: Math.max(50, 5000 * scale) } } : {},
    ),
    new BaishanProvider(stack, baishanClient, secretBaseDir),
  ];
  return {
    stack,
    diagnostics,
    providers,
    providerMap: new Map(providers.map((p) => [p.id, p])),
    ...(emulator ? { emulator } : {}),
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await emulator?.close();
    },
  };
}

/** The sandbox: the emulator in-process, state in .edgeform/sandbox.json, any domain exists. */
export async function startSandbox(cwd: string, env: NodeJS.ProcessEnv): Promise<RunningEmulator> {
  return startEmulator({
    statePath: join(cwd, SANDBOX_STATE),
    baishanAutoDomains: true,
    rateWindowScale: rateWindowScale(env),
  });
}

function sandboxEnv(env: NodeJS.ProcessEnv, emulator: RunningEmulator): NodeJS.ProcessEnv {
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

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
