import type { SecretValue } from '../core/secrets.js';
import type { GaapDesired } from './gaap-desired-types.js';
import type { SourceLocation } from './source-location.js';

/**
 * A value of the desired state after loading: plain JSON, except that secret references have
 * been resolved into SecretValue objects (which print as `(sensitive)`).
 */
export type DesiredValue =
  | string
  | number
  | boolean
  | null
  | SecretValue
  | DesiredValue[]
  | { [key: string]: DesiredValue };

export interface BaishanSettings {
  /** Base URL; EDGEFORM_BAISHAN_ENDPOINT wins over it. */
  endpoint?: string;
  /** Calls per minute for the whole account (GET and POST share it). Default 30. */
  rateLimitPerMinute: number;
  /**
   * NOTE: seed 001 (POST) says referer type 1 = blacklist, 2 = whitelist; seed 003 (GET) says
   * the opposite. edgeform's YAML uses the POST numbering (its examples agree with it); this
   * setting exists for the day the live API proves the GET document right.
   */
  refererTypeMapping: 'post-doc' | 'get-doc';
  /** Wire spelling of the 5xx wildcard in cache_error_code.code (C2): default the later table's `5XX`. */
  cacheErrorCode5xx: '5xx' | '5XX';
}

export interface GaapSettings {
  endpoint?: string;
  region?: string;
  /** Requests per second per action. Default 20. */
  rateLimitPerSecond: number;
}

export interface BaishanDomainDesired {
  domain: string;
  /** When true edgeform owns every config key of the domain; else only the declared ones. */
  exclusive: boolean;
  /** Declared keys after `defaults` are merged in. `null` means "remove this key". */
  config: Record<string, DesiredValue>;
  source: SourceLocation;
  /** Where each config key was declared (a default's own location when it came from defaults). */
  keySources: Record<string, SourceLocation>;
}

export interface LoadedStack {
  stack: string;
  files: string[];
  settings: { baishan: BaishanSettings; gaap: GaapSettings };
  baishan: { domains: BaishanDomainDesired[] };
  /**
   * GAAP desired state (its shape lives with the GAAP provider), merged across files, certificate
   * secrets resolved, `sources` filled. null when no file has a `gaap:` section: GAAP is then not
   * managed at all, whereas an empty section declares that the stack owns no GAAP object.
   */
  gaap: GaapDesired | null;
}
