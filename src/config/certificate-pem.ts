import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { SecretValue } from '../core/secrets.js';
import type { GaapDesired } from '../model/gaap-desired-types.js';
import type { Diagnostic } from './diagnostic-types.js';

/**
 * Certificate content and keys are parsed before any call (plan, apply and drift) and by
 * `validate` (export's self-check sees only references and placeholders): X.509 PEM for the certificate
 * (the first of a chain), a PEM private key that node:crypto reads for the key. Basic-auth content
 * is `user:hash` lines, not PEM. No secret value appears in the messages.
 */
export function pemProblems(
  type: string,
  content: string | SecretValue,
  key: string | SecretValue | undefined,
): { field: 'content' | 'key'; message: string }[] {
  if (type === 'basic-auth') return [];
  const text = (v: string | SecretValue) => (typeof v === 'string' ? v : v.reveal());
  const out: { field: 'content' | 'key'; message: string }[] = [];
  const pem = text(content);
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) {
    out.push({
      field: 'content',
      message: 'is not a PEM certificate (no -----BEGIN CERTIFICATE----- block)',
    });
  } else {
    try {
      new X509Certificate(pem);
    } catch {
      out.push({ field: 'content', message: 'holds a PEM block that is not a valid X.509 certificate' });
    }
  }
  if (key !== undefined) {
    const k = text(key);
    try {
      if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(k)) throw new Error('no PEM block');
      createPrivateKey(k);
    } catch {
      out.push({ field: 'key', message: 'is not a PEM private key that can be read (or it is encrypted)' });
    }
  }
  return out;
}

/** Located diagnostics for every certificate of the stack whose content or key does not parse. */
export function certificateDiagnostics(gaap: GaapDesired | null | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, c] of Object.entries(gaap?.certificates ?? {})) {
    const at = gaap?.sources?.[`certificates.${name}`];
    for (const { field, message } of pemProblems(c.type, c.content, c.key)) {
      out.push({
        code: 'INVALID_VALUE',
        severity: 'error',
        file: at?.file ?? '(stack)',
        line: at?.line ?? 1,
        column: at?.column ?? 1,
        path: `gaap.certificates.${name}.${field}`,
        message,
        fix:
          field === 'key'
            ? 'reference the PEM private key (a PEM block whose header names a PRIVATE KEY) that belongs to the certificate'
            : 'reference a PEM certificate (-----BEGIN CERTIFICATE----- …), the chain after it if any',
      });
    }
  }
  return out;
}
