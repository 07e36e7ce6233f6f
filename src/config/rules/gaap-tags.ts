import { RESERVED_TAG_PREFIX } from '../../model/gaap-desired-types.js';
import type { Diagnostic } from '../diagnostic-types.js';
import { GAAP_MAPS } from '../gaap-view.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/**
 * NOTE: the Tag service's rules for a key (its TagResources/ModifyResourceTags documentation):
 * letters of any script, digits, spaces and `+ - = . _ : / @ ( ) [ ]` (and their full-width forms),
 * and no `qcloud`, `tencent` or `project` prefix, which are the system's.
 */
const TAG_KEY_CHARS = /^[\p{L}\p{N} +\-=._:/@()[\]（）【】]*$/u;
const SYSTEM_PREFIX = /^(qcloud|tencent|project)/i;
const TAG_KEY_FIX =
  'use letters, digits, spaces and + - = . _ : / @ ( ) [ ], not beginning with qcloud, tencent or project';

function tencentInvalid(key: string): string | undefined {
  if (!TAG_KEY_CHARS.test(key)) return 'has a character tag keys do not allow';
  if (SYSTEM_PREFIX.test(key)) return 'begins with a prefix Tencent Cloud reserves for its own tags';
  return undefined;
}

/**
 * User tags never take a key of edgeform's own tags (`edgeform:stack`, `edgeform:name`,
 * `edgeform:protect`, ...): a user value there would change which stack owns the object, or
 * whether it is protected.
 */
export const gaapReservedTagsRule: Rule = {
  name: 'gaap-reserved-tags',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const map of GAAP_MAPS) {
      for (const decl of ctx.gaap[map]) {
        const tags = (decl.value as { tags?: Record<string, string> }).tags;
        for (const key of Object.keys(tags ?? {})) {
          const invalid = tencentInvalid(key);
          if (invalid) {
            out.push(
              diagnosticAt(
                decl.file,
                [...decl.path, 'tags', key],
                { code: 'INVALID_VALUE', message: `tag key \`${key}\` ${invalid}`, fix: TAG_KEY_FIX },
                'key',
              ),
            );
            continue;
          }
          if (!key.toLowerCase().startsWith(RESERVED_TAG_PREFIX)) continue;
          out.push(
            diagnosticAt(
              decl.file,
              [...decl.path, 'tags', key],
              {
                code: 'FIELD_NOT_ALLOWED',
                message: `tag key \`${key}\` is reserved: keys beginning with \`${RESERVED_TAG_PREFIX}\` are edgeform's own tags (ownership and protect)`,
                fix: `rename the tag (e.g. \`${key.slice(RESERVED_TAG_PREFIX.length) || 'team'}\`); to protect the object, use \`protect: true\``,
              },
              'key',
            ),
          );
        }
      }
    }
    return out;
  },
};
