import { createHash, createHmac } from 'node:crypto';

/**
 * TC3-HMAC-SHA256 request signing, exactly as the GAAP API document (seed 002) specifies.
 * Shared by the client (to sign) and the emulator (to verify), so both follow one reading of the spec.
 */
export interface Tc3Credentials {
  secretId: string;
  secretKey: string;
  /** Temporary (STS) credentials only: sent as X-TC-Token. */
  token?: string;
}

export interface Tc3Request {
  method: 'POST' | 'GET';
  host: string;
  /** Exactly the Content-Type header that will be sent. */
  contentType: string;
  /** Exact body bytes (empty string for GET). */
  payload: string | Uint8Array;
  /** Raw query string without `?` (GET only; already RFC 3986 encoded). */
  query?: string;
  timestamp: number;
  service: string;
  /**
   * Extra headers to sign beyond content-type and host (names any case). The seed's example signs
   * x-tc-action; edgeform signs it too.
   */
  extraSignedHeaders?: Record<string, string>;
}

export interface Tc3Signature {
  authorization: string;
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
  credentialScope: string;
  signedHeaders: string;
  date: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

let lastDay: { day: number; date: string } | undefined;

/** NOTE: the date in the credential scope is the UTC date of the timestamp, never local time. */
export function utcDate(timestamp: number): string {
  const day = Math.floor(timestamp / 86_400);
  if (lastDay?.day !== day) lastDay = { day, date: new Date(day * 86_400_000).toISOString().slice(0, 10) };
  return lastDay.date;
}

export function canonicalize(req: Tc3Request): { canonicalRequest: string; signedHeaders: string } {
  const headers = new Map<string, string>();
  headers.set('content-type', req.contentType.trim().toLowerCase());
  headers.set('host', req.host.trim().toLowerCase());
  for (const [k, v] of Object.entries(req.extraSignedHeaders ?? {})) {
    headers.set(k.trim().toLowerCase(), v.trim().toLowerCase());
  }
  const names = [...headers.keys()].sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers.get(n)}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    req.method,
    '/',
    req.method === 'GET' ? (req.query ?? '') : '',
    canonicalHeaders,
    signedHeaders,
    sha256Hex(req.payload),
  ].join('\n');
  return { canonicalRequest, signedHeaders };
}

/** The derived signing key, from SecretDate on (exposed so the seed's test vector can be checked). */
export function deriveSigningKeyFromSecretDate(secretDate: Uint8Array, service: string): Buffer {
  const secretService = hmacSha256(secretDate, service);
  return hmacSha256(secretService, 'tc3_request');
}

/**
 * The signing key depends only on the secret key, the scope date and the service, so it changes
 * once a UTC day: the last few derived keys are kept (in this process's memory only, next to the
 * credentials they come from), which saves three of the four HMACs of every signature — the
 * client signs and the emulator verifies every call.
 */
const derivedKeys: { secretKey: string; date: string; service: string; key: Buffer }[] = [];
const DERIVED_KEYS_KEPT = 4;

function signingKey(secretKey: string, date: string, service: string): Buffer {
  for (const k of derivedKeys) {
    if (k.date === date && k.service === service && k.secretKey === secretKey) return k.key;
  }
  const key = deriveSigningKeyFromSecretDate(hmacSha256(`TC3${secretKey}`, date), service);
  derivedKeys.unshift({ secretKey, date, service, key });
  if (derivedKeys.length > DERIVED_KEYS_KEPT) derivedKeys.pop();
  return key;
}

export function sign(credentials: Tc3Credentials, req: Tc3Request): Tc3Signature {
  const date = utcDate(req.timestamp);
  const { canonicalRequest, signedHeaders } = canonicalize(req);
  const credentialScope = `${date}/${req.service}/tc3_request`;
  const stringToSign = [
    'TC3-HMAC-SHA256',
    String(req.timestamp),
    credentialScope,
    sha256Hex(canonicalRequest),
  ].join('\n');
  const key = signingKey(credentials.secretKey, date, req.service);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  const authorization = `TC3-HMAC-SHA256 Credential=${credentials.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { authorization, signature, canonicalRequest, stringToSign, credentialScope, signedHeaders, date };
}

export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses an Authorization header; undefined when it is not a well-formed TC3 header. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9-]+)\/tc3_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      header.trim(),
    );
  if (!m) return undefined;
  return {
    secretId: m[1]!,
    date: m[2]!,
    service: m[3]!,
    signedHeaders: m[4]!.split(';'),
    signature: m[5]!,
  };
}
