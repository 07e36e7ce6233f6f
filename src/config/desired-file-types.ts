/**
 * The shape of one desired-state file once it has passed `schemas/edgeform.schema.json` (format v1).
 * Config values stay `unknown`: their shapes are the vendor schema's business.
 */
export interface DesiredFileV1 {
  version: 1;
  stack?: string;
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
}

export interface DomainEntryV1 {
  domain?: string;
  domains?: string[];
  exclusive?: boolean;
  allowHttpsDowngrade?: boolean;
  config?: Record<string, unknown>;
}
