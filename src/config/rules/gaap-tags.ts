import { RESERVED_TAG_PREFIX } from '../../model/gaap-desired-types.js';
import type { Diagnostic } from '../diagnostic-types.js';
import { GAAP_MAPS } from '../gaap-view.js';
import { diagnosticAt, type Rule } from './rule-types.js';

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
