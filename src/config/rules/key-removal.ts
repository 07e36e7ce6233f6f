import { REMOVABLE_KEYS } from '../../model/baishan-keys.js';
import type { Diagnostic } from '../diagnostic-types.js';
import { describeNames, diagnosticAt, isRecord } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/**
 * `key: null` asks edgeform to remove the key; only keys with a documented off-form can be removed
 * (REMOVABLE_KEYS). For the rest edgeform would have to guess, and a wrong guess breaks a live domain.
 */
export const keyRemovalRule: Rule = {
  name: 'key-removal',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const b of ctx.blocks) {
      for (const [key, value] of Object.entries(b.config)) {
        if (value !== null || REMOVABLE_KEYS.has(key)) continue;
        out.push(
          diagnosticAt(b.file, [...b.path, key], {
            code: 'KEY_NOT_REMOVABLE',
            message: `Baishan documents no way to remove \`${key}\``,
            fix: `delete the line to stop managing \`${key}\` (the live value is then left alone); keys that can be removed with null: ${[...REMOVABLE_KEYS].join(', ')}`,
          }),
        );
      }
    }
    return out;
  },
};

/**
 * NOTE: removing https means `cert_id: 0`, which Baishan documents as unbinding the certificate AND
 * downgrading the domain to plain HTTP (Baishan domain/config POST document, https: cert_id 0): the
 * entry must opt in explicitly.
 */
export const httpsDowngradeRule: Rule = {
  name: 'https-downgrade',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const e of ctx.entries) {
      const keyPath = e.keyPaths.https;
      const https = e.merged.https;
      const downgrade = keyPath !== undefined && (https === null || (isRecord(https) && https.cert_id === 0));
      const allowed = e.entry.allowHttpsDowngrade === true;
      if (downgrade && !allowed) {
        const fromDefaults = keyPath[1] === 'defaults';
        out.push(
          diagnosticAt(e.file, https === null ? keyPath : [...keyPath, 'cert_id'], {
            code: 'HTTPS_DOWNGRADE',
            message: `${https === null ? 'removing https' : 'https.cert_id 0'} unbinds the certificate of ${describeNames(e)} and serves it over plain HTTP${fromDefaults ? ' (set in defaults)' : ''}`,
            fix: `if that is intended, add \`allowHttpsDowngrade: true\` to the entry at ${e.file.file}:${e.file.source.locate(e.path).line}; otherwise bind a certificate (cert_id > 0)`,
          }),
        );
      } else if (allowed && !downgrade) {
        out.push(
          diagnosticAt(
            e.file,
            [...e.path, 'allowHttpsDowngrade'],
            {
              severity: 'warning',
              code: 'UNUSED_DOWNGRADE_FLAG',
              message: 'allowHttpsDowngrade is true but the entry does not remove https',
              fix: 'remove the flag so that a future https removal is caught by review',
            },
            'key',
          ),
        );
      }
    }
    return out;
  },
};
