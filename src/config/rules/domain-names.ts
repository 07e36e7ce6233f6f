import type { Diagnostic } from '../diagnostic-types.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/** An entry names its domains with exactly one of `domain` or `domains`. */
export const domainNameFieldRule: Rule = {
  name: 'domain-name-field',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const e of ctx.entries) {
      const hasOne = e.entry.domain !== undefined;
      const hasMany = e.entry.domains !== undefined;
      if (hasOne && hasMany) {
        out.push(
          diagnosticAt(
            e.file,
            [...e.path, 'domains'],
            {
              code: 'DOMAIN_NAME_REQUIRED',
              message: 'the entry has both `domain` and `domains`',
              fix: 'keep one: `domain: NAME` for a single domain, or `domains: [A, B]` for several sharing the config',
            },
            'key',
          ),
        );
      } else if (!hasOne && !hasMany) {
        out.push(
          diagnosticAt(e.file, e.path, {
            code: 'DOMAIN_NAME_REQUIRED',
            message: 'the entry names no domain',
            fix: 'add `domain: NAME` (or `domains: [A, B]` for several domains sharing the config)',
          }),
        );
      }
    }
    return out;
  },
};

/** A domain is declared once across all entries and files: two declarations would fight over its keys. */
export const duplicateDomainRule: Rule = {
  name: 'duplicate-domain',
  check(ctx) {
    const out: Diagnostic[] = [];
    const first = new Map<
      string,
      { file: (typeof ctx.entries)[number]['file']; path: (string | number)[] }
    >();
    for (const e of ctx.entries) {
      for (const n of e.names) {
        const key = n.name.toLowerCase();
        const prev = first.get(key);
        if (!prev) {
          first.set(key, { file: e.file, path: n.path });
          continue;
        }
        const where = prev.file.source.locate(prev.path);
        out.push(
          diagnosticAt(e.file, n.path, {
            code: 'DUPLICATE_DOMAIN',
            message: `domain ${n.name} is declared more than once; first at ${where.file}:${where.line}:${where.column}`,
            fix: 'declare each domain in one entry only: merge the two entries, or remove this name',
            related: [where],
          }),
        );
      }
    }
    return out;
  },
};
