import { MUTUALLY_EXCLUSIVE_KEYS } from '../../model/baishan-keys.js';
import type { Diagnostic } from '../diagnostic-types.js';
import { describeNames, diagnosticAt, isRecord, isSet } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

const IP_LIST_KEYS = ['ip_black_list', 'ip_white_list'] as const;

/**
 * NOTE: Baishan keeps one IP list per domain: writing either clears the other (the key catalog's
 * `excludes`, model/baishan-keys.ts). Declaring both (directly, or one through `defaults`) would
 * make every apply flip the domain between them.
 */
export const ipListsExclusiveRule: Rule = {
  name: 'ip-lists-exclusive',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const e of ctx.entries) {
      for (const [a, b] of MUTUALLY_EXCLUSIVE_KEYS) {
        if (!isSet(e.merged, a) || !isSet(e.merged, b)) continue;
        const first = e.keyPaths[a]!;
        const second = e.keyPaths[b]!;
        const fromDefaults = first[1] === 'defaults' || second[1] === 'defaults';
        // Point at the key the entry itself declared (the defaults one, when both come from there).
        const at = second[1] === 'defaults' ? first : second;
        const other = at === second ? first : second;
        out.push(
          diagnosticAt(
            e.file,
            at,
            {
              code: 'IP_LISTS_EXCLUSIVE',
              message: `${describeNames(e)} gets both ${a} and ${b}${fromDefaults ? ' (one of them from defaults)' : ''}; Baishan keeps only one, writing either clears the other`,
              fix: fromDefaults
                ? 'drop the list from `defaults`, or move this domain to an entry (or file) without that default'
                : 'keep one of the two lists',
              related: [e.file.source.locate(other, 'key')],
            },
            'key',
          ),
        );
      }
    }
    return out;
  },
};

interface Net {
  text: string;
  index: number;
  base: number;
  prefix: number;
}

function parseNet(text: string, index: number): Net | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { text, index, base, prefix };
}

const size = (n: Net) => 2 ** (32 - n.prefix);
const network = (n: Net) => n.base - (n.base % size(n));
const contains = (outer: Net, inner: Net) =>
  outer.prefix <= inner.prefix && inner.base - (inner.base % size(outer)) === network(outer);

function dotted(v: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
}

/**
 * Networks must be real networks (no host bits) and must neither repeat nor overlap (Baishan
 * domain/config POST document, ip_black_list / ip_white_list).
 */
export const ipListNetworksRule: Rule = {
  name: 'ip-list-networks',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const b of ctx.blocks) {
      for (const key of IP_LIST_KEYS) {
        const value = b.config[key];
        if (!isRecord(value) || !Array.isArray(value.list)) continue;
        const path = [...b.path, key, 'list'];
        const nets: Net[] = [];
        value.list.forEach((item, i) => {
          if (typeof item !== 'string') return;
          const net = parseNet(item, i);
          if (!net) {
            out.push(
              diagnosticAt(b.file, [...path, i], {
                code: 'INVALID_CIDR',
                message: `${JSON.stringify(item)} is not an IPv4 address or network`,
                fix: 'write e.g. 203.0.113.7 or 203.0.113.0/24',
              }),
            );
            return;
          }
          if (network(net) !== net.base) {
            out.push(
              diagnosticAt(b.file, [...path, i], {
                code: 'INVALID_CIDR',
                message: `${item} has host bits set below its /${net.prefix} prefix`,
                fix: `write the network address: ${dotted(network(net))}/${net.prefix}`,
              }),
            );
            return;
          }
          for (const prev of nets) {
            if (!contains(prev, net) && !contains(net, prev)) continue;
            const same = prev.prefix === net.prefix;
            out.push(
              diagnosticAt(b.file, [...path, i], {
                code: 'CIDR_OVERLAP',
                message: same
                  ? `${item} repeats entry ${prev.index}`
                  : contains(prev, net)
                    ? `${item} lies inside ${prev.text} (entry ${prev.index})`
                    : `${item} contains ${prev.text} (entry ${prev.index})`,
                fix: same
                  ? 'remove the repeated entry'
                  : 'keep only the wider network, or split it so the two do not overlap',
              }),
            );
            return;
          }
          nets.push(net);
        });
      }
    }
    return out;
  },
};
