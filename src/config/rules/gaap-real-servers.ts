import { BlockList, isIP } from 'node:net';
import type { BindingDesired } from '../../model/gaap-desired-types.js';
import type { Diagnostic } from '../diagnostic-types.js';
import { byName, l4Listeners, l7Rules } from '../gaap-view.js';
import type { PathSegment } from '../path.js';
import type { StackFile } from '../stack-file.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type AddressKind = 'IP' | 'DOMAIN';

export function addressKind(address: string): AddressKind | undefined {
  if (isIP(address) !== 0) return 'IP';
  return HOST_NAME.test(address) ? 'DOMAIN' : undefined;
}

/**
 * Addresses no proxy can reach an origin at: unspecified, loopback, link-local, multicast and
 * broadcast. GAAP dials the origin from its own edge over the internet, so such an address only
 * fails at AddRealServers time — or worse, is accepted and never serves.
 */
const UNREACHABLE = new BlockList();
UNREACHABLE.addSubnet('0.0.0.0', 8, 'ipv4');
UNREACHABLE.addSubnet('127.0.0.0', 8, 'ipv4');
UNREACHABLE.addSubnet('169.254.0.0', 16, 'ipv4');
UNREACHABLE.addSubnet('224.0.0.0', 4, 'ipv4');
UNREACHABLE.addAddress('255.255.255.255', 'ipv4');
UNREACHABLE.addAddress('::', 'ipv6');
UNREACHABLE.addAddress('::1', 'ipv6');
UNREACHABLE.addSubnet('fe80::', 10, 'ipv6');
UNREACHABLE.addSubnet('ff00::', 8, 'ipv6');

function unreachableOrigin(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return UNREACHABLE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * A real server's address is an IP address or a host name that an edge can dial; AddRealServers refuses the same address
 * twice (InvalidParameterValue.DuplicateRS); and a listener or rule binds only servers of its
 * realServerType.
 */
export const gaapRealServersRule: Rule = {
  name: 'gaap-real-servers',
  check(ctx) {
    const out: Diagnostic[] = [];
    const first = new Map<string, { file: StackFile; path: PathSegment[] }>();
    for (const s of ctx.gaap.realServers) {
      const at = [...s.path, 'address'];
      if (addressKind(s.value.address) === undefined) {
        out.push(
          diagnosticAt(s.file, at, {
            code: 'INVALID_VALUE',
            message: `${JSON.stringify(s.value.address)} is neither an IP address nor a host name`,
            fix: 'write an IPv4 or IPv6 address (203.0.113.10) or a lower-case host name (origin.example.com), without scheme, port or path',
          }),
        );
        continue;
      }
      if (unreachableOrigin(s.value.address)) {
        out.push(
          diagnosticAt(s.file, at, {
            code: 'INVALID_VALUE',
            message: `${s.value.address} is not an address a proxy can reach an origin at (unspecified, loopback, link-local, multicast or broadcast)`,
            fix: "write the origin's public IP address or host name",
          }),
        );
        continue;
      }
      const key = s.value.address.toLowerCase();
      const prev = first.get(key);
      if (!prev) {
        first.set(key, { file: s.file, path: at });
        continue;
      }
      out.push(
        diagnosticAt(s.file, at, {
          code: 'DUPLICATE_ITEM',
          message: `address ${s.value.address} is already the address of another real server`,
          fix: 'GAAP refuses two real servers with one address: bind the existing real server instead',
          related: [prev.file.source.locate(prev.path)],
        }),
      );
    }

    const servers = byName(ctx.gaap.realServers);
    const kinds = (
      file: StackFile,
      path: PathSegment[],
      type: AddressKind,
      list: BindingDesired[] | undefined,
    ) => {
      (list ?? []).forEach((b, i) => {
        const server = servers.get(b.realServer);
        if (!server) return;
        const kind = addressKind(server.value.address);
        if (kind === undefined || kind === type) return;
        out.push(
          diagnosticAt(file, [...path, i, 'realServer'], {
            code: 'WRONG_REFERENCE',
            message: `real server \`${b.realServer}\` has ${kind === 'IP' ? 'an IP address' : 'a host name'} (${server.value.address}), but realServerType is ${type}`,
            fix:
              type === 'IP'
                ? 'bind a real server with an IP address, or set `realServerType: DOMAIN`'
                : 'bind a real server with a host name, or set `realServerType: IP`',
            related: [server.file.source.locate([...server.path, 'address'])],
          }),
        );
      });
    };
    for (const l of l4Listeners(ctx.gaap)) {
      kinds(
        l.parent.file,
        [...l.path, 'realServers'],
        l.listener.realServerType ?? 'IP',
        l.listener.realServers,
      );
    }
    for (const r of l7Rules(ctx.gaap)) {
      kinds(
        r.domain.listener.parent.file,
        [...r.path, 'realServers'],
        r.rule.realServerType ?? 'IP',
        r.rule.realServers,
      );
    }
    return out;
  },
};
