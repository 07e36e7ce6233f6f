import { isSecretRef, type SecretRef } from '../core/secrets.js';
import { SECRET_FIELDS } from '../model/baishan-keys.js';
import type { PathSegment } from './path.js';

/** One step of a SECRET_FIELDS path: `'[]'` = every item of an array, else an object key. */
export type SecretStep = '[]' | string;

/** `'[].auth_secret_key'` → `['[]', 'auth_secret_key']`; `'key'` → `['key']`. */
export function secretSteps(path: string): SecretStep[] {
  const out: SecretStep[] = [];
  for (const part of path.split('.')) {
    let p = part;
    while (p.startsWith('[]')) {
      out.push('[]');
      p = p.slice(2);
    }
    if (p !== '') out.push(p);
  }
  return out;
}

export interface SecretSlot {
  /** Path from the config object to the field, e.g. `['tos_origin', 0, 'auth_secret_key']`. */
  path: PathSegment[];
  value: unknown;
}

/** Every secret field present in a Baishan config object (values of any type, for the rules to judge). */
export function secretSlots(config: Record<string, unknown>): SecretSlot[] {
  const out: SecretSlot[] = [];
  for (const { key, path } of SECRET_FIELDS) {
    if (!(key in config)) continue;
    walk(config[key], secretSteps(path), [key], out);
  }
  return out;
}

function walk(value: unknown, steps: SecretStep[], at: PathSegment[], out: SecretSlot[]): void {
  if (steps.length === 0) {
    out.push({ path: at, value });
    return;
  }
  const [step, ...rest] = steps;
  if (step === '[]') {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, rest, [...at, i], out);
    }
    return;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && step! in value) {
    walk((value as Record<string, unknown>)[step!], rest, [...at, step!], out);
  }
}

export function asSecretRef(value: unknown): SecretRef | undefined {
  return isSecretRef(value) ? value : undefined;
}
