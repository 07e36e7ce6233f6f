import type { Diagnostic } from '../diagnostic-types.js';
import { isL4, listeners } from '../gaap-view.js';
import type { PathSegment } from '../path.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

type Space = 'TCP' | 'UDP';

interface Use {
  port: number;
  space: Space;
  path: PathSegment[];
  what: string;
}

/**
 * A layer-4 listener gives exactly one of `port` / `ports`. Ports are unique per proxy (or group) and
 * transport: TCP, HTTP and HTTPS share the TCP space, UDP has its own, and an HTTPS listener with
 * http3 also takes its port in the UDP space (GAAP API, CreateHTTPSListener: Http3Supported).
 */
export const gaapListenerPortsRule: Rule = {
  name: 'gaap-listener-ports',
  check(ctx) {
    const out: Diagnostic[] = [];
    const seen = new Map<string, Use>();
    for (const l of listeners(ctx.gaap)) {
      const { file } = l.parent;
      const uses: Use[] = [];
      const what = `the ${l.listener.protocol} listener`;
      if (isL4(l.listener)) {
        const { port, ports } = l.listener;
        const space: Space = l.listener.protocol;
        if (port !== undefined && ports !== undefined) {
          out.push(
            diagnosticAt(
              file,
              [...l.path, 'ports'],
              {
                code: 'FIELD_NOT_ALLOWED',
                message: 'the listener has both `port` and `ports`',
                fix: 'keep one: `port: N` for one listener, or `ports: [A, B]` for several sharing this configuration',
              },
              'key',
            ),
          );
        } else if (port === undefined && ports === undefined) {
          out.push(
            diagnosticAt(file, l.path, {
              code: 'MISSING_KEY',
              message: `the ${l.listener.protocol} listener has no port`,
              fix: 'add `port: N` (or `ports: [A, B]` for several listeners sharing this configuration)',
            }),
          );
        }
        if (port !== undefined) uses.push({ port, space, path: [...l.path, 'port'], what });
        (ports ?? []).forEach((p, i) => {
          uses.push({ port: p, space, path: [...l.path, 'ports', i], what });
        });
      } else {
        const at = [...l.path, 'port'];
        uses.push({ port: l.listener.port, space: 'TCP', path: at, what });
        if (l.listener.protocol === 'HTTPS' && l.listener.http3 === true) {
          uses.push({ port: l.listener.port, space: 'UDP', path: at, what: 'the HTTPS listener with http3' });
        }
      }
      for (const use of uses) {
        const key = `${l.parentKind}\0${l.parent.name}\0${use.space}\0${use.port}`;
        const prev = seen.get(key);
        if (!prev) {
          seen.set(key, use);
          continue;
        }
        const where = file.source.locate(prev.path);
        out.push(
          diagnosticAt(file, use.path, {
            code: 'DUPLICATE_PORT',
            message: `${use.space} port ${use.port} of ${l.parentKind} \`${l.parent.name}\` is already taken by ${prev.what} at ${where.file}:${where.line}:${where.column}`,
            fix:
              use.space === 'TCP'
                ? 'use another port: TCP, HTTP and HTTPS listeners of one proxy (or group) share the TCP port space'
                : 'use another port: UDP listeners and HTTPS listeners with http3 share the UDP port space',
            related: [where],
          }),
        );
      }
    }
    return out;
  },
};
