import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../src/config/format-diagnostics.js';
import { errors, expectAt, HEADER, loadFixture, only, pos } from './helpers.js';

/** A proxy `web` with the given listener lines (indented for the list). */
function listenerFile(listener: string): string {
  return `${HEADER}gaap:
  realServers:
    app: { address: 203.0.113.10 }
  proxies:
    web:
      accessRegion: EastChina
      realServerRegion: SouthChina
      bandwidth: 10
      concurrent: 2
      listeners:
${listener}`;
}

describe('gaap schema errors', () => {
  it('flags an unknown key inside a listener at the key, with did-you-mean', () => {
    const text = listenerFile('        - protocol: TCP\n          port: 80\n          schedular: rr\n');
    const r = loadFixture({ 'a.yaml': text });
    expect(errors(r.diagnostics)).toHaveLength(1);
    const d = only(r.diagnostics, 'UNKNOWN_KEY');
    expectAt(d, 'a.yaml', pos(text, 'schedular'));
    expect(d.path).toBe('gaap.proxies.web.listeners[0].schedular');
    expect(d.fix).toBe('did you mean `scheduler`?');
    expect(formatDiagnostics(r.diagnostics)).toMatch(
      /^a\.yaml:\d+:11 gaap\.proxies\.web\.listeners\[0\]\.schedular: /,
    );
  });

  it('reports a wrong protocol once, at the value, with the allowed values', () => {
    const text = listenerFile('        - protocol: tcp\n          port: 80\n');
    const r = loadFixture({ 'a.yaml': text });
    expect(errors(r.diagnostics)).toHaveLength(1);
    const d = only(r.diagnostics, 'INVALID_VALUE');
    expectAt(d, 'a.yaml', pos(text, 'tcp'));
    expect(d.fix).toContain('did you mean "TCP"?');
    expect(d.fix).toContain('"TCP", "UDP", "HTTP", "HTTPS"');
  });

  it('reports a missing protocol at the listener', () => {
    const text = listenerFile('        - port: 80\n');
    const d = only(loadFixture({ 'a.yaml': text }).diagnostics, 'MISSING_KEY');
    expect(d.message).toContain('`protocol`');
    expect(d.path).toBe('gaap.proxies.web.listeners[0]');
  });

  it('reports a port out of range with the range', () => {
    const text = listenerFile('        - protocol: UDP\n          ports: [7000, 70000]\n');
    const r = loadFixture({ 'a.yaml': text });
    expect(errors(r.diagnostics)).toHaveLength(1);
    const d = only(r.diagnostics, 'OUT_OF_RANGE');
    expectAt(d, 'a.yaml', pos(text, '70000'));
    expect(d.path).toBe('gaap.proxies.web.listeners[0].ports[1]');
    expect(d.message).toBe('70000 is out of range: must be between 1 and 65535');
  });

  it('explains a layer-7 field on a TCP listener (and a layer-4 one on HTTPS) in one message each', () => {
    const text = listenerFile(
      '        - protocol: TCP\n          port: 80\n          certificate: site\n        - protocol: HTTPS\n          port: 443\n          failover: true\n',
    );
    const r = loadFixture({ 'a.yaml': text });
    expect(errors(r.diagnostics)).toHaveLength(2);
    const [tcp, https] = r.diagnostics;
    expectAt(tcp!, 'a.yaml', pos(text, 'certificate'));
    expect(tcp!.message).toBe('`certificate` is not a field of a TCP listener');
    expect(tcp!.fix).toContain('belongs to HTTP/HTTPS listeners');
    expectAt(https!, 'a.yaml', pos(text, 'failover'));
    expect(https!.message).toBe('`failover` is not a field of an HTTPS listener');
    expect(https!.fix).toContain('belongs to TCP/UDP listeners');
  });

  it('rejects a logical name that cannot go into tags, at the key', () => {
    const text = `${HEADER}gaap:\n  realServers:\n    App_1: { address: 203.0.113.10 }\n`;
    const r = loadFixture({ 'a.yaml': text });
    expect(errors(r.diagnostics)).toHaveLength(1);
    const d = only(r.diagnostics, 'INVALID_VALUE');
    expectAt(d, 'a.yaml', pos(text, 'App_1'));
    expect(d.message).toBe('"App_1" is not a valid logical name');
  });

  it('checks enums and ranges of nested objects (health check, binding weight, status codes)', () => {
    const text = listenerFile(
      `        - protocol: TCP
          port: 80
          healthCheck: { enabled: true, delayLoop: 400 }
          realServers:
            - { realServer: app, port: 80, weight: 0 }
        - protocol: HTTP
          port: 8080
          domains:
            - domain: www.example.com
              rules:
                - path: /
                  healthCheck: { enabled: true, method: POST, statusCodes: [200, 201] }
`,
    );
    const r = loadFixture({ 'a.yaml': text });
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['OUT_OF_RANGE', 'gaap.proxies.web.listeners[0].healthCheck.delayLoop'],
      ['OUT_OF_RANGE', 'gaap.proxies.web.listeners[0].realServers[0].weight'],
      ['INVALID_VALUE', 'gaap.proxies.web.listeners[1].domains[0].rules[0].healthCheck.method'],
      ['INVALID_VALUE', 'gaap.proxies.web.listeners[1].domains[0].rules[0].healthCheck.statusCodes[1]'],
    ]);
  });

  it('rejects a rule path without the leading slash and an upper-case domain', () => {
    const text = listenerFile(
      '        - protocol: HTTP\n          port: 80\n          domains:\n            - domain: WWW.example.com\n              rules:\n                - path: api\n',
    );
    const r = loadFixture({ 'a.yaml': text });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['INVALID_DOMAIN', 'INVALID_VALUE']);
    expectAt(r.diagnostics[1]!, 'a.yaml', pos(text, 'api'));
  });

  it('types projectId, billingType and certificate fields', () => {
    const text = `${HEADER}gaap:
  projectId: "3"
  certificates:
    site: { type: sever, content: 5 }
`;
    const r = loadFixture({ 'a.yaml': text });
    const byPath = Object.fromEntries(r.diagnostics.map((d) => [d.path, d]));
    expect(byPath['gaap.projectId']!.fix).toBe('remove the quotes: 3');
    expect(byPath['gaap.certificates.site.type']!.fix).toContain('did you mean "server"?');
    expect(byPath['gaap.certificates.site.content']!.message).toBe(
      'expected a string or a secret reference, got an integer (not shown: this field holds a secret)',
    );
  });
  it('never echoes a wrongly typed inline secret, in GAAP or Baishan fields', () => {
    const text = `${HEADER}gaap:
  certificates:
    site: { type: server, content: 5551234, key: 77788899911 }
baishan:
  domains:
    - domain: a.example.com
      config:
        visit_timestamp: { pattern: ".*", time_format: timestamp, key: 98765432123, deadtime: 3600, req_uri_type: 1 }
`;
    const r = loadFixture({ 'a.yaml': text });
    const secretPaths = [
      'gaap.certificates.site.content',
      'gaap.certificates.site.key',
      'baishan.domains[0].config.visit_timestamp.key',
    ];
    const byPath = Object.fromEntries(r.diagnostics.map((d) => [d.path, d]));
    for (const path of secretPaths) expect(byPath[path]?.code, path).toBe('WRONG_TYPE');
    const printed = JSON.stringify(r.diagnostics);
    for (const secret of ['5551234', '77788899911', '98765432123']) expect(printed).not.toContain(secret);
  });
});
