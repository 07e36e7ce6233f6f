import type { Diagnostic } from '../diagnostic-types.js';
import { l7Domains, l7Listeners } from '../gaap-view.js';
import type { PathSegment } from '../path.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

const MAX_DOMAINS_PER_LISTENER = 100;

/**
 * A layer-7 domain is identified by (listener, domain): a repeat would be two declarations of one
 * live object. CreateDomain allows 100 domains per listener, and one default server makes sense.
 */
export const gaapListenerDomainsRule: Rule = {
  name: 'gaap-listener-domains',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const l of l7Listeners(ctx.gaap)) {
      const { file } = l.parent;
      const domains = l.listener.domains ?? [];
      if (domains.length > MAX_DOMAINS_PER_LISTENER) {
        out.push(
          diagnosticAt(file, [...l.path, 'domains'], {
            code: 'TOO_MANY_ITEMS',
            message: `the ${l.listener.protocol} listener on port ${l.listener.port} has ${domains.length} domains; GAAP allows at most ${MAX_DOMAINS_PER_LISTENER} per listener`,
            fix: 'move some domains to a listener on another port or proxy, or use a wildcard domain (*.example.com)',
          }),
        );
      }
      const seen = new Map<string, PathSegment[]>();
      let defaultServer: PathSegment[] | undefined;
      domains.forEach((d, i) => {
        const at: PathSegment[] = [...l.path, 'domains', i];
        const prev = seen.get(d.domain);
        if (prev) {
          out.push(
            diagnosticAt(file, [...at, 'domain'], {
              code: 'DUPLICATE_ITEM',
              message: `domain ${d.domain} is declared twice on this listener`,
              fix: 'merge the two entries: put all rules and error pages of the domain under one entry',
              related: [file.source.locate(prev)],
            }),
          );
        } else {
          seen.set(d.domain, [...at, 'domain']);
        }
        if (d.isDefaultServer !== true) return;
        if (defaultServer) {
          out.push(
            diagnosticAt(file, [...at, 'isDefaultServer'], {
              code: 'DUPLICATE_ITEM',
              message: `domain ${d.domain} is a second default server of this listener`,
              fix: 'keep `isDefaultServer: true` on one domain of the listener only',
              related: [file.source.locate(defaultServer)],
            }),
          );
        } else {
          defaultServer = [...at, 'isDefaultServer'];
        }
      });
    }
    return out;
  },
};

/** A rule is identified by (listener, domain, path), so paths are unique per domain. */
export const gaapRulePathsRule: Rule = {
  name: 'gaap-rule-paths',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const d of l7Domains(ctx.gaap)) {
      const { file } = d.listener.parent;
      const seen = new Map<string, PathSegment[]>();
      (d.domain.rules ?? []).forEach((r, i) => {
        const at: PathSegment[] = [...d.path, 'rules', i, 'path'];
        const prev = seen.get(r.path);
        if (!prev) {
          seen.set(r.path, at);
          return;
        }
        out.push(
          diagnosticAt(file, at, {
            code: 'DUPLICATE_ITEM',
            message: `path ${r.path} already has a rule on domain ${d.domain.domain}`,
            fix: 'merge the two rules, or give this one another path',
            related: [file.source.locate(prev)],
          }),
        );
      });
    }
    return out;
  },
};
