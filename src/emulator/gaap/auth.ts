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
}

/**
 * Verifies a TC3-HMAC-SHA256 request the way the real service does: over exactly the bytes and
 * header values received, with the header list the client chose to sign. Throws a GaapError.
 */
export function verifySignature(req: EmulatorRequest, cfg: AuthConfig, nowMs: number): void {
  const authorization = header(req.headers, 'authorization');
  if (!authorization)
    fail('AuthFailure.SignatureFailure', 'The request is missing the Authorization header.');
  const parsed = parseAuthorization(authorization);
  if (!parsed) fail('AuthFailure.InvalidAuthorization', 'The Authorization header is malformed.');
  if (parsed.secretId !== cfg.secretId) fail('AuthFailure.SecretIdNotFound', 'The SecretId is not found.');

  const tsText = header(req.headers, 'x-tc-timestamp');
  if (!tsText) fail('MissingParameter', 'The request is missing a required parameter `Timestamp`.');
  if (!/^\d{1,12}$/.test(tsText)) fail('InvalidParameterValue', 'The value of `Timestamp` is invalid.');
  const timestamp = Number(tsText);
  if (Math.abs(timestamp - nowMs / 1000) > MAX_SKEW_S) {
    fail(
      'AuthFailure.SignatureExpire',
      'The signature has expired: the timestamp is more than 5 minutes off.',
    );
  }
  // NOTE: the scope date must be the UTC date of the timestamp; a local date signs with another key.
  if (parsed.date !== utcDate(timestamp)) {
    fail('AuthFailure.SignatureFailure', 'The credential scope date does not match the timestamp (UTC).');
  }
  if (parsed.service !== 'gaap')
    fail('AuthFailure.InvalidAuthorization', 'The credential scope service must be gaap.');
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
    'The provided credentials could not be validated: the signature does not match.',
  );
}

function queryVariants(q: URLSearchParams): string[] {
  const rfc3986 = [...q.entries()]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return [...new Set([rfc3986, q.toString()])];
}
