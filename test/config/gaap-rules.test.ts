import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../src/config/format-diagnostics.js';
import { expectAt, HEADER, loadFixture, only, pos } from './helpers.js';

const CERT = '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----';

/** Shared objects every case may reference, then `proxies` (and anything else) from the case. */
function gaap(body: string, shared = ''): string {
  return `${HEADER}gaap:
  realServers:
    app: { address: 203.0.113.10 }
    app-2: { address: 203.0.113.11 }
    origin-host: { address: origin.example.net }
  certificates:
    site: { type: server, content: "${CERT}", key: { env: SITE_KEY } }
    clients: { type: client-ca, content: "${CERT}" }
${shared}${body}`;
}

/** One proxy `web` with the given listener list lines. */
function proxy(listeners: string, extra = ''): string {
  return `  proxies:
    web:
      accessRegion: EastChina
      realServerRegion: SouthChina
      bandwidth: 10
      concurrent: 2
${extra}      listeners:
${listeners}`;
}

const env = { SITE_KEY: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----' };

function load(text: string) {
  return loadFixture({ 'a.yaml': text }, { env });
}

function expectClean(text: string): void {
  const r = load(text);
  expect(formatDiagnostics(r.diagnostics)).toBe('');
  expect(r.stack?.gaap).toBeTruthy();
}

describe('gaap rules: references', () => {
  it('flags a binding to an undeclared real server, with did-you-mean', () => {
    const text = gaap(
      proxy(
        '        - protocol: TCP\n          port: 80\n          realServers: [{ realServer: ap, port: 80 }]\n',
      ),
    );
    const d = only(load(text).diagnostics, 'UNKNOWN_REFERENCE');
    expectAt(d, 'a.yaml', pos(text, 'ap,'));
    expect(d.path).toBe('gaap.proxies.web.listeners[0].realServers[0].realServer');
    expect(d.fix).toBe('did you mean `app`?');
  });

  it('flags a listener certificate of the wrong type and an unknown client CA', () => {
    const text = gaap(
      proxy(
        '        - protocol: HTTPS\n          port: 443\n          certificate: clients\n          forwardProtocol: HTTP\n          clientCertificates: [site, nope]\n',
      ),
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['WRONG_REFERENCE', 'gaap.proxies.web.listeners[0].certificate'],
      ['WRONG_REFERENCE', 'gaap.proxies.web.listeners[0].clientCertificates[0]'],
      ['UNKNOWN_REFERENCE', 'gaap.proxies.web.listeners[0].clientCertificates[1]'],
    ]);
    expect(r.diagnostics[0]!.message).toContain('has type client-ca; this field needs a server certificate');
    expect(r.diagnostics[0]!.related).toHaveLength(1);
  });

  it('flags a domain certificate of the wrong type', () => {
    const text = gaap(
      proxy(
        '        - protocol: HTTPS\n          port: 443\n          certificate: site\n          forwardProtocol: HTTP\n          domains:\n            - domain: a.example.com\n              certificate: clients\n',
      ),
    );
    const d = only(load(text).diagnostics, 'WRONG_REFERENCE');
    expect(d.path).toBe('gaap.proxies.web.listeners[0].domains[0].certificate');
  });

  it('flags an unknown proxy group and an unknown proxy in a global domain record', () => {
    const text = gaap(
      `  proxies:\n    web: { accessRegion: EastChina, bandwidth: 10, concurrent: 2, group: edge }\n  globalDomains:\n    site:\n      defaultValue: 203.0.113.1\n      dns: [{ proxies: [web, wbe], countries: ["101001"] }]\n`,
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['UNKNOWN_REFERENCE', 'gaap.proxies.web.group'],
      ['UNKNOWN_REFERENCE', 'gaap.globalDomains.site.dns[0].proxies[1]'],
    ]);
    expect(r.diagnostics[0]!.fix).toContain('declare it under gaap.proxyGroups');
    expect(r.diagnostics[1]!.fix).toBe('did you mean `web`?');
  });

  it('accepts references resolved in another file of the stack', () => {
    const a = gaap(
      proxy(
        '        - protocol: TCP\n          port: 80\n          realServers: [{ realServer: db, port: 5432 }]\n',
      ),
    );
    const b = 'version: 1\ngaap:\n  realServers:\n    db: { address: 203.0.113.99 }\n';
    const r = loadFixture({ 'a.yaml': a, 'b.yaml': b }, { env });
    expect(formatDiagnostics(r.diagnostics)).toBe('');
  });
});

describe('gaap rules: proxies and names', () => {
  it('requires realServerRegion unless the proxy has a group', () => {
    const text = gaap('  proxies:\n    web: { accessRegion: EastChina, bandwidth: 10, concurrent: 2 }\n');
    const d = only(load(text).diagnostics, 'MISSING_KEY');
    expectAt(d, 'a.yaml', pos(text, '{ accessRegion'));
    expect(d.message).toContain('neither `realServerRegion` nor `group`');
    expectClean(
      gaap(
        '  proxies:\n    web: { accessRegion: EastChina, bandwidth: 10, concurrent: 2, group: edge }\n',
        '  proxyGroups:\n    edge: { realServerRegion: SouthChina }\n',
      ),
    );
  });

  it('refuses a proxy realServerRegion that contradicts its group', () => {
    const text = gaap(
      '  proxies:\n    web: { accessRegion: EastChina, realServerRegion: NorthChina, bandwidth: 10, concurrent: 2, group: edge }\n',
      '  proxyGroups:\n    edge: { realServerRegion: SouthChina }\n',
    );
    const d = only(load(text).diagnostics, 'FIELD_NOT_ALLOWED');
    expectAt(d, 'a.yaml', pos(text, 'NorthChina'));
  });

  it('limits proxy names to 32 and group names to 30 characters, the logical name included', () => {
    const longProxy = 'p'.repeat(33);
    const longGroup = 'g'.repeat(31);
    const text = gaap(
      `  proxies:\n    ${longProxy}: { accessRegion: EastChina, bandwidth: 10, concurrent: 2, group: ${longGroup} }\n`,
      `  proxyGroups:\n    ${longGroup}: { realServerRegion: SouthChina }\n`,
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NAME_TOO_LONG', 'NAME_TOO_LONG']);
    const [group, prox] = r.diagnostics;
    expectAt(group!, 'a.yaml', pos(text, `${longGroup}:`));
    expect(group!.fix).toContain('add `name:` with at most 30 characters');
    expectAt(prox!, 'a.yaml', pos(text, `${longProxy}:`));
    expectClean(
      gaap(
        `  proxies:\n    ${longProxy}: { name: short, accessRegion: EastChina, bandwidth: 10, concurrent: 2, group: ${longGroup} }\n`,
        `  proxyGroups:\n    ${longGroup}: { name: short-group, realServerRegion: SouthChina }\n`,
      ),
    );
  });
});

describe('gaap rules: listeners', () => {
  it('requires exactly one of port / ports on a layer-4 listener', () => {
    const both = gaap(proxy('        - protocol: TCP\n          port: 80\n          ports: [81]\n'));
    expectAt(only(load(both).diagnostics, 'FIELD_NOT_ALLOWED'), 'a.yaml', pos(both, 'ports:'));
    const none = gaap(proxy('        - protocol: UDP\n          scheduler: rr\n'));
    expect(only(load(none).diagnostics, 'MISSING_KEY').message).toBe('the UDP listener has no port');
  });

  it('keeps ports unique per transport: TCP, HTTP and HTTPS share one space, UDP its own', () => {
    const text = gaap(
      proxy(`        - protocol: TCP
          ports: [80, 443]
        - protocol: HTTP
          port: 80
        - protocol: UDP
          port: 443
        - protocol: HTTPS
          port: 8443
          certificate: site
          forwardProtocol: HTTP
          http3: true
        - protocol: UDP
          port: 8443
`),
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['DUPLICATE_PORT', 'gaap.proxies.web.listeners[1].port'],
      ['DUPLICATE_PORT', 'gaap.proxies.web.listeners[4].port'],
    ]);
    const [http, udp] = r.diagnostics;
    expectAt(http!, 'a.yaml', pos(text, '80', 2));
    expect(http!.related).toEqual([{ file: 'a.yaml', ...pos(text, '80,') }]);
    expect(http!.message).toContain('TCP port 80 of proxy `web` is already taken by the TCP listener');
    expect(udp!.message).toContain('already taken by the HTTPS listener with http3');
  });

  it('lets two proxies use the same port', () => {
    const text = gaap(
      `${proxy('        - protocol: TCP\n          port: 80\n')}    web-2:\n      accessRegion: NorthChina\n      realServerRegion: SouthChina\n      bandwidth: 10\n      concurrent: 2\n      listeners:\n        - protocol: TCP\n          port: 80\n`,
    );
    expectClean(text);
  });

  it("checks a proxy group's listeners like a proxy's: ports per group, references, schedulers", () => {
    const text = gaap(`  proxyGroups:
    pool:
      realServerRegion: SouthChina
      listeners:
        - protocol: TCP
          port: 80
          realServers: [{ realServer: ap, port: 80 }]
        - protocol: TCP
          ports: [81, 80]
        - protocol: UDP
          port: 80
          realServerType: DOMAIN
          scheduler: wrr
${proxy('        - protocol: TCP\n          port: 80\n')}`);
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['UNKNOWN_REFERENCE', 'gaap.proxyGroups.pool.listeners[0].realServers[0].realServer'],
      ['DUPLICATE_PORT', 'gaap.proxyGroups.pool.listeners[1].ports[1]'],
      ['DOMAIN_ORIGIN_LIMIT', 'gaap.proxyGroups.pool.listeners[2].scheduler'],
    ]);
    expect(r.diagnostics[1]!.message).toContain('TCP port 80 of proxy group `pool` is already taken');
  });

  it('refuses HTTP/HTTPS listeners on a proxy of a group, at the protocol; TCP is fine there', () => {
    const text = gaap(
      `  proxyGroups:\n    pool: { realServerRegion: SouthChina }\n${proxy(
        '        - protocol: TCP\n          port: 80\n        - protocol: HTTP\n          port: 8080\n',
        '      group: pool\n',
      ).replace('      realServerRegion: SouthChina\n', '')}`,
    );
    const d = only(load(text).diagnostics, 'FIELD_NOT_ALLOWED');
    expect(d.path).toBe('gaap.proxies.web.listeners[1].protocol');
    expectAt(d, 'a.yaml', pos(text, 'HTTP\n'));
    expect(d.message).toContain('GAAP does not support HTTP listeners on the proxies of a proxy group');
  });

  it('requires certificate and forwardProtocol on HTTPS listeners', () => {
    const text = gaap(proxy('        - protocol: HTTPS\n          port: 443\n'));
    const r = load(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MISSING_KEY', 'MISSING_KEY']);
    expect(r.diagnostics[0]!.message).toContain('`certificate`');
    expect(r.diagnostics[1]!.message).toContain('`forwardProtocol`');
  });

  it('refuses TLS settings on an HTTP listener and its domains', () => {
    const text = gaap(
      proxy(
        '        - protocol: HTTP\n          port: 80\n          certificate: site\n          forwardProtocol: HTTP\n          domains:\n            - domain: a.example.com\n              clientCertificates: [clients]\n',
      ),
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['FIELD_NOT_ALLOWED', 'gaap.proxies.web.listeners[0].certificate'],
      ['FIELD_NOT_ALLOWED', 'gaap.proxies.web.listeners[0].forwardProtocol'],
      ['FIELD_NOT_ALLOWED', 'gaap.proxies.web.listeners[0].domains[0].clientCertificates'],
    ]);
    expect(r.diagnostics[0]!.message).toBe(
      '`certificate` applies to HTTPS listeners only; this listener is HTTP',
    );
  });

  it('keeps clientIpMethod to TCP and UDP check fields to UDP', () => {
    const text = gaap(
      proxy(`        - protocol: UDP
          port: 53
          clientIpMethod: 1
        - protocol: TCP
          port: 80
          healthCheck: { enabled: true, checkType: PING }
        - protocol: UDP
          port: 54
          healthCheck: { enabled: true, checkType: PING, sendContext: hi }
`),
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['FIELD_NOT_ALLOWED', 'gaap.proxies.web.listeners[0].clientIpMethod'],
      ['FIELD_NOT_ALLOWED', 'gaap.proxies.web.listeners[1].healthCheck.checkType'],
      ['FIELD_NOT_ALLOWED', 'gaap.proxies.web.listeners[2].healthCheck.sendContext'],
    ]);
  });

  it('requires connectTimeout < delayLoop in listener and rule health checks', () => {
    const text = gaap(
      proxy(`        - protocol: TCP
          port: 80
          healthCheck: { enabled: true, delayLoop: 5, connectTimeout: 5 }
        - protocol: HTTP
          port: 8080
          domains:
            - domain: a.example.com
              rules:
                - path: /
                  healthCheck: { enabled: true, delayLoop: 3, connectTimeout: 10 }
`),
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['HEALTH_CHECK_TIMEOUT', 'gaap.proxies.web.listeners[0].healthCheck.connectTimeout'],
      [
        'HEALTH_CHECK_TIMEOUT',
        'gaap.proxies.web.listeners[1].domains[0].rules[0].healthCheck.connectTimeout',
      ],
    ]);
    expect(r.diagnostics[0]!.message).toBe('connectTimeout 5 is not less than delayLoop 5');
    expectClean(
      gaap(
        proxy(
          '        - protocol: TCP\n          port: 80\n          healthCheck: { enabled: true, delayLoop: 6, connectTimeout: 5 }\n',
        ),
      ),
    );
  });

  it('needs failover: true for binding roles, and allows no role in a rule', () => {
    const text = gaap(
      proxy(`        - protocol: TCP
          port: 80
          realServers: [{ realServer: app, port: 80, role: master }]
        - protocol: HTTP
          port: 8080
          domains:
            - domain: a.example.com
              rules:
                - path: /
                  realServers: [{ realServer: app, port: 80, role: slave }]
`),
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['FAILOVER_REQUIRED', 'FIELD_NOT_ALLOWED']);
    expectAt(r.diagnostics[0]!, 'a.yaml', pos(text, 'role'));
    expectClean(
      gaap(
        proxy(
          '        - protocol: TCP\n          port: 80\n          failover: true\n          realServers: [{ realServer: app, port: 80, role: master }, { realServer: app-2, port: 80, role: slave }]\n',
        ),
      ),
    );
  });

  it('refuses wrr/lrtt and failover with realServerType DOMAIN', () => {
    const text = gaap(
      proxy(`        - protocol: TCP
          port: 80
          realServerType: DOMAIN
          scheduler: wrr
          failover: true
        - protocol: HTTP
          port: 8080
          domains:
            - domain: a.example.com
              rules:
                - { path: /, realServerType: DOMAIN, scheduler: lrtt }
`),
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['DOMAIN_ORIGIN_LIMIT', 'gaap.proxies.web.listeners[0].scheduler'],
      ['DOMAIN_ORIGIN_LIMIT', 'gaap.proxies.web.listeners[0].failover'],
      ['DOMAIN_ORIGIN_LIMIT', 'gaap.proxies.web.listeners[1].domains[0].rules[0].scheduler'],
    ]);
  });

  it('binds only real servers of the listener realServerType, and refuses bad or repeated addresses', () => {
    const text = gaap(
      proxy(
        '        - protocol: TCP\n          port: 80\n          realServerType: DOMAIN\n          realServers: [{ realServer: app, port: 80 }, { realServer: origin-host, port: 80 }]\n',
      ),
      '  proxyGroups: {}\n',
    ).replace(
      '    origin-host: { address: origin.example.net }\n',
      '    origin-host: { address: origin.example.net }\n    bad: { address: "http://x" }\n    again: { address: 203.0.113.10 }\n',
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['INVALID_VALUE', 'gaap.realServers.bad.address'],
      ['DUPLICATE_ITEM', 'gaap.realServers.again.address'],
      ['WRONG_REFERENCE', 'gaap.proxies.web.listeners[0].realServers[0].realServer'],
    ]);
  });
});

describe('gaap rules: layer-7 domains and rules', () => {
  const https = (domains: string) =>
    gaap(
      proxy(
        `        - protocol: HTTPS\n          port: 443\n          certificate: site\n          forwardProtocol: HTTP\n          domains:\n${domains}`,
      ),
    );

  it('keeps domains unique per listener, with one default server', () => {
    const text = https(`            - { domain: a.example.com, isDefaultServer: true }
            - { domain: b.example.com, isDefaultServer: true }
            - { domain: a.example.com }
`);
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['DUPLICATE_ITEM', 'gaap.proxies.web.listeners[0].domains[1].isDefaultServer'],
      ['DUPLICATE_ITEM', 'gaap.proxies.web.listeners[0].domains[2].domain'],
    ]);
    expect(r.diagnostics[1]!.related).toEqual([{ file: 'a.yaml', ...pos(text, 'a.example.com') }]);
  });

  it('allows at most 100 domains per listener', () => {
    const list = Array.from({ length: 101 }, (_, i) => `            - { domain: d${i}.example.com }\n`).join(
      '',
    );
    const d = only(load(https(list)).diagnostics, 'TOO_MANY_ITEMS');
    expect(d.message).toContain('101 domains; GAAP allows at most 100');
    expectClean(https(list.split('\n').slice(1).join('\n')));
  });

  it('keeps rule paths unique per domain', () => {
    const text = https(`            - domain: a.example.com
              rules:
                - { path: /api }
                - { path: /static }
                - { path: /api }
            - domain: b.example.com
              rules:
                - { path: /api }
`);
    const d = only(load(text).diagnostics, 'DUPLICATE_ITEM');
    expectAt(d, 'a.yaml', pos(text, '/api', 2));
    expect(d.related).toEqual([{ file: 'a.yaml', ...pos(text, '/api') }]);
  });
});

describe('gaap rules: certificates', () => {
  it('requires a key for server and gaap certificates and refuses one elsewhere', () => {
    const text = gaap(`  proxies: {}\n`, `    extra:\n      type: gaap\n      content: "${CERT}"\n`).replace(
      '    clients: { type: client-ca, content: "',
      '    clients: { type: client-ca, key: { env: SITE_KEY }, content: "',
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['FIELD_NOT_ALLOWED', 'gaap.certificates.clients.key'],
      ['MISSING_KEY', 'gaap.certificates.extra'],
    ]);
  });

  it('refuses an inline private key without quoting it back', () => {
    const text = gaap('').replace('key: { env: SITE_KEY }', 'key: "-----BEGIN PRIVATE KEY-----secret"');
    const r = load(text);
    const d = only(r.diagnostics, 'INLINE_SECRET');
    expect(d.severity).toBe('error');
    expectAt(d, 'a.yaml', pos(text, '"-----BEGIN PRIVATE KEY'));
    expect(JSON.stringify(r.diagnostics)).not.toContain('secret"');
    expect(r.stack).toBeUndefined();
  });

  it('takes a display name on adopted certificates only, never an ef. alias', () => {
    const text = gaap(
      `  proxies: {}\n`,
      `    partner:\n      type: client-ca\n      content: "${CERT}"\n      adopt: cert-abc123\n      name: Partner CA\n    own:\n      type: client-ca\n      content: "${CERT}"\n      name: Own CA\n    sneaky:\n      type: client-ca\n      content: "${CERT}"\n      adopt: cert-def456\n      name: ef.other.x\n`,
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['FIELD_NOT_ALLOWED', 'gaap.certificates.own.name'],
      ['INVALID_VALUE', 'gaap.certificates.sneaky.name'],
    ]);
    expectAt(r.diagnostics[0]!, 'a.yaml', pos(text, 'name: Own'));
    expect(r.diagnostics[0]!.message).toContain('ef.<stack>.own');
    expect(r.stack).toBeUndefined();
  });

  it('refuses content that is a path instead of PEM, and unresolved references', () => {
    const text = gaap('').replace(`content: "${CERT}", key`, 'content: certs/site.crt, key');
    const r = loadFixture({ 'a.yaml': text }, { env: {} });
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['INVALID_VALUE', 'gaap.certificates.site.content'],
      ['SECRET_UNRESOLVED', 'gaap.certificates.site.key'],
    ]);
    expect(r.diagnostics[0]!.fix).toBe('to read a file, write `content: {file: certs/site.crt}`');
  });
});

describe('gaap rules: security policy and global domains', () => {
  it('checks security rule CIDRs, port formats and repeats', () => {
    const text = gaap(
      proxy(
        '',
        `      securityPolicy:
        defaultAction: DROP
        rules:
          - { cidr: 10.0.0.0/33, action: ACCEPT }
          - { cidr: 198.51.100.0/24, action: ACCEPT, ports: "80;443" }
          - { cidr: 198.51.100.7, action: ACCEPT, ports: "2000-1000" }
          - { cidr: 203.0.113.0/24, action: ACCEPT, protocol: TCP, ports: "80,443" }
          - { cidr: 203.0.113.0/24, action: ACCEPT, protocol: TCP, ports: "80,443" }
          - { cidr: 192.0.2.1, action: DROP, ports: "3306-20000" }
          - { cidr: 192.0.2.2, action: DROP, ports: ALL }
`,
      ).replace('      listeners:\n', ''),
    );
    const r = load(text);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['INVALID_CIDR', 'gaap.proxies.web.securityPolicy.rules[0].cidr'],
      ['INVALID_VALUE', 'gaap.proxies.web.securityPolicy.rules[1].ports'],
      ['INVALID_VALUE', 'gaap.proxies.web.securityPolicy.rules[2].ports'],
      ['DUPLICATE_ITEM', 'gaap.proxies.web.securityPolicy.rules[4]'],
    ]);
    expectAt(r.diagnostics[0]!, 'a.yaml', pos(text, '10.0.0.0/33'));
  });

  it('lists each country in one DNS record of a global domain', () => {
    const text = gaap(
      `${proxy('')}  globalDomains:\n    site:\n      defaultValue: 203.0.113.1\n      dns:\n        - { proxies: [web], countries: ["101001", "101002"] }\n        - { proxies: [web], countries: ["101002"] }\n`.replace(
        '      listeners:\n',
        '',
      ),
    );
    const d = only(load(text).diagnostics, 'DUPLICATE_ITEM');
    expectAt(d, 'a.yaml', pos(text, '"101002"', 2));
    expect(d.message).toContain('already has a DNS record (record 0)');
  });
});

describe('gaap rules: everything valid at once', () => {
  it('loads a stack using every kind of object with no diagnostic', () => {
    expectClean(
      gaap(
        `  proxies:
    web:
      accessRegion: EastChina
      bandwidth: 10
      concurrent: 2
      realServerRegion: SouthChina
      protect: true
      listeners:
        - protocol: TCP
          port: 80
          clientIpMethod: 1
          healthCheck: { enabled: true, delayLoop: 10, connectTimeout: 3 }
          realServers: [{ realServer: app, port: 80 }]
        - protocol: UDP
          port: 80
          healthCheck: { enabled: true, checkType: PORT, checkPort: 81, contextType: TEXT, sendContext: a, recvContext: b }
        - protocol: HTTPS
          port: 443
          certificate: site
          clientCertificates: [clients]
          forwardProtocol: HTTPS
          http3: true
          domains:
            - domain: "*.example.com"
              isDefaultServer: true
              rules:
                - path: /
                  realServerType: DOMAIN
                  realServers: [{ realServer: origin-host, port: 443 }]
                  headers: [{ name: X-Real-IP, value: $remote_addr }]
              errorPages:
                - { errorCodes: [502, 504], body: "down", newErrorCode: 503 }
      securityPolicy:
        defaultAction: ACCEPT
        rules: [{ cidr: 192.0.2.0/24, action: DROP, name: bots }]
    member: { group: edge, accessRegion: NorthChina, bandwidth: 10, concurrent: 2, listeners: [{ protocol: TCP, port: 80 }] }
  globalDomains:
    site: { defaultValue: 203.0.113.1, dns: [{ proxies: [web], countries: ["101001"] }] }
`,
        '  proxyGroups:\n    edge: { realServerRegion: SouthChina, accessRegions: [{ region: EastChina, bandwidth: 10, concurrent: 2 }], listeners: [{ protocol: UDP, ports: [53, 54], realServers: [{ realServer: app, port: 53 }] }] }\n',
      ),
    );
  });
});

describe('gaap rules: origin addresses', () => {
  const withOrigin = (address: string) =>
    gaap('').replace(
      '    origin-host: { address: origin.example.net }\n',
      `    origin-host: { address: origin.example.net }\n    far: { address: "${address}" }\n`,
    );

  it.each([
    '0.0.0.0',
    '127.0.0.1',
    '169.254.1.1',
    '224.0.0.5',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'ff02::1',
  ])('refuses %s as an origin, located at the address', (address) => {
    const text = withOrigin(address);
    const d = only(load(text).diagnostics, 'INVALID_VALUE');
    expect(d.message).toContain('not an address a proxy can reach an origin at');
    expectAt(d, 'a.yaml', pos(text, `"${address}"`));
  });

  it('accepts public addresses and host names', () => {
    for (const address of ['203.0.113.50', '2001:db8::10', 'origin2.example.net'])
      expectClean(withOrigin(address));
  });
});
