import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve as resolvePath } from 'node:path';
import { EdgeformError } from './errors.js';
import { isPlainObject, stableStringify } from './json.js';

/** Where a secret comes from. Only the reference is ever stored or printed. */
export type SecretRef = { env: string } | { file: string };

export const SENSITIVE = '(sensitive)';

/**
 * A resolved secret. It renders as `(sensitive)` through every path that serialises or prints it
 * (toString, toJSON, util.inspect), so a secret cannot leak through a log line or a plan file by
 * accident; only `reveal()` returns the value, and only the provider that sends it calls that.
 */
export class SecretValue {
  readonly ref: SecretRef;
  readonly fingerprint: string;
  readonly #value: string;

  constructor(ref: SecretRef, value: string) {
    this.ref = ref;
    this.#value = value;
    this.fingerprint = secretFingerprint(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return SENSITIVE;
  }

  toJSON(): { $secret: SecretRef; fingerprint: string } {
    return { $secret: this.ref, fingerprint: this.fingerprint };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SecretValue(${describeRef(this.ref)})`;
  }
}

export function isSecretValue(v: unknown): v is SecretValue {
  return v instanceof SecretValue;
}

export function isSecretRef(v: unknown): v is SecretRef {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  const r = v as Record<string, unknown>;
  return (
    (keys[0] === 'env' && typeof r.env === 'string') || (keys[0] === 'file' && typeof r.file === 'string')
  );
}

/**
 * The key of every fingerprint a plan carries (secrets, and live objects whose data may hold a
 * secret). NOTE: an unkeyed hash of a human-chosen secret falls to a dictionary in milliseconds, so
 * fingerprints are HMACs under a key derived from a per-plan random salt (stored in the plan) and
 * the operator's credentials (not stored): whoever holds only the plan file can test no guess,
 * and the same secret has a different fingerprint in every plan. Until a plan sets it, the key is
 * random for the process.
 */
let fingerprintKey: Buffer = randomBytes(32);

/** `EDGEFORM_PLAN_KEY`, else the vendor credentials present: what plan and apply jobs share. */
export const PLAN_KEY_VARIABLE = 'EDGEFORM_PLAN_KEY';

/** A fresh salt for a new plan. */
export function newPlanSalt(): string {
  return randomBytes(16).toString('hex');
}

/** Keys fingerprints for the plan with this salt (a new plan, or a saved one being applied). */
export function useFingerprintSalt(salt: string, env: NodeJS.ProcessEnv): void {
  const material = env[PLAN_KEY_VARIABLE]
    ? [env[PLAN_KEY_VARIABLE]]
    : [env.TENCENTCLOUD_SECRET_KEY, env.BAISHAN_TOKEN].filter((v): v is string => Boolean(v));
  fingerprintKey = createHmac('sha256', `edgeform-plan\0${material.join('\0')}`)
    .update(salt)
    .digest();
}

/** A keyed hash: enough to detect a change, useless to recover the value (see fingerprintKey). */
export function secretFingerprint(value: string): string {
  return hmacFingerprint(fingerprintKey, value);
}

function hmacFingerprint(key: Buffer, value: string): string {
  return `hmac:${createHmac('sha256', key).update(value).digest('hex').slice(0, 32)}`;
}

/** The keyed fingerprint of any JSON-like value (live objects, for the staleness check). */
export function keyedFingerprint(value: unknown): string {
  return secretFingerprint(stableStringify(value));
}

/**
 * `keyedFingerprint` under the key in force now, kept for later: a plan's live fingerprints are
 * computed only when first used (core/lazy-record.ts), possibly after another salt was set.
 */
export function keyedFingerprinter(): (value: unknown) => string {
  const key = fingerprintKey;
  return (value) => hmacFingerprint(key, stableStringify(value));
}

export function describeRef(ref: SecretRef): string {
  return 'env' in ref ? `env ${ref.env}` : `file ${ref.file}`;
}

/**
 * The variables that hold edgeform's own credentials (the TENCENTCLOUD_* family and BAISHAN_TOKEN).
 * A secret field of the YAML naming one would send a vendor's credential to another place (a GAAP
 * key to Baishan as a URL-signing key, ...), so such references are refused wherever a secret is
 * resolved, saved plans included.
 */
export function isCredentialVariable(name: string): boolean {
  return /^TENCENTCLOUD_/i.test(name) || /^BAISHAN_TOKEN$/i.test(name);
}

/**
 * Resolves a reference. `baseDir` is the directory of the YAML file that names it, so
 * `{file: certs/key.pem}` is relative to the stack file, not to the working directory.
 */
export function resolveSecret(
  ref: SecretRef,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): SecretValue {
  if ('env' in ref) {
    if (isCredentialVariable(ref.env)) {
      throw new EdgeformError({
        code: 'SECRET_FORBIDDEN',
        message: `a secret may not reference ${ref.env}: edgeform's own credentials are sent only to their vendor`,
        resolution: 'put the value in a variable of its own and reference that with {env: NAME}',
      });
    }
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new EdgeformError({
        code: 'SECRET_UNRESOLVED',
        message: `environment variable ${ref.env} is not set`,
        resolution: `export ${ref.env}=... before running edgeform, or reference a file with {file: path}`,
      });
    }
    return new SecretValue(ref, value);
  }
  const path = resolvePath(baseDir, ref.file);
  confineSecretFile(path, baseDir, env);
  try {
    // NOTE: a trailing newline in a key file is an editor artefact, not part of the secret.
    return new SecretValue(ref, readFileSync(path, 'utf8').replace(/\r?\n$/, ''));
  } catch (cause) {
    throw unreadableSecretFile(path, cause);
  }
}

function unreadableSecretFile(path: string, cause: unknown): EdgeformError {
  return new EdgeformError({
    code: 'SECRET_UNRESOLVED',
    message: `cannot read secret file ${path}`,
    resolution: 'check the path (relative to the YAML file that names it) and its permissions',
    cause,
  });
}

/** Directories besides the stack's own that `{file:}` secrets may name (absolute, `:`-separated). */
export const SECRET_DIRS_ENV = 'EDGEFORM_SECRET_DIRS';
/** Far above any certificate chain or key. */
export const MAX_SECRET_FILE_BYTES = 1024 * 1024;

/**
 * A `{file:}` secret is a regular file inside the stack's directory (the directory of the YAML
 * file that names it) or inside a directory EDGEFORM_SECRET_DIRS allows, after every symlink is
 * followed: the YAML (from a pull request, in GitOps) must not make edgeform send /etc/passwd,
 * /proc/self/environ or a file a symlink leads to as a certificate key.
 */
function confineSecretFile(path: string, baseDir: string, env: NodeJS.ProcessEnv): void {
  const refuse = (why: string) =>
    new EdgeformError({
      code: 'SECRET_FORBIDDEN',
      message: `secret file ${path} ${why}`,
      resolution: `keep secret files inside the stack's directory (${baseDir}), or list their directory in ${SECRET_DIRS_ENV}`,
    });
  let real: string;
  try {
    real = realpathSync(path);
  } catch (cause) {
    throw unreadableSecretFile(path, cause);
  }
  if (/^\/(proc|sys|dev)(\/|$)/.test(real)) throw refuse(`is under /${real.split('/')[1]}`);
  const allowed = [baseDir, ...(env[SECRET_DIRS_ENV] ?? '').split(':').filter((d) => isAbsolute(d))];
  const inside = allowed.some((dir) => {
    let root: string;
    try {
      root = realpathSync(dir);
    } catch {
      return false;
    }
    const rel = relative(root, real);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  });
  if (!inside)
    throw refuse(
      real === path
        ? "is outside the stack's directory"
        : `leads (through a symlink) to ${real}, outside the stack's directory`,
    );
  const st = statSync(real);
  if (!st.isFile()) throw refuse('is not a regular file');
  if (st.size > MAX_SECRET_FILE_BYTES) throw refuse(`is larger than ${MAX_SECRET_FILE_BYTES} bytes`);
}

/**
 * Turns secrets in a step payload into their values, just before sending. A payload from a saved
 * plan holds `{ $secret, fingerprint }` placeholders: the reference is resolved again, and refused
 * if the value no longer matches the fingerprint the plan was made with.
 */
export function revealSecrets(
  v: unknown,
  baseDir: string,
  encode: (value: string) => string = (x) => x,
): unknown {
  if (isSecretValue(v)) return encode(v.reveal());
  if (Array.isArray(v)) return v.map((x) => revealSecrets(x, baseDir, encode));
  if (isPlainObject(v)) {
    if ('$secret' in v && 'fingerprint' in v) {
      const resolved = resolveSecret(v.$secret as SecretRef, baseDir);
      if (resolved.fingerprint !== v.fingerprint) {
        throw new EdgeformError({
          code: 'PLAN_STALE',
          message: 'a secret referenced by the saved plan has changed since the plan was made',
          resolution: 'run `edgeform plan` again so the change is reviewed',
        });
      }
      return encode(resolved.reveal());
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = revealSecrets(x, baseDir, encode);
    return out;
  }
  return v;
}
