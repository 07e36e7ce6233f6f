import type { BindingDesired, CertificateType } from '../../model/gaap-desired-types.js';
import type { Diagnostic } from '../diagnostic-types.js';
import { didYouMean } from '../did-you-mean.js';
import { byName, l4Listeners, l7Domains, l7Listeners, l7Rules } from '../gaap-view.js';
import type { PathSegment } from '../path.js';
import type { StackFile } from '../stack-file.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

function unknown(
  file: StackFile,
  path: PathSegment[],
  name: string,
  what: string,
  map: string,
  declared: Iterable<string>,
): Diagnostic {
  const names = [...declared];
  const near = didYouMean(name, names);
  return diagnosticAt(file, path, {
    code: 'UNKNOWN_REFERENCE',
    message: `no ${what} named \`${name}\` is declared under gaap.${map}`,
    fix:
      near !== undefined
        ? `did you mean \`${near}\`?`
        : names.length === 0
          ? `declare it under gaap.${map} (in any file of the stack)`
          : `use one of: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''}`,
  });
}

/** What a certificate of each type is for, in the fix of a wrong reference. */
const CERT_ROLE: Record<CertificateType, string> = {
  server: 'certificate and key of the site',
  'client-ca': 'the CA that signs client certificates',
  'basic-auth': 'the `user:hash` lines of basic authentication',
  gaap: 'the certificate and key GAAP shows the origin',
  'origin-ca': "the CA that signs the origin's certificate",
};

/**
 * Every name that points at another object resolves, in any file of the stack, to an object of the
 * right kind: a wrong name would otherwise surface only at apply time, as a failed API call.
 */
export const gaapReferencesRule: Rule = {
  name: 'gaap-references',
  check(ctx) {
    const out: Diagnostic[] = [];
    const servers = byName(ctx.gaap.realServers);
    const certs = byName(ctx.gaap.certificates);
    const groups = byName(ctx.gaap.proxyGroups);
    const proxies = byName(ctx.gaap.proxies);

    const bindings = (file: StackFile, path: PathSegment[], list: BindingDesired[] | undefined) => {
      (list ?? []).forEach((b, i) => {
        if (servers.has(b.realServer)) return;
        out.push(
          unknown(
            file,
            [...path, i, 'realServer'],
            b.realServer,
            'real server',
            'realServers',
            servers.keys(),
          ),
        );
      });
    };
    const cert = (file: StackFile, path: PathSegment[], name: string | undefined, type: CertificateType) => {
      if (name === undefined) return;
      const found = certs.get(name);
      if (!found) {
        out.push(unknown(file, path, name, 'certificate', 'certificates', certs.keys()));
        return;
      }
      if (found.value.type === type) return;
      const where = found.file.source.locate([...found.path, 'type']);
      out.push(
        diagnosticAt(file, path, {
          code: 'WRONG_REFERENCE',
          message: `certificate \`${name}\` has type ${found.value.type}; this field needs a ${type} certificate`,
          fix: `name a certificate of type ${type} here (${CERT_ROLE[type]})`,
          related: [where],
        }),
      );
    };
    const certList = (
      file: StackFile,
      path: PathSegment[],
      names: string[] | undefined,
      type: CertificateType,
    ) => {
      (names ?? []).forEach((n, i) => {
        cert(file, [...path, i], n, type);
      });
    };

    for (const p of ctx.gaap.proxies) {
      const group = p.value.group;
      if (group !== undefined && !groups.has(group)) {
        out.push(unknown(p.file, [...p.path, 'group'], group, 'proxy group', 'proxyGroups', groups.keys()));
      }
    }
    for (const l of l4Listeners(ctx.gaap)) {
      bindings(l.parent.file, [...l.path, 'realServers'], l.listener.realServers);
    }
    for (const l of l7Listeners(ctx.gaap)) {
      cert(l.parent.file, [...l.path, 'certificate'], l.listener.certificate, 'server');
      certList(l.parent.file, [...l.path, 'clientCertificates'], l.listener.clientCertificates, 'client-ca');
    }
    for (const d of l7Domains(ctx.gaap)) {
      const file = d.listener.parent.file;
      cert(file, [...d.path, 'certificate'], d.domain.certificate, 'server');
      certList(file, [...d.path, 'clientCertificates'], d.domain.clientCertificates, 'client-ca');
      const auth = d.domain.auth;
      if (auth) {
        cert(file, [...d.path, 'auth', 'basic'], auth.basic, 'basic-auth');
        cert(file, [...d.path, 'auth', 'gaapCertificate'], auth.gaapCertificate, 'gaap');
        certList(file, [...d.path, 'auth', 'originCa'], auth.originCa, 'origin-ca');
      }
    }
    for (const r of l7Rules(ctx.gaap)) {
      bindings(r.domain.listener.parent.file, [...r.path, 'realServers'], r.rule.realServers);
    }
    for (const g of ctx.gaap.globalDomains) {
      (g.value.dns ?? []).forEach((record, i) => {
        record.proxies.forEach((name, j) => {
          if (proxies.has(name)) return;
          out.push(
            unknown(g.file, [...g.path, 'dns', i, 'proxies', j], name, 'proxy', 'proxies', proxies.keys()),
          );
        });
      });
    }
    return out;
  },
};
