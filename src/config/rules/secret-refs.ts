import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isCredentialVariable, isSecretRef, type SecretRef } from '../../core/secrets.js';
import type { Diagnostic } from '../diagnostic-types.js';
import type { PathSegment } from '../path.js';
import { secretSlots } from '../secret-fields.js';
import type { StackFile } from '../stack-file.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/**
 * Secret references must resolve now: a plan made without the key would show a false change, and
 * an apply would fail half-way. Inline secrets are allowed (the value is still masked everywhere)
 * but they live in Git, hence the warning.
 */
export const secretRefsRule: Rule = {
  name: 'secret-refs',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const b of ctx.blocks) {
      for (const slot of secretSlots(b.config)) {
        const path = [...b.path, ...slot.path];
        const field = slot.path.filter((s) => typeof s === 'string').join('.');
        if (typeof slot.value === 'string') {
          out.push(
            diagnosticAt(b.file, path, {
              severity: 'warning',
              code: 'INLINE_SECRET',
              message: `inline secret in ${field}: the value is committed to Git with this file`,
              fix: 'use {env: NAME} (or {file: path}) and keep the value out of the repository',
            }),
          );
          continue;
        }
        if (!isSecretRef(slot.value)) continue;
        const d = unresolvedSecret(b.file, path, slot.value, ctx.env, field);
        if (d) out.push(d);
      }
    }
    return out;
  },
};

/** SECRET_FORBIDDEN for edgeform's own credential variables; SECRET_UNRESOLVED when `{env}` is unset or empty, or `{file}` (relative to the YAML file) is missing. */
export function unresolvedSecret(
  file: StackFile,
  path: PathSegment[],
  ref: SecretRef,
  env: NodeJS.ProcessEnv,
  field: string,
): Diagnostic | undefined {
  if ('env' in ref) {
    if (isCredentialVariable(ref.env)) {
      return diagnosticAt(file, path, {
        code: 'SECRET_FORBIDDEN',
        message: `${field} references ${ref.env}, one of edgeform's own credential variables`,
        fix: 'put the value in a variable of its own and reference that with {env: NAME}',
      });
    }
    const v = env[ref.env];
    if (v !== undefined && v !== '') return undefined;
    return diagnosticAt(file, path, {
      code: 'SECRET_UNRESOLVED',
      message: `environment variable ${ref.env} ${v === undefined ? 'is not set' : 'is empty'} (needed for ${field})`,
      fix: `export ${ref.env}=... before running edgeform, or reference a file with {file: path}`,
    });
  }
  const full = resolve(file.dir, ref.file);
  if (existsSync(full) && statSync(full).isFile()) return undefined;
  return diagnosticAt(file, path, {
    code: 'SECRET_UNRESOLVED',
    message: existsSync(full)
      ? `secret file ${ref.file} is not a regular file (resolved to ${full})`
      : `secret file ${ref.file} does not exist (resolved to ${full})`,
    fix: 'create the file, or fix the path: it is relative to the YAML file that names it',
  });
}
