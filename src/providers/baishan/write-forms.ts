/**
 * The exact value edgeform puts under `config[key]` in a POST so that the live state becomes the
 * desired one, as each key's record in the catalog (model/baishan-keys.ts) says: always the
 * idempotent cover/reset forms, complete objects with defaults filled (§3.0), table wire types
 * (§5.2), ineffective fields dropped, and the documented removal forms for `null`.
 */

import { EdgeformError } from '../../core/errors.js';
import { isPlainObject } from '../../core/json.js';
import { BAISHAN_KEYS, isBaishanConfigKey } from '../../model/baishan-keys.js';
import type { BaishanSettings, DesiredValue } from '../../model/stack-types.js';
import { preShape, type WalkContext, walkValue } from './normalize.js';

export interface WriteFormContext {
  /** The domain being written: the value cache_share.domain gets for inner_share when none is known (C23). */
  domain?: string;
}

/**
 * The value to put under config[key] in a POST so the live state becomes `desired` (desired === null
 * → the documented removal form). SecretValue objects stay SecretValue; the provider reveals them
 * (core/secrets.ts revealSecrets) just before sending. Throws BAISHAN_NOT_REMOVABLE for null on a key without a
 * documented removal form.
 */
export function writeForm(
  key: string,
  desired: DesiredValue,
  live: unknown,
  settings: BaishanSettings,
  context: WriteFormContext = {},
): unknown {
  if (!isBaishanConfigKey(key)) {
    throw new EdgeformError({
      code: 'BAISHAN_UNKNOWN_KEY',
      message: `unknown Baishan config key "${key}"`,
      resolution: 'use one of the config keys documented for domain/config',
    });
  }
  const record = BAISHAN_KEYS[key];
  if (desired === null) {
    if (!record.removal) {
      throw new EdgeformError({
        code: 'BAISHAN_NOT_REMOVABLE',
        message: `Baishan config key "${key}" has no documented removal form`,
        resolution: `delete "${key}" from the YAML to leave it unmanaged, or declare the value it should have`,
      });
    }
    const fromLive: WalkContext = { mode: 'write', side: 'live', settings };
    return record.removal({ stored: () => asObject(walkValue(record.value, live, fromLive)), live });
  }
  const ctx: WalkContext = { mode: 'write', side: 'desired', settings };
  const walk = () => walkValue(record.value, preShape(key, desired), ctx);
  return record.write ? record.write({ desired, walk, live, ...context }) : walk();
}

function asObject(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? { ...v } : {};
}
