import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../src/config/format-diagnostics.js';
import { errors, expectAt, HEADER, loadFixture, only, pos } from './helpers.js';

// Validation of the settings that need calls beyond create/modify: TLS versions and ciphers,
// proxy and group on/off, domain authentication. Every error is located at what must change.

const CERT = '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----';
const env = { SITE_KEY: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----' };

function file(body: string): string {
  return `${HEADER}gaap:
  certificates:
    site: { type: server, content: "${CERT}", key: { env: SITE_KEY } }
    users: { type: basic-auth, content: "alice:$apr1$x$y" }
    to-origin: { type: gaap, content: "${CERT}", key: { env: SITE_KEY } }
    origin-ca: { type: origin-ca, content: "${CERT}" }
${body}`;
}

/** One proxy `web` with extra lines and one listener. */
function proxy(listener: string, extra = ''): string {
  return `  proxies:
    web:
      accessRegion: EastChina
      realServerRegion: SouthChina
      bandwidth: 10
      concurrent: 2
${extra}      listeners:
${listener}`;
}

const HTTPS = (more: string) =>
  `        - protocol: HTTPS\n          port: 443\n          certificate: site\n          forwardProtocol: HTTP\n${more}`;

const load = (text: string) => loadFixture({ 'a.yaml': text }, { env });

describe('gaap settings: TLS versions and cipher suite', () => {
  it('accepts versions with or without a cipher suite on an HTTPS listener', () => {
    for (const tls of [
      '{ versions: [TLSv1.2, TLSv1.3] }',
      '{ versions: [TLSv1.3], ciphers: GAAP_TLS_CIPHERS_STRICT }',
    ]) {
      const r = load(file(proxy(HTTPS(`          tls: ${tls}\n`))));
      expect(formatDiagnostics(r.diagnostics)).toBe('');
      const l = r.stack!.gaap!.proxies!.web!.listeners![0]!;
      expect('tls' in l && l.tls?.versions).toBeTruthy();
    }
  });

  it('refuses an unknown version and an unknown suite at the value', () => {
    const text = file(proxy(HTTPS('          tls: { versions: [TLSv1.4], ciphers: STRICT }\n')));
    const r = load(text);
    expect(errors(r.diagnostics).map((d) => [d.code, d.path])).toEqual([
      ['INVALID_VALUE', 'gaap.proxies.web.listeners[0].tls.versions[0]'],
      ['INVALID_VALUE', 'gaap.proxies.web.listeners[0].tls.ciphers'],
    ]);
    expectAt(errors(r.diagnostics)[0]!, 'a.yaml', pos(text, 'TLSv1.4'));
  });

  it('needs the versions: SetTlsVersion takes both', () => {
    const text = file(proxy(HTTPS('          tls: { ciphers: GAAP_TLS_CIPHERS_STRICT }\n')));
    const d = only(load(text).diagnostics, 'MISSING_KEY');
    expect(d.path).toBe('gaap.proxies.web.listeners[0].tls');
  });

  it('refuses tls on an HTTP listener, at the key', () => {
    const text = file(
      proxy('        - protocol: HTTP\n          port: 80\n          tls: { versions: [TLSv1.2] }\n'),
    );
    const d = only(load(text).diagnostics, 'FIELD_NOT_ALLOWED');
    expectAt(d, 'a.yaml', pos(text, 'tls:'));
    expect(d.message).toBe('`tls` applies to HTTPS listeners only; this listener is HTTP');
  });
});

describe('gaap settings: proxy and group on/off', () => {
  it('accepts enabled on a proxy and on a group', () => {
    const text = file(`  proxyGroups:
    pool:
      realServerRegion: SouthChina
      accessRegions: [{ region: EastChina, bandwidth: 10, concurrent: 2 }]
      enabled: false
${proxy('        - { protocol: TCP, port: 80 }\n', '      enabled: false\n')}`);
    const r = load(text);
    expect(formatDiagnostics(r.diagnostics)).toBe('');
    expect(r.stack!.gaap!.proxies!.web!.enabled).toBe(false);
    expect(r.stack!.gaap!.proxyGroups!.pool!.enabled).toBe(false);
  });

  it('refuses enabled on a proxy of a group: the group opens and closes its proxies', () => {
    const text = file(`  proxyGroups:
    pool: { realServerRegion: SouthChina }
  proxies:
    web: { accessRegion: EastChina, bandwidth: 10, concurrent: 2, group: pool, enabled: false }
`);
    const d = only(load(text).diagnostics, 'FIELD_NOT_ALLOWED');
    expectAt(d, 'a.yaml', pos(text, 'enabled'));
    expect(d.fix).toContain('set `enabled` on the group `pool`');
  });

  it('warns when a closed group declares no proxy at all', () => {
    const text = file('  proxyGroups:\n    pool: { realServerRegion: SouthChina, enabled: false }\n');
    const r = load(text);
    expect(errors(r.diagnostics)).toEqual([]);
    const d = only(r.diagnostics, 'FIELD_NOT_ALLOWED');
    expect(d.severity).toBe('warning');
    expectAt(d, 'a.yaml', pos(text, 'enabled'));
  });
});

const DOMAIN = (auth: string) =>
  HTTPS(`          domains:\n            - domain: www.example.com\n              auth: ${auth}\n`);

describe('gaap settings: domain authentication', () => {
  it('accepts basic auth, a GAAP certificate and origin CAs by name', () => {
    const r = load(
      file(proxy(DOMAIN('{ basic: users, gaapCertificate: to-origin, originCa: [origin-ca] }'))),
    );
    expect(formatDiagnostics(r.diagnostics)).toBe('');
  });

  it('refuses a certificate of the wrong type, naming the type each part needs', () => {
    const text = file(proxy(DOMAIN('{ basic: site, gaapCertificate: users, originCa: [to-origin] }')));
    const r = load(text);
    expect(errors(r.diagnostics).map((d) => [d.code, d.path])).toEqual([
      ['WRONG_REFERENCE', 'gaap.proxies.web.listeners[0].domains[0].auth.basic'],
      ['WRONG_REFERENCE', 'gaap.proxies.web.listeners[0].domains[0].auth.gaapCertificate'],
      ['WRONG_REFERENCE', 'gaap.proxies.web.listeners[0].domains[0].auth.originCa[0]'],
    ]);
    const [basic, gaap, origin] = errors(r.diagnostics);
    expectAt(basic!, 'a.yaml', pos(text, 'site,', 1));
    expect(basic!.message).toContain('needs a basic-auth certificate');
    expect(gaap!.fix).toContain('the certificate and key GAAP shows the origin');
    expect(origin!.fix).toContain("the CA that signs the origin's certificate");
  });

  it('refuses an undeclared certificate with did-you-mean', () => {
    const text = file(proxy(DOMAIN('{ basic: user }')));
    const d = only(load(text).diagnostics, 'UNKNOWN_REFERENCE');
    expect(d.path).toBe('gaap.proxies.web.listeners[0].domains[0].auth.basic');
    expect(d.fix).toBe('did you mean `users`?');
  });

  it('refuses auth on a domain of an HTTP listener, at the key', () => {
    const text = file(
      proxy(
        '        - protocol: HTTP\n          port: 80\n          domains:\n            - domain: www.example.com\n              auth: { basic: users }\n',
      ),
    );
    const d = only(load(text).diagnostics, 'FIELD_NOT_ALLOWED');
    expectAt(d, 'a.yaml', pos(text, 'auth:'));
  });
});

describe('gaap settings: user tags', () => {
  it('accepts tags on the four taggable roots', () => {
    const text = file(`  realServers:
    app: { address: 203.0.113.10, tags: { team: web } }
  proxyGroups:
    pool: { realServerRegion: SouthChina, tags: { cost-center: "42" } }
  globalDomains:
    www: { defaultValue: 203.0.113.10, tags: { env: prod } }
${proxy('        - { protocol: TCP, port: 80 }\n', '      tags: { team: web, env: prod }\n')}`);
    const r = load(text);
    expect(formatDiagnostics(r.diagnostics)).toBe('');
    expect(r.stack!.gaap!.proxies!.web!.tags).toEqual({ team: 'web', env: 'prod' });
  });

  it("refuses edgeform's own tag keys, at the key", () => {
    const text = file(
      proxy(
        '        - { protocol: TCP, port: 80 }\n',
        '      tags: { team: web, "edgeform:stack": other }\n',
      ),
    );
    const d = only(load(text).diagnostics, 'FIELD_NOT_ALLOWED');
    expect(d.path).toBe('gaap.proxies.web.tags["edgeform:stack"]');
    expectAt(d, 'a.yaml', pos(text, '"edgeform:stack"'));
    expect(d.message).toContain('reserved');
  });

  it('refuses keys the Tag service refuses: its system prefixes and characters it does not allow', () => {
    const text = file(
      proxy('        - { protocol: TCP, port: 80 }\n', '      tags: { qcloud-team: a, "team#1": b }\n'),
    );
    const r = load(text);
    expect(errors(r.diagnostics).map((d) => [d.code, d.path])).toEqual([
      ['INVALID_VALUE', 'gaap.proxies.web.tags.qcloud-team'],
      ['INVALID_VALUE', 'gaap.proxies.web.tags["team#1"]'],
    ]);
    expect(errors(r.diagnostics)[0]!.message).toContain('prefix Tencent Cloud reserves');
    expectAt(errors(r.diagnostics)[1]!, 'a.yaml', pos(text, '"team#1"'));
  });

  it('refuses a tag value that is not a string', () => {
    const text = file(`  realServers:
    app: { address: 203.0.113.10, tags: { team: 7 } }
`);
    const d = only(load(text).diagnostics, 'WRONG_TYPE');
    expect(d.path).toBe('gaap.realServers.app.tags.team');
  });
});
