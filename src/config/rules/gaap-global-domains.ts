import type { Diagnostic } from '../diagnostic-types.js';
import type { PathSegment } from '../path.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/** A country resolves through one DNS record of a global domain; two records for it would conflict. */
export const gaapGlobalDomainCountriesRule: Rule = {
  name: 'gaap-global-domain-countries',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const g of ctx.gaap.globalDomains) {
      const seen = new Map<string, PathSegment[]>();
      (g.value.dns ?? []).forEach((record, i) => {
        record.countries.forEach((country, j) => {
          const at: PathSegment[] = [...g.path, 'dns', i, 'countries', j];
          const prev = seen.get(country);
          if (!prev) {
            seen.set(country, at);
            return;
          }
          out.push(
            diagnosticAt(g.file, at, {
              code: 'DUPLICATE_ITEM',
              message: `country ${country} already has a DNS record (record ${String(prev[prev.length - 3])}) on global domain \`${g.name}\``,
              fix: 'list each country in one record only: merge the proxies of both records, or drop the country here',
              related: [g.file.source.locate(prev)],
            }),
          );
        });
      });
    }
    return out;
  },
};
