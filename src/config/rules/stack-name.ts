import type { Diagnostic } from '../diagnostic-types.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/** Every file that names the stack names the same one, and at least one file names it. */
export const stackNameRule: Rule = {
  name: 'stack-name',
  check(ctx) {
    const out: Diagnostic[] = [];
    const named = ctx.files.filter((f) => typeof f.doc.stack === 'string');
    if (named.length === 0 && ctx.files.length > 0) {
      const first = ctx.files[0]!;
      out.push(
        diagnosticAt(first, [], {
          code: 'STACK_MISSING',
          message:
            ctx.files.length === 1 ? 'the file does not name its stack' : 'none of the files names the stack',
          fix: 'add `stack: NAME` (lower-case letters, digits, -): it scopes what edgeform may change',
        }),
      );
      return out;
    }
    const first = named[0];
    if (!first) return out;
    for (const f of named.slice(1)) {
      if (f.doc.stack === first.doc.stack) continue;
      out.push(
        diagnosticAt(f, ['stack'], {
          code: 'STACK_MISMATCH',
          message: `stack \`${f.doc.stack}\` differs from \`${first.doc.stack}\` set in ${first.file}`,
          fix: 'files given together form one stack: use the same `stack:` in all of them, or run them separately',
          related: [first.source.locate(['stack'])],
        }),
      );
    }
    return out;
  },
};
