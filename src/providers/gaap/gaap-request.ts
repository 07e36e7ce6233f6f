import { GAAP_API_VERSION, GAAP_SERVICE } from './gaap-action-meta.js';
import { sign, type Tc3Credentials } from './tc3-sign.js';

/**
 * NOTE: the signed content-type must be byte-for-byte the one sent (GAAP API, Signature v3: content-type
 * is a signed header); undici sends a header we set verbatim and never appends a charset, so one
 * constant serves both.
 */
export const GAAP_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface GaapWireRequest {
  action: string;
  /** Exact body bytes (the same bytes on every retry; only the signature changes). */
  body: Uint8Array;
  /** `host[:port]` of the endpoint, as sent in the Host header. */
  host: string;
  timestamp: number;
  credentials: Tc3Credentials;
  /** Sent only when set: the caller already dropped it for actions that do not use Region. */
  region?: string | undefined;
  /**
   * Also sign x-tc-action, as the doc's worked example does (the lead's choice for edgeform). The
   * official SDK signs only content-type;host; both are accepted by the API.
   */
  signActionHeader: boolean;
  /** Another Tencent Cloud service on the same signature (the Tag API): default GAAP's. */
  service?: string;
  version?: string;
}

/** Builds the headers of one signed attempt. Pure, so tests can compare it with the SDK's. */
export function buildGaapHeaders(req: GaapWireRequest): Record<string, string> {
  const signature = sign(req.credentials, {
    method: 'POST',
    host: req.host,
    contentType: GAAP_CONTENT_TYPE,
    payload: req.body,
    timestamp: req.timestamp,
    service: req.service ?? GAAP_SERVICE,
    ...(req.signActionHeader ? { extraSignedHeaders: { 'X-TC-Action': req.action } } : {}),
  });
  const headers: Record<string, string> = {
    authorization: signature.authorization,
    'content-type': GAAP_CONTENT_TYPE,
    host: req.host,
    'x-tc-action': req.action,
    'x-tc-version': req.version ?? GAAP_API_VERSION,
    'x-tc-timestamp': String(req.timestamp),
  };
  // NOTE: the doc forbids X-TC-Token with long-term keys, so it is sent only with an STS token.
  if (req.credentials.token) headers['x-tc-token'] = req.credentials.token;
  if (req.region) headers['x-tc-region'] = req.region;
  return headers;
}
