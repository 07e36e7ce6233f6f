import { createHmac, hash } from 'node:crypto';

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

/**
 * One-shot (`crypto.hash`, Node ≥ 20.12): no Hash object per digest. The client signs and the
 * emulator verifies every call, two digests each.
 */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
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
  // name → value, lower case and trimmed; a later header of the same name replaces an earlier one.
  const headers: [string, string][] = [
    ['content-type', req.contentType.trim().toLowerCase()],
    ['host', req.host.trim().toLowerCase()],
  ];
  const extra = req.extraSignedHeaders;
  if (extra) {
    for (const k in extra) {
      if (!Object.hasOwn(extra, k)) continue;
      const name = k.trim().toLowerCase();
      const value = extra[k]!.trim().toLowerCase();
      const same = headers.find((h) => h[0] === name);
      if (same) same[1] = value;
      else headers.push([name, value]);
    }
  }
  if (headers.length > 2) headers.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let canonicalHeaders = '';
  let signedHeaders = '';
  for (const [name, value] of headers) {
    canonicalHeaders += `${name}:${value}\n`;
    signedHeaders += signedHeaders ? `;${name}` : name;
  }
  const query = req.method === 'GET' ? (req.query ?? '') : '';
  const canonicalRequest = `${req.method}\n/\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${sha256Hex(req.payload)}`;
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
const derivedKeys: { secretKey: string; date: string; service: string; key: HmacKey }[] = [];
const DERIVED_KEYS_KEPT = 4;

function signingKey(secretKey: string, date: string, service: string): HmacKey {
  for (const k of derivedKeys) {
    if (k.date === date && k.service === service && k.secretKey === secretKey) return k.key;
  }
  const key = hmacKey(deriveSigningKeyFromSecretDate(hmacSha256(`TC3${secretKey}`, date), service));
  derivedKeys.unshift({ secretKey, date, service, key });
  if (derivedKeys.length > DERIVED_KEYS_KEPT) derivedKeys.pop();
  return key;
}

/**
 * An HMAC-SHA256 key's inner and outer pads (RFC 2104), made once with the key. A derived key is
 * 32 bytes, under SHA-256's 64-byte block, so it is padded as is.
 */
interface HmacKey {
  inner: Buffer;
  outer: Buffer;
}

function hmacKey(key: Buffer): HmacKey {
  const inner = Buffer.alloc(64, 0x36);
  const outer = Buffer.alloc(64, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!;
    outer[i]! ^= key[i]!;
  }
  return { inner, outer };
}

/**
 * HMAC-SHA256 (RFC 2104) of `data` as two one-shot digests over the pads. NOTE: CPU per call.
 * `createHmac` sets up a stream object and an OpenSSL context with the key on every call: in a
 * profiled 200-proxy apply (~5,000 calls) that was ~200 ms of the emulator thread (verifying) and
 * ~120 ms of the client's (signing), where two one-shot digests cost about what one `hash` does.
 */
function hmacHex(key: HmacKey, data: string): string {
  const inner = hash('sha256', Buffer.concat([key.inner, Buffer.from(data, 'utf8')]), 'buffer');
  return hash('sha256', Buffer.concat([key.outer, inner]), 'hex');
}

export function sign(credentials: Tc3Credentials, req: Tc3Request): Tc3Signature {
  const date = utcDate(req.timestamp);
  const { canonicalRequest, signedHeaders } = canonicalize(req);
  const credentialScope = `${date}/${req.service}/tc3_request`;
  const stringToSign = `TC3-HMAC-SHA256\n${req.timestamp}\n${credentialScope}\n${sha256Hex(canonicalRequest)}`;
  const key = signingKey(credentials.secretKey, date, req.service);
  const signature = hmacHex(key, stringToSign);
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
