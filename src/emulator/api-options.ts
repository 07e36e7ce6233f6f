import type { AsyncKind } from './emulator-types.js';

/** Options an API module receives, already defaulted and scaled by startEmulator. */
export interface ApiOptions {
  now: () => number;
  random: () => number;
  log: (line: string) => void;
}

export interface BaishanApiOptions extends ApiOptions {
  token: string;
  /** Calls allowed per window (default 30). */
  rateLimit: number;
  /** Window length in ms (60_000 × rateWindowScale). */
  rateWindowMs: number;
  domains: string[];
  autoDomains: boolean;
}

export interface GaapApiOptions extends ApiOptions {
  secretId: string;
  secretKey: string;
  /** Accept only `gaap` as the credential-scope service (see auth.ts checkService). */
  strictService: boolean;
  /** X-TC-Token accepted with the key pair; without it any token is refused. */
  sessionToken?: string | undefined;
  /** Requests per window per action (default 20; DescribeRealServers 1000 regardless). */
  rateLimit: number;
  /** Window length in ms (1_000 × rateWindowScale). */
  rateWindowMs: number;
  asyncDelayMs: number;
  /** Per kind of object; a kind not named takes `asyncDelayMs`. */
  asyncDelayByKindMs?: Partial<Record<AsyncKind, number>>;
}
