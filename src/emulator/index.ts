import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createBaishanApi } from './baishan/baishan-api.js';
import { EMULATOR_DEFAULTS } from './emulator-defaults.js';
import type { EmulatedApi, EmulatorOptions, RunningEmulator } from './emulator-types.js';
import { createGaapApi } from './gaap/gaap-api.js';
import { openSecret, sealSecret } from './secret-keeper.js';
import { seededRandom, serveApi } from './server-kit.js';

export { EMULATOR_DEFAULTS } from './emulator-defaults.js';
export type { EmulatorOptions, RunningEmulator } from './emulator-types.js';

interface PersistedState {
  version: 1;
  gaap?: unknown;
  baishan?: unknown;
}

/**
 * Starts the GAAP and Baishan emulators on loopback. Both share one clock, one PRNG and one state
 * file; each is an EmulatedApi behind the same server kit.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? Date.now;
  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 31));
  const log = options.log ?? (() => {});
  const scale = options.rateWindowScale ?? 1;

  const baishan = createBaishanApi({
    now,
    random,
    log,
    token: options.baishanToken ?? EMULATOR_DEFAULTS.baishanToken,
    rateLimit: options.baishanRateLimitPerMinute ?? 30,
    rateWindowMs: 60_000 * scale,
    domains: options.baishanDomains ?? [],
    autoDomains: options.baishanAutoDomains ?? false,
  });
  const gaap = createGaapApi({
    now,
    random,
    log,
    secretId: options.secretId ?? EMULATOR_DEFAULTS.secretId,
    secretKey: options.secretKey ?? EMULATOR_DEFAULTS.secretKey,
    strictService: options.strictService ?? false,
    sessionToken: options.sessionToken,
    rateLimit: options.gaapRateLimitPerSecond ?? 20,
    rateWindowMs: 1_000 * scale,
    asyncDelayMs: options.asyncDelayMs ?? 0,
    ...(options.asyncDelayByKindMs ? { asyncDelayByKindMs: options.asyncDelayByKindMs } : {}),
  });

  const statePath = options.statePath;
  if (statePath) {
    const saved = loadState(statePath);
    for (const api of [gaap, baishan]) {
      const state = saved?.[api.name];
      if (state === undefined) continue;
      let unopened = 0;
      api.mapSecrets(
        state,
        openSecret(api.credential, () => {
          unopened++;
        }),
      );
      if (unopened > 0)
        log(
          `emulator ${api.name}: ${unopened} secret(s) in ${statePath} were sealed under other credentials; they read back empty`,
        );
      api.restore(state);
    }
  }
  /** A snapshot whose secrets are sealed under the API's own credential (secret-keeper.ts). */
  const sealed = (api: EmulatedApi) => {
    const state = api.snapshot();
    api.mapSecrets(state, sealSecret(api.credential));
    return state;
  };
  const persist = statePath
    ? () => {
        const state: PersistedState = { version: 1, gaap: sealed(gaap), baishan: sealed(baishan) };
        mkdirSync(dirname(statePath), { recursive: true });
        // Write then rename, so a process killed mid-write never leaves a truncated state file.
        const tmp = `${statePath}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify(state));
        renameSync(tmp, statePath);
      }
    : () => {};

  const common = {
    host: options.host ?? '127.0.0.1',
    latencyMs: options.latencyMs ?? 0,
    faultRate: options.faultRate ?? 0,
    dropRate: options.dropRate ?? 0,
    dropAfterCommitRate: options.dropAfterCommitRate ?? 0,
    random,
    now,
    onMutated: persist,
    log,
  };
  const gaapServed = await serveApi(gaap, { ...common, port: options.gaapPort ?? 0 });
  const baishanServed = await serveApi(baishan, { ...common, port: options.baishanPort ?? 0 });

  return {
    gaap: gaapServed.url,
    baishan: baishanServed.url,
    stats: () => ({ gaap: gaapServed.stats, baishan: baishanServed.stats }),
    resetStats: () => {
      gaapServed.resetStats();
      baishanServed.resetStats();
    },
    close: async () => {
      await Promise.all([gaapServed.close(), baishanServed.close()]);
      persist();
    },
  };
}

function loadState(path: string): PersistedState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(text) as PersistedState;
  if (parsed.version !== 1)
    throw new Error(`emulator state ${path} has unknown version ${String(parsed.version)}`);
  return parsed;
}
