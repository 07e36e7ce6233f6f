import type { Diagnostic, DiagnosticSeverity } from '../diagnostic-types.js';
import { describeNames, diagnosticAt, isRecord, isSet } from './rule-helpers.js';
import type { EntryView, Rule } from './rule-types.js';

interface Overlap {
  a: string;
  b: string;
  severity: DiagnosticSeverity;
  why: string;
  /** When the overlap needs more than both keys being set. */
  when?: (config: Record<string, unknown>) => boolean;
}

/**
 * Pairs of keys that configure the same thing with undocumented precedence (the Baishan domain/config
 * POST document states no precedence). Where the outcome is unpredictable the plan is refused; where it
 * merely may surprise, a warning.
 */
export const OVERLAPPING_KEYS: readonly Overlap[] = [
  {
    a: 'cache_rule',
    b: 'cache_rule_list',
    severity: 'error',
    why: 'both define the cache rules and Baishan does not document which one wins',
  },
  {
    a: 'tos_origin',
    b: 'origin',
    severity: 'error',
    why: 'both define the origins and Baishan does not document how they combine',
  },
  {
    a: 'tos_origin',
    b: 'new_origin',
    severity: 'error',
    why: 'both define the origins and Baishan does not document how they combine',
  },
  {
    a: 'connect_timeout',
    b: 'new_origin',
    severity: 'warning',
    why: 'connect_timeout and new_origin[].connect_time both set the origin connect timeout; precedence is not documented',
    when: (c) =>
      Array.isArray(c.new_origin) && c.new_origin.some((o) => isRecord(o) && o.connect_time !== undefined),
  },
  {
    a: 'speed_limit',
    b: 'rate_limit',
    severity: 'warning',
    why: 'both limit transfer speed and their relation is not documented',
  },
  {
    a: 'origin',
    b: 'new_origin',
    severity: 'warning',
    why: 'new_origin overrides origin on conflict; manage one origin mechanism per domain',
  },
  {
    a: 'extend',
    b: 'new_origin',
    severity: 'warning',
    why: 'the raw Squid `extend` overrides new_origin, so edgeform cannot predict the effective origin',
  },
  {
    a: 'add_response_head',
    b: 'head_control',
    severity: 'warning',
    why: 'both edit response headers and their relation is not documented',
  },
  {
    a: 'add_back_source_head',
    b: 'head_control',
    severity: 'warning',
    why: 'both edit back-to-origin request headers and their relation is not documented',
  },
  ...['referer', 'ip_black_list', 'ip_white_list', 'user_agent', 'deny_url'].map(
    (a): Overlap => ({
      a,
      b: 'combined_ban',
      severity: 'warning',
      why: `${a} and a combined_ban condition may both block the same requests; their relation is not documented`,
    }),
  ),
];

export const overlappingKeysRule: Rule = {
  name: 'overlapping-keys',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const e of ctx.entries) {
      for (const o of OVERLAPPING_KEYS) {
        if (!isSet(e.merged, o.a) || !isSet(e.merged, o.b)) continue;
        if (o.when && !o.when(e.merged)) continue;
        out.push(report(e, o));
      }
    }
    return out;
  },
};

function report(e: EntryView, o: Overlap): Diagnostic {
  const pa = e.keyPaths[o.a]!;
  const pb = e.keyPaths[o.b]!;
  // Point at the key the entry declared itself when the other comes from defaults.
  const at = pb[1] === 'defaults' ? pa : pb;
  const other = at === pb ? pa : pb;
  return diagnosticAt(
    e.file,
    at,
    {
      severity: o.severity,
      code: 'OVERLAPPING_KEYS',
      message: `${describeNames(e)} sets both ${o.a} and ${o.b}: ${o.why}`,
      fix: `manage only one of ${o.a} and ${o.b} for this domain`,
      related: [e.file.source.locate(other, 'key')],
    },
    'key',
  );
}
