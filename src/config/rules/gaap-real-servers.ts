import { isIP } from 'node:net';
import type { BindingDesired } from '../../model/gaap-desired-types.js';
import type { Diagnostic } from '../diagnostic-types.js';
import { byName, l4Listeners, l7Rules } from '../gaap-view.js';
import type { PathSegment } from '../path.js';
import type { StackFile } from '../stack-file.js';
import { diagnosticAt, type Rule } from './rule-types.js';

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type AddressKind = 'IP' | 'DOMAIN';

export function addressKind(address: string): AddressKind | undefined {
  if (isIP(address) !== 0) return 'IP';
  return HOST_NAME.test(address) ? 'DOMAIN' : undefined;
}

/**
 * A real server's address is an IP address or a host name; AddRealServers refuses the same address
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
        l.proxy.file,
        [...l.path, 'realServers'],
        l.listener.realServerType ?? 'IP',
        l.listener.realServers,
      );
    }
    for (const r of l7Rules(ctx.gaap)) {
      kinds(
        r.domain.listener.proxy.file,
        [...r.path, 'realServers'],
        r.rule.realServerType ?? 'IP',
        r.rule.realServers,
      );
    }
    return out;
  },
};
