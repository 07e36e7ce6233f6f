import type { SecretRef } from '../core/secrets.js';
import type { CertificateDesired, GaapDesired } from '../model/gaap-desired-types.js';

/**
 * The shape of one desired-state file once it has passed `schemas/edgeform.schema.json` (format v1).
 * Config values stay `unknown`: their shapes are the vendor schema's business.
 */
export interface DesiredFileV1 {
  version: 1;
  stack?: string;
  /** Variables and their defaults (config/variables.ts); already substituted in the rest of the file. */
  vars?: Record<string, string | number | boolean>;
  providers?: {
    baishan?: {
      endpoint?: string;
      rateLimitPerMinute?: number;
      refererTypeMapping?: 'post-doc' | 'get-doc';
      cacheErrorCode5xx?: '5xx' | '5XX';
    };
    gaap?: { endpoint?: string; region?: string; rateLimitPerSecond?: number };
  };
  baishan?: {
    defaults?: Record<string, unknown>;
    domains?: DomainEntryV1[];
  };
  gaap?: GaapSectionV1;
}

/**
 * The `gaap` section as written: GaapDesired before secret references are resolved (a certificate's
 * content and key are still `{env}` / `{file}`) and without the loader-filled `sources`.
 */
export interface GaapSectionV1 extends Omit<GaapDesired, 'certificates' | 'sources'> {
  certificates?: Record<string, CertificateV1>;
}

export interface CertificateV1 extends Omit<CertificateDesired, 'content' | 'key'> {
  content: string | SecretRef;
  key?: string | SecretRef;
}

export interface DomainEntryV1 {
  domain?: string;
  domains?: string[];
  exclusive?: boolean;
  allowHttpsDowngrade?: boolean;
  config?: Record<string, unknown>;
}
