import type { Diagnostic } from '../diagnostic-types.js';
import { describeNames, diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/** A non-exclusive entry with no keys manages nothing: almost always a forgotten `config:`. */
export const emptyEntryRule: Rule = {
  name: 'empty-entry',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const e of ctx.entries) {
      if (Object.keys(e.merged).length > 0 || e.entry.exclusive === true) continue;
      out.push(
        diagnosticAt(e.file, e.path, {
          severity: 'warning',
          code: 'EMPTY_DOMAIN_CONFIG',
          message: `${describeNames(e)} declares no config keys, so edgeform manages nothing for it`,
          fix: 'add the keys to manage under `config:` (or in `defaults`), or remove the entry',
        }),
      );
    }
    return out;
  },
};
