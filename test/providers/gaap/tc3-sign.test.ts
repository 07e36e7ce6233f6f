import { describe, expect, it } from 'vitest';
import {
  canonicalize,
  deriveSigningKeyFromSecretDate,
  hmacSha256,
  parseAuthorization,
  sha256Hex,
  sign,
  utcDate,
} from '../../../src/providers/gaap/tc3-sign.js';

// The seed's worked example (gaap-api.md §1.4): CVM DescribeInstances, service cvm.
const BODY = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const REQ = {
  method: 'POST' as const,
  host: 'cvm.tencentcloudapi.com',
  contentType: 'application/json; charset=utf-8',
  payload: BODY,
  timestamp: 1551113065,
  service: 'cvm',
  extraSignedHeaders: { 'X-TC-Action': 'DescribeInstances' },
};
const PAYLOAD_HASH = '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064';
const CANONICAL = [
  'POST',
  '/',
  '',
  'content-type:application/json; charset=utf-8',
  'host:cvm.tencentcloudapi.com',
  'x-tc-action:describeinstances',
  '',
  'content-type;host;x-tc-action',
  PAYLOAD_HASH,
].join('\n');
const CANONICAL_HASH = '7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84';
const STRING_TO_SIGN = ['TC3-HMAC-SHA256', '1551113065', '2019-02-25/cvm/tc3_request', CANONICAL_HASH].join(
  '\n',
);
const SECRET_DATE = 'da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0';
const SECRET_SERVICE = '8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f';
const SECRET_SIGNING = 'b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af';
const SIGNATURE = '10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f';
const MASKED_ID = 'AKID********************************';
const AUTHORIZATION = `TC3-HMAC-SHA256 Credential=${MASKED_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=${SIGNATURE}`;

describe('TC3 signing: the seed worked example (gaap-api.md §1.4)', () => {
  it('hashes the exact body bytes', () => {
    // The \u escapes are literal ASCII in the body, not the characters they spell.
    expect(Buffer.byteLength(BODY)).toBe(BODY.length);
    expect(sha256Hex(BODY)).toBe(PAYLOAD_HASH);
  });

  it('builds the canonical request and its hash', () => {
    const { canonicalRequest, signedHeaders } = canonicalize(REQ);
    expect(canonicalRequest).toBe(CANONICAL);
    expect(signedHeaders).toBe('content-type;host;x-tc-action');
    expect(sha256Hex(canonicalRequest)).toBe(CANONICAL_HASH);
  });

  it('uses the UTC date, not local time (00:44 in UTC+8 is still the 25th)', () => {
    expect(utcDate(1551113065)).toBe('2019-02-25');
  });

  it('builds the string to sign', () => {
    const s = sign({ secretId: MASKED_ID, secretKey: 'masked' }, REQ);
    expect(s.stringToSign).toBe(STRING_TO_SIGN);
    expect(s.credentialScope).toBe('2019-02-25/cvm/tc3_request');
  });

  it('derives SecretService, SecretSigning and the Signature from the given SecretDate', () => {
    const secretDate = Buffer.from(SECRET_DATE, 'hex');
    const secretService = hmacSha256(secretDate, 'cvm');
    expect(secretService.toString('hex')).toBe(SECRET_SERVICE);
    const secretSigning = deriveSigningKeyFromSecretDate(secretDate, 'cvm');
    expect(secretSigning.toString('hex')).toBe(SECRET_SIGNING);
    expect(hmacSha256(secretSigning, STRING_TO_SIGN).toString('hex')).toBe(SIGNATURE);
  });

  it('assembles the Authorization header', () => {
    const secretSigning = deriveSigningKeyFromSecretDate(Buffer.from(SECRET_DATE, 'hex'), 'cvm');
    const signature = hmacSha256(secretSigning, STRING_TO_SIGN).toString('hex');
    const s = sign({ secretId: MASKED_ID, secretKey: 'masked' }, REQ);
    // sign() cannot reproduce the signature (the seed masks the key), but everything around it must match.
    const assembled = `TC3-HMAC-SHA256 Credential=${MASKED_ID}/${s.credentialScope}, SignedHeaders=${s.signedHeaders}, Signature=${signature}`;
    expect(assembled).toBe(AUTHORIZATION);
    expect(s.authorization.replace(/Signature=[0-9a-f]{64}$/, `Signature=${SIGNATURE}`)).toBe(AUTHORIZATION);
  });

  it('parses an Authorization header (the masked example id is not a valid id shape)', () => {
    const s = sign({ secretId: 'AKIDexample', secretKey: 'k' }, REQ);
    expect(parseAuthorization(s.authorization)).toEqual({
      secretId: 'AKIDexample',
      date: '2019-02-25',
      service: 'cvm',
      signedHeaders: ['content-type', 'host', 'x-tc-action'],
      signature: s.signature,
    });
    expect(parseAuthorization('Bearer x')).toBeUndefined();
  });
});

describe('TC3 signing: the kept signing keys', () => {
  // What sign() computed before it kept derived keys: the full chain on every call.
  const signatureFromScratch = (secretKey: string, req: typeof REQ) => {
    const s = sign({ secretId: 'AKIDexample', secretKey }, req);
    const secretDate = hmacSha256(`TC3${secretKey}`, utcDate(req.timestamp));
    const key = deriveSigningKeyFromSecretDate(secretDate, req.service);
    return { kept: s.signature, fresh: hmacSha256(key, s.stringToSign).toString('hex') };
  };

  it('signs with the key of the secret, date and service of each call, whatever was signed before', () => {
    const nextDay = { ...REQ, timestamp: REQ.timestamp + 86_400 };
    const otherService = { ...REQ, service: 'gaap' };
    // More combinations than keys kept, twice over, interleaved.
    const cases = ['a', 'b', 'c'].flatMap((key) =>
      [REQ, nextDay, otherService].map((r) => [key, r] as const),
    );
    const seen = new Set<string>();
    for (const [key, r] of [...cases, ...[...cases].reverse()]) {
      const { kept, fresh } = signatureFromScratch(key, r);
      expect(kept).toBe(fresh);
      seen.add(kept);
    }
    expect(seen.size).toBe(9);
  });

  it('takes the UTC date at the day boundary exactly', () => {
    expect(utcDate(1551052799)).toBe('2019-02-24');
    expect(utcDate(1551052800)).toBe('2019-02-25');
    expect(utcDate(1551052799)).toBe('2019-02-24');
  });
});
