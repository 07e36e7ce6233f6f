import type { Diagnostic } from '../diagnostic-types.js';
import type { PathSegment } from '../path.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

export function isIpv4OrCidr(text: string): boolean {
  const m = IPV4_CIDR.exec(text);
  if (!m) return false;
  if (m.slice(1, 5).some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith('0')))) return false;
  return m[5] === undefined || Number(m[5]) <= 32;
}

/** Why `ports` is invalid, or undefined when it is "ALL", "80", "80,443" or "3306-20000". */
export function portsProblem(text: string): string | undefined {
  if (text === 'ALL') return undefined;
  const valid = (p: string) => /^\d{1,5}$/.test(p) && Number(p) >= 1 && Number(p) <= 65535;
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) {
    if (!valid(range[1]!) || !valid(range[2]!)) return 'a port of the range is not between 1 and 65535';
    return Number(range[1]) < Number(range[2]) ? undefined : 'the range does not go from low to high';
  }
  const parts = text.split(',');
  if (parts.every(valid)) {
    return new Set(parts).size === parts.length ? undefined : 'a port is listed twice';
  }
  return 'it is not ALL, a port, a comma-separated list of ports or one range';
}

/**
 * Security rules: the source must be an IPv4 address or network, the ports one of the documented
 * forms (GAAP API, CreateSecurityRules: DestPortRange), and a rule may not repeat
 * (ProxySecurityPolicyDuplicatedRule).
 */
export const gaapSecurityRulesRule: Rule = {
  name: 'gaap-security-rules',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const p of ctx.gaap.proxies) {
      const rules = p.value.securityPolicy?.rules ?? [];
      const seen = new Map<string, PathSegment[]>();
      rules.forEach((r, i) => {
        const at: PathSegment[] = [...p.path, 'securityPolicy', 'rules', i];
        if (!isIpv4OrCidr(r.cidr)) {
          out.push(
            diagnosticAt(p.file, [...at, 'cidr'], {
              code: 'INVALID_CIDR',
              message: `${JSON.stringify(r.cidr)} is not an IPv4 address or network`,
              fix: 'write e.g. 203.0.113.7 or 198.51.100.0/24 (prefix 0-32)',
            }),
          );
        }
        if (r.ports !== undefined) {
          const problem = portsProblem(r.ports);
          if (problem !== undefined) {
            out.push(
              diagnosticAt(p.file, [...at, 'ports'], {
                code: 'INVALID_VALUE',
                message: `ports ${JSON.stringify(r.ports)} is invalid: ${problem}`,
                fix: 'write ALL, one port ("80"), a list ("80,443") or one range ("3306-20000"), ports 1-65535',
              }),
            );
          }
        }
        const key = [r.cidr, r.action, r.protocol ?? 'ALL', r.ports ?? 'ALL'].join('\0');
        const prev = seen.get(key);
        if (!prev) {
          seen.set(key, at);
          return;
        }
        out.push(
          diagnosticAt(p.file, at, {
            code: 'DUPLICATE_ITEM',
            message: `security rule ${i} repeats rule ${String(prev[prev.length - 1])} (${r.action} ${r.cidr})`,
            fix: 'remove the repeated rule: GAAP refuses duplicate rules in one policy',
            related: [p.file.source.locate(prev)],
          }),
        );
      });
    }
    return out;
  },
};
