import type { IncomingHttpHeaders } from 'node:http';

/** Kinds of GAAP objects with asynchronous states. */
export type AsyncKind =
  | 'proxy'
  | 'group'
  | 'listener'
  | 'domain'
  | 'rule'
  | 'globalDomain'
  | 'dns'
  | 'policy';

export interface EmulatorOptions {
  host?: string;
  /** 0 = any free port. */
  gaapPort?: number;
  baishanPort?: number;
  /** Persist both APIs' state here (JSON) and load it at start. */
  statePath?: string;
  /** GAAP credentials accepted (one pair). */
  secretId?: string;
  secretKey?: string;
  /**
   * Accept only `gaap` as the credential-scope service. By default the service a client derived
   * from a non-`*.tencentcloudapi.com` Host (the SDKs use the endpoint's first label) also passes.
   */
  strictService?: boolean;
  /** X-TC-Token accepted with the key pair (temporary credentials); without it a token is refused. */
  sessionToken?: string;
  /** Baishan token accepted. */
  baishanToken?: string;
  /** Added to every answer. */
  latencyMs?: number;
  /** Share (0..1) of requests answered with a retryable server error instead of being processed. */
  faultRate?: number;
  /** Share (0..1) of requests whose connection is dropped without an answer (before processing). */
  dropRate?: number;
  /**
   * Share (0..1) of *mutating* requests that are processed and committed, and whose connection is
   * then dropped: the client cannot know it succeeded (the case that creates duplicates elsewhere).
   */
  dropAfterCommitRate?: number;
  /** How long CREATING/ADJUSTING/... states last in GAAP. */
  asyncDelayMs?: number;
  /**
   * The same, per kind of object (a proxy takes much longer than a listener on the live API); a
   * kind not named takes `asyncDelayMs`. Given in ms of the emulator's clock: a benchmark that
   * scales the rate windows scales these the same way.
   */
  asyncDelayByKindMs?: Partial<Record<AsyncKind, number>>;
  /** GAAP requests per second per action (default 20; DescribeRealServers 1000). */
  gaapRateLimitPerSecond?: number;
  /** Baishan calls per window per account (default 30). */
  baishanRateLimitPerMinute?: number;
  /**
   * Multiplies every rate window (1 = real time). 0.1 makes Baishan's minute last 6 s and GAAP's
   * second last 100 ms, so benchmarks keep the ratios and finish sooner.
   */
  rateWindowScale?: number;
  /** Baishan domains that exist for the token at start (online, empty config). */
  baishanDomains?: string[];
  /** When true any domain asked for exists (online, empty config): the sandbox's behaviour. */
  baishanAutoDomains?: boolean;
  /** Seed for the fault-injection PRNG, so failing runs can be replayed. */
  seed?: number;
  /** Clock in ms; tests inject a fake one. */
  now?: () => number;
  /** Where the emulator reports problems (default: ignore). */
  log?: (line: string) => void;
}

export interface EmulatorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  receivedAt: number;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string. */
  body: unknown;
}

export interface HandleResult {
  response: EmulatorResponse;
  /** True when the request changed state (drives persistence and drop-after-commit faults). */
  mutated: boolean;
  /** Counted in stats as "throttled". */
  throttled?: boolean;
}

/** One emulated vendor API. The server kit handles transport, faults, latency, stats and persistence. */
export interface EmulatedApi {
  readonly name: 'gaap' | 'baishan';
  /** Stats key of a request, e.g. `CreateProxy` or `POST domain/config`. */
  operationOf(req: EmulatorRequest): string;
  handle(req: EmulatorRequest): Promise<HandleResult> | HandleResult;
  /** The answer this API gives for an injected retryable server error. */
  faultResponse(req: EmulatorRequest): EmulatorResponse;
  /** The state as plain JSON, secrets in clear: for this process only (see secret-keeper.ts). */
  snapshot(): unknown;
  /** Takes a snapshot with its secrets in clear. */
  restore(state: unknown): void;
  /** Replaces every secret value of a snapshot, in place, by `f(value)` (redact, seal, open). */
  mapSecrets(snapshot: unknown, f: (value: unknown) => unknown): void;
  /**
   * The credential the API checks (Baishan token, GAAP SecretKey): a state file's secrets are
   * sealed with a key derived from it.
   */
  readonly credential: string;
  /** Admin operations reachable at POST /_emulator/<name>/<op> (tests, demos). */
  admin?(op: string, body: unknown): unknown;
}

export interface EmulatorStats {
  /** Requests the API served (not faulted, dropped or throttled), by operation. */
  requests: Record<string, number>;
  total: number;
  faults: number;
  drops: number;
  throttled: number;
}

export interface RunningEmulator {
  gaap: string;
  baishan: string;
  stats(): { gaap: EmulatorStats; baishan: EmulatorStats };
  resetStats(): void;
  close(): Promise<void>;
}
