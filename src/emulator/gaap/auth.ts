import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parseAuthorization, sign, utcDate } from '../../providers/gaap/tc3-sign.js';
import type { EmulatorRequest } from '../emulator-types.js';
import { fail } from './errors.js';

/** NOTE: the doc allows 5 minutes of clock skew either way. */
const MAX_SKEW_S = 300;

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
}

export interface AuthConfig {
  secretId: string;
  secretKey: string;
  /** Only `gaap` as the credential-scope service (otherwise also the Host's first label). */
  strictService: boolean;
  /** The X-TC-Token accepted with the key pair (temporary credentials); none when absent. */
  sessionToken?: string | undefined;
}

const SEE_HELP = 'The emulator prints the credentials it accepts in `edgeform emulator --help`.';

/**
 * Verifies a TC3-HMAC-SHA256 request the way the real service does: over exactly the bytes and
 * header values received, with the header list the client chose to sign. Throws a GaapError.
 */
export function verifySignature(
  req: EmulatorRequest,
  cfg: AuthConfig,
  nowMs: number,
  expectedService: 'gaap' | 'tag' = 'gaap',
): void {
  const authorization = header(req.headers, 'authorization');
  if (!authorization) {
    // NOTE: signature v1 (HmacSHA1/HmacSHA256 over sorted parameters, 002 "签名方法 v1") is not
    // emulated: the official SDKs sign with v3 by default, and the answer says so.
    if (isSignatureV1(req)) {
      fail(
        'AuthFailure.SignatureFailure',
        'Signature v1 (SignatureMethod HmacSHA1/HmacSHA256) is not supported by the emulator: sign with TC3-HMAC-SHA256 (signature v3, the default of the official SDKs) in the Authorization header.',
      );
    }
    fail(
      'AuthFailure.SignatureFailure',
      'The request is missing the Authorization header: sign it with TC3-HMAC-SHA256 (signature v3).',
    );
  }
  const parsed = parseAuthorization(authorization);
  if (!parsed) {
    fail(
      'AuthFailure.InvalidAuthorization',
      'The Authorization header is malformed: expected `TC3-HMAC-SHA256 Credential=ID/DATE/gaap/tc3_request, SignedHeaders=..., Signature=...`.',
    );
  }
  if (parsed.secretId !== cfg.secretId)
    fail('AuthFailure.SecretIdNotFound', `The SecretId is not the one this emulator accepts. ${SEE_HELP}`);

  const tsText = header(req.headers, 'x-tc-timestamp');
  if (!tsText) fail('MissingParameter', 'The request is missing a required parameter `Timestamp`.');
  if (!/^\d{1,12}$/.test(tsText)) fail('InvalidParameterValue', 'The value of `Timestamp` is invalid.');
  const timestamp = Number(tsText);
  if (Math.abs(timestamp - nowMs / 1000) > MAX_SKEW_S) {
    fail(
      'AuthFailure.SignatureExpire',
      `The signature has expired: X-TC-Timestamp ${timestamp} is more than 5 minutes from the emulator's clock (${Math.floor(nowMs / 1000)}); sign with the current time.`,
    );
  }
  // NOTE: the scope date must be the UTC date of the timestamp; a local date signs with another key.
  if (parsed.date !== utcDate(timestamp)) {
    fail(
      'AuthFailure.SignatureFailure',
      `The credential scope date ${parsed.date} is not the UTC date of the timestamp (${utcDate(timestamp)}): use the UTC date.`,
    );
  }
  checkService(parsed.service, header(req.headers, 'host') ?? '', cfg.strictService, expectedService);
  if (!parsed.signedHeaders.includes('content-type') || !parsed.signedHeaders.includes('host')) {
    fail('AuthFailure.InvalidAuthorization', 'SignedHeaders must include content-type and host.');
  }

  const values = new Map<string, string>();
  for (const name of parsed.signedHeaders) {
    const v = header(req.headers, name);
    if (v === undefined) fail('AuthFailure.SignatureFailure', `The signed header ${name} was not sent.`);
    values.set(name, v);
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of values) if (k !== 'content-type' && k !== 'host') extra[k] = v;
  const method = req.method === 'GET' ? 'GET' : 'POST';
  const host = values.get('host')!;
  // NOTE: the official Node SDK sends `Host: name:port` but signs the hostname only. The real
  // service never sees a port, so both readings are accepted; the signature still covers the name.
  const hosts = [host];
  const portless = host.replace(/:\d+$/, '');
  if (portless !== host) hosts.push(portless);
  // GET: the raw query string is not kept by the server kit, so both common encodings are tried.
  const queries = method === 'GET' ? queryVariants(req.query) : [''];

  const expected = Buffer.from(parsed.signature, 'hex');
  for (const h of hosts) {
    for (const query of queries) {
      const sig = sign(
        { secretId: cfg.secretId, secretKey: cfg.secretKey },
        {
          method,
          host: h,
          contentType: values.get('content-type')!,
          payload: method === 'GET' ? '' : req.body,
          query,
          timestamp,
          service: parsed.service,
          extraSignedHeaders: extra,
        },
      );
      const got = Buffer.from(sig.signature, 'hex');
      if (got.length === expected.length && timingSafeEqual(got, expected)) return;
    }
  }
  fail(
    'AuthFailure.SignatureFailure',
    `The signature does not match: check the SecretKey, and that the signed headers and body are sent unchanged. ${SEE_HELP}`,
  );
}

/**
 * NOTE: the official SDKs derive the scope service from the endpoint's first label, so a client
 * pointed at `127.0.0.1:PORT` or `gaap-emulator:8080` signs for `127` or `gaap-emulator`. Such a
 * service is accepted when it is exactly the first label of the Host the request was sent to and
 * that Host is not a `*.tencentcloudapi.com` name; the HMAC is still verified with it. With
 * `strictService` only `gaap` passes (`tag` for the Tag API), as on the real services.
 */
function checkService(service: string, host: string, strict: boolean, expected: string): void {
  if (service === expected) return;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  const official = name.endsWith('.tencentcloudapi.com');
  if (!strict && !official && service === name.split('.')[0]) return;
  const why = strict
    ? 'this emulator runs with --strict-service'
    : `the Host is ${host || '(none)'}, whose first label is not \`${service}\``;
  fail(
    'AuthFailure.InvalidAuthorization',
    `The credential scope service is \`${service}\`, not ${expected} (${why}): sign with CredentialScope DATE/${expected}/tc3_request, or point the client at an endpoint whose first label it signs for.`,
  );
}

/** A v1-signed request carries SignatureMethod/Signature as parameters (query or form body). */
export function isSignatureV1(req: EmulatorRequest): boolean {
  if (req.query.has('Signature') || req.query.has('SignatureMethod')) return true;
  const type = header(req.headers, 'content-type') ?? '';
  if (!type.includes('application/x-www-form-urlencoded')) return false;
  const form = new URLSearchParams(req.body.toString('utf8'));
  return form.has('Signature') || form.has('SignatureMethod');
}

/** X-TC-Token: accepted only when the emulator was given one (--session-token) and it matches. */
export function verifySessionToken(req: EmulatorRequest, cfg: AuthConfig): void {
  const token = header(req.headers, 'x-tc-token');
  if (!token) return;
  if (cfg.sessionToken === undefined) {
    fail(
      'AuthFailure.TokenFailure',
      'The request carries X-TC-Token, but this emulator accepts no temporary credentials: start it with --session-token TOKEN, or send no token with a long-term key.',
    );
  }
  const a = Buffer.from(token);
  const b = Buffer.from(cfg.sessionToken);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    fail(
      'AuthFailure.TokenFailure',
      `The X-TC-Token is not the session token this emulator accepts. ${SEE_HELP}`,
    );
  }
}

function queryVariants(q: URLSearchParams): string[] {
  const rfc3986 = [...q.entries()]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return [...new Set([rfc3986, q.toString()])];
}
