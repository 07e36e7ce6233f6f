import type { BindingDesired } from '../../model/gaap-desired-types.js';
import type { Diagnostic } from '../diagnostic-types.js';
import { l4Listeners, l7Rules } from '../gaap-view.js';
import type { PathSegment } from '../path.js';
import type { StackFile } from '../stack-file.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/**
 * RealServerFailoverRole requires FailoverSwitch=1 on the listener (BindListenerRealServers).
 * Forwarding rules have no failover switch at all, so a role there can never be sent.
 */
export const gaapFailoverRoleRule: Rule = {
  name: 'gaap-failover-role',
  check(ctx) {
    const out: Diagnostic[] = [];
    const roles = (file: StackFile, path: PathSegment[], list: BindingDesired[] | undefined, l7: boolean) => {
      (list ?? []).forEach((b, i) => {
        if (b.role === undefined) return;
        out.push(
          diagnosticAt(
            file,
            [...path, i, 'role'],
            l7
              ? {
                  code: 'FIELD_NOT_ALLOWED',
                  message: 'a forwarding rule has no failover mode, so its bindings take no `role`',
                  fix: 'remove `role`; failover (master/slave) exists on TCP and UDP listeners only',
                }
              : {
                  code: 'FAILOVER_REQUIRED',
                  message: `binding role ${b.role} needs failover mode on the listener`,
                  fix: 'add `failover: true` to the listener, or remove `role`',
                },
            'key',
          ),
        );
      });
    };
    for (const l of l4Listeners(ctx.gaap)) {
      if (l.listener.failover === true) continue;
      roles(l.parent.file, [...l.path, 'realServers'], l.listener.realServers, false);
    }
    for (const r of l7Rules(ctx.gaap)) {
      roles(r.domain.listener.parent.file, [...r.path, 'realServers'], r.rule.realServers, true);
    }
    return out;
  },
};

/**
 * NOTE: GAAP API, ModifyTCPListenerAttribute: wrr, lrtt and failover are not allowed with DOMAIN
 * origins.
 */
export const gaapDomainOriginRule: Rule = {
  name: 'gaap-domain-origin',
  check(ctx) {
    const out: Diagnostic[] = [];
    const scheduler = (file: StackFile, path: PathSegment[], value: string | undefined) => {
      if (value !== 'wrr' && value !== 'lrtt') return;
      out.push(
        diagnosticAt(file, [...path, 'scheduler'], {
          code: 'DOMAIN_ORIGIN_LIMIT',
          message: `scheduler ${value} is not allowed with realServerType DOMAIN`,
          fix: 'use scheduler rr or lc, or bind IP real servers (realServerType IP)',
        }),
      );
    };
    for (const l of l4Listeners(ctx.gaap)) {
      if (l.listener.realServerType !== 'DOMAIN') continue;
      scheduler(l.parent.file, l.path, l.listener.scheduler);
      if (l.listener.failover === true) {
        out.push(
          diagnosticAt(l.parent.file, [...l.path, 'failover'], {
            code: 'DOMAIN_ORIGIN_LIMIT',
            message: 'failover is not allowed with realServerType DOMAIN',
            fix: "remove `failover` (and the bindings' roles), or bind IP real servers (realServerType IP)",
          }),
        );
      }
    }
    for (const r of l7Rules(ctx.gaap)) {
      if (r.rule.realServerType !== 'DOMAIN') continue;
      scheduler(r.domain.listener.parent.file, r.path, r.rule.scheduler);
    }
    return out;
  },
};
