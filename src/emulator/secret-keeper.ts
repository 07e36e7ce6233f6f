import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { isPlainObject } from '../core/json.js';

/**
 * Secrets the emulated APIs store (Baishan signing keys, GAAP certificate private keys) never
 * leave the process in clear: the unauthenticated state endpoint shows them redacted, and a state
 * file (`--state`, the sandbox's .edgeform/sandbox.json) holds them sealed.
 *
 * - Redacted: `{ "$redacted": "hmac:<16 hex>" }`, an HMAC under a key made at random for this
 *   process and never shown: two equal secrets look equal within one emulator's life, and no
 *   dictionary recovers one.
 * - Sealed: `{ "$sealed": "v1.<salt>.<iv>.<ciphertext>.<tag>" }`, AES-256-GCM under a key derived
 *   (HKDF-SHA256, salted per value) from the credential the API checks — the Baishan token, the
 *   GAAP SecretKey — which is never written to the file. A restarted emulator given the same
 *   credential opens them and answers as before; with another credential a sealed value cannot be
 *   opened and reads back empty (a masked secret, which the client treats as write-only).
 *
 * NOTE: the sandbox runs with the emulator's built-in credentials, which are public (they are in
 * this package): its state file keeps a secret out of plain sight — greps, secret scanners, a
 * glance at a committed .edgeform/ — but not from someone who decrypts with those defaults. Real
 * keys belong against the real APIs (or `edgeform emulator --state` with a credential of your own).
 */

/** A function that replaces one stored value (a secret) by another form of it. */
export type SecretMap = (value: unknown) => unknown;

const PROCESS_KEY = randomBytes(32);

export function redactSecret(value: unknown): unknown {
  if (typeof value !== 'string' || value === '') return value;
  return { $redacted: `hmac:${createHmac('sha256', PROCESS_KEY).update(value).digest('hex').slice(0, 16)}` };
}

const VERSION = 'v1';
const INFO = 'edgeform emulator state: sealed secret';

function keyOf(credential: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', credential, salt, INFO, 32));
}

export function sealSecret(credential: string): SecretMap {
  return (value) => {
    if (typeof value !== 'string' || value === '') return value;
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyOf(credential, salt), iv);
    const text = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const parts = [salt, iv, text, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return { $sealed: [VERSION, ...parts].join('.') };
  };
}

/** Opens what `sealSecret` made; anything else passes unchanged (a state file of an older version). */
export function openSecret(credential: string, onFailure: () => void): SecretMap {
  return (value) => {
    if (!isPlainObject(value) || typeof value.$sealed !== 'string') return value;
    const [version, ...parts] = value.$sealed.split('.');
    const [salt, iv, text, tag] = parts.map((p) => Buffer.from(p, 'base64url'));
    if (version !== VERSION || !salt || !iv || !text || !tag) {
      onFailure();
      return '';
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', keyOf(credential, salt), iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(text), decipher.final()]).toString('utf8');
    } catch {
      onFailure();
      return '';
    }
  };
}

/**
 * Applies `f` to the values at `path` under `root`, in place: `a.b` follows fields, `[]` every
 * element of a list (`[].auth_secret_key`).
 */
export function mapAtPath(root: unknown, path: string, f: SecretMap): void {
  const [head = '', ...rest] = path.split('.');
  if (head === '[]') {
    if (!Array.isArray(root)) return;
    if (rest.length === 0) {
      for (let i = 0; i < root.length; i++) root[i] = f(root[i]);
      return;
    }
    for (const item of root) mapAtPath(item, rest.join('.'), f);
    return;
  }
  if (!isPlainObject(root) || !(head in root)) return;
  if (rest.length === 0) root[head] = f(root[head]);
  else mapAtPath(root[head], rest.join('.'), f);
}
