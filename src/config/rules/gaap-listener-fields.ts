import type { Diagnostic } from '../diagnostic-types.js';
import { l4Listeners, l7Domains, l7Listeners } from '../gaap-view.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/** CreateHTTPSListener requires CertificateId and ForwardProtocol. */
export const gaapHttpsListenerRule: Rule = {
  name: 'gaap-https-listener',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const l of l7Listeners(ctx.gaap)) {
      if (l.listener.protocol !== 'HTTPS') continue;
      const missing = (['certificate', 'forwardProtocol'] as const).filter(
        (k) => l.listener[k] === undefined,
      );
      for (const key of missing) {
        out.push(
          diagnosticAt(l.parent.file, l.path, {
            code: 'MISSING_KEY',
            message: `the HTTPS listener on port ${l.listener.port} has no \`${key}\``,
            fix:
              key === 'certificate'
                ? 'add `certificate:` naming a certificate of type server under gaap.certificates'
                : 'add `forwardProtocol: HTTP` (or HTTPS) — the protocol from GAAP to the origin',
          }),
        );
      }
    }
    return out;
  },
};

const HTTPS_ONLY = ['certificate', 'clientCertificates', 'forwardProtocol', 'http3', 'tls'] as const;

/** TLS settings mean nothing on a plain HTTP listener (CreateHTTPListener takes none of them). */
export const gaapHttpListenerRule: Rule = {
  name: 'gaap-http-listener',
  check(ctx) {
    const out: Diagnostic[] = [];
    const notAllowed = (file: Parameters<typeof diagnosticAt>[0], path: (string | number)[], key: string) =>
      diagnosticAt(
        file,
        [...path, key],
        {
          code: 'FIELD_NOT_ALLOWED',
          message: `\`${key}\` applies to HTTPS listeners only; this listener is HTTP`,
          fix: `remove \`${key}\`, or change the listener's protocol to HTTPS`,
        },
        'key',
      );
    for (const l of l7Listeners(ctx.gaap)) {
      if (l.listener.protocol !== 'HTTP') continue;
      for (const key of HTTPS_ONLY) {
        if (l.listener[key] !== undefined) out.push(notAllowed(l.parent.file, l.path, key));
      }
    }
    for (const d of l7Domains(ctx.gaap)) {
      if (d.listener.listener.protocol !== 'HTTP') continue;
      for (const key of ['certificate', 'clientCertificates', 'auth'] as const) {
        if (d.domain[key] !== undefined) out.push(notAllowed(d.listener.parent.file, d.path, key));
      }
    }
    return out;
  },
};

const UDP_CHECK_FIELDS = ['checkType', 'checkPort', 'contextType', 'sendContext', 'recvContext'] as const;

/** clientIpMethod exists for TCP only; checkType and the PORT-check fields for UDP only (and PORT checks only). */
export const gaapL4ProtocolFieldsRule: Rule = {
  name: 'gaap-l4-protocol-fields',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const l of l4Listeners(ctx.gaap)) {
      const { file } = l.parent;
      if (l.listener.protocol === 'UDP' && l.listener.clientIpMethod !== undefined) {
        out.push(
          diagnosticAt(
            file,
            [...l.path, 'clientIpMethod'],
            {
              code: 'FIELD_NOT_ALLOWED',
              message: '`clientIpMethod` applies to TCP listeners only; this listener is UDP',
              fix: 'remove `clientIpMethod` (TOA and Proxy Protocol are TCP mechanisms)',
            },
            'key',
          ),
        );
      }
      const hc = l.listener.healthCheck;
      if (!hc) continue;
      if (l.listener.protocol === 'UDP') {
        if (hc.checkType !== 'PING') continue;
        for (const key of ['contextType', 'sendContext', 'recvContext', 'checkPort'] as const) {
          if (hc[key] === undefined) continue;
          out.push(
            diagnosticAt(
              file,
              [...l.path, 'healthCheck', key],
              {
                code: 'FIELD_NOT_ALLOWED',
                message: `\`healthCheck.${key}\` applies to PORT checks only; this check is PING`,
                fix: `remove \`${key}\`, or set \`checkType: PORT\``,
              },
              'key',
            ),
          );
        }
        continue;
      }
      for (const key of UDP_CHECK_FIELDS) {
        if (hc[key] === undefined) continue;
        out.push(
          diagnosticAt(
            file,
            [...l.path, 'healthCheck', key],
            {
              code: 'FIELD_NOT_ALLOWED',
              message: `\`healthCheck.${key}\` applies to UDP listeners only; this listener is TCP`,
              fix: `remove \`${key}\`: a TCP health check is a connection attempt to the real server's port`,
            },
            'key',
          ),
        );
      }
    }
    return out;
  },
};
