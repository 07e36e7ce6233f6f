import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadStack } from '../../src/config/load-stack.js';
import { isSecretValue, type SecretValue } from '../../src/core/secrets.js';
import { errors, expectAt, fixtureDir, HEADER, loadFixture, only, pos } from './helpers.js';

const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvsupersecretkeymaterial\n-----END PRIVATE KEY-----\n';

const base = `${HEADER}gaap:
  projectId: 7
  realServers:
    app: { address: 203.0.113.10 }
  proxies:
    web:
      accessRegion: EastChina
      realServerRegion: SouthChina
      bandwidth: 10
      concurrent: 2
      listeners:
        - protocol: TCP
          port: 80
          realServers: [{ realServer: app, port: 80 }]
        - protocol: HTTPS
          port: 443
          certificate: site
          forwardProtocol: HTTP
`;
const certs = `version: 1
gaap:
  certificates:
    site:
      type: server
      content: { file: tls/site.crt }
      key: { file: tls/site.key }
`;

describe('gaap: building the stack', () => {
  it('is null when no file has a gaap section, and empty maps for an empty one', () => {
    expect(loadFixture({ 'a.yaml': `${HEADER}baishan:\n  domains: []\n` }).stack!.gaap).toBeNull();
    expect(loadFixture({ 'a.yaml': `${HEADER}gaap: {}\n` }).stack!.gaap).toEqual({
      projectId: 0,
      proxyGroups: {},
      proxies: {},
      realServers: {},
      certificates: {},
      globalDomains: {},
      sources: {},
    });
  });

  it('merges the maps of several files, resolves {file} relative to each YAML file and fills sources', () => {
    const r = loadFixture(
      { 'a.yaml': base, 'sub/certs.yaml': certs, 'sub/tls/site.crt': PEM_CERT, 'sub/tls/site.key': PEM_KEY },
      { names: ['a.yaml', 'sub/certs.yaml'] },
    );
    expect(r.diagnostics).toEqual([]);
    const gaap = r.stack!.gaap!;
    expect(gaap.projectId).toBe(7);
    expect(Object.keys(gaap.proxies!)).toEqual(['web']);
    const site = gaap.certificates!.site!;
    expect(site.type).toBe('server');
    expect(isSecretValue(site.content)).toBe(true);
    expect((site.content as SecretValue).reveal()).toBe(PEM_CERT.trimEnd());
    expect((site.key as SecretValue).reveal()).toBe(PEM_KEY.trimEnd());
    expect(gaap.sources).toEqual({
      'proxies.web': { file: 'a.yaml', ...pos(base, 'web:') },
      // The fields the plan-time catalog check points at, located at their values.
      'proxies.web.accessRegion': { file: 'a.yaml', ...pos(base, 'EastChina') },
      'proxies.web.bandwidth': { file: 'a.yaml', ...pos(base, '10\n      concurrent') },
      'proxies.web.concurrent': { file: 'a.yaml', ...pos(base, '2\n      listeners') },
      'proxies.web.listeners.0': { file: 'a.yaml', ...pos(base, 'protocol: TCP') },
      'proxies.web.listeners.1': { file: 'a.yaml', ...pos(base, 'protocol: HTTPS') },
      'realServers.app': { file: 'a.yaml', ...pos(base, 'app:') },
      'certificates.site': { file: 'sub/certs.yaml', ...pos(certs, 'site:') },
    });
  });

  it('never shows a certificate key in JSON, inspect or String output', () => {
    const r = loadFixture(
      { 'a.yaml': base, 'certs.yaml': certs, 'tls/site.crt': PEM_CERT, 'tls/site.key': PEM_KEY },
      { names: ['a.yaml', 'certs.yaml'] },
    );
    const stack = r.stack!;
    const json = JSON.stringify(stack);
    expect(json).not.toContain('supersecretkeymaterial');
    expect(json).toContain('"$secret":{"file":"tls/site.key"}');
    expect(inspect(stack, { depth: 20 })).not.toContain('supersecretkeymaterial');
    expect(String(stack.gaap!.certificates!.site!.key)).toBe('(sensitive)');
  });

  it('accepts plain PEM content and {env} keys', () => {
    const text = `${HEADER}gaap:\n  certificates:\n    site:\n      type: server\n      content: |\n        -----BEGIN CERTIFICATE-----\n        MIIB\n        -----END CERTIFICATE-----\n      key: { env: SITE_KEY }\n`;
    const r = loadFixture({ 'a.yaml': text }, { env: { SITE_KEY: PEM_KEY } });
    expect(r.diagnostics).toEqual([]);
    const site = r.stack!.gaap!.certificates!.site!;
    expect(site.content).toContain('BEGIN CERTIFICATE');
    expect((site.key as SecretValue).reveal()).toBe(PEM_KEY);
  });

  it('reports a missing key file at the reference, relative to the YAML file', () => {
    const r = loadFixture({ 'a.yaml': base, 'sub/certs.yaml': certs, 'sub/tls/site.crt': PEM_CERT });
    const d = only(r.diagnostics, 'SECRET_UNRESOLVED');
    expectAt(d, 'sub/certs.yaml', pos(certs, '{ file: tls/site.key }'));
    expect(d.message).toContain(join('sub', 'tls', 'site.key'));
    expect(r.stack).toBeUndefined();
  });

  it('copies objects: a proxy reached through an anchor is not shared with its twin', () => {
    const text = `${HEADER}gaap:\n  proxies:\n    a: &p { accessRegion: EastChina, realServerRegion: SouthChina, bandwidth: 10, concurrent: 2 }\n    b: *p\n`;
    const gaap = loadFixture({ 'a.yaml': text }).stack!.gaap!;
    expect(gaap.proxies!.a).toEqual(gaap.proxies!.b);
    expect(gaap.proxies!.a).not.toBe(gaap.proxies!.b);
  });
});

describe('gaap: several files', () => {
  it('refuses a logical name declared in two files, giving both places', () => {
    const b = 'version: 1\ngaap:\n  realServers:\n    app: { address: 203.0.113.99 }\n';
    const r = loadFixture({ 'a.yaml': base, 'b.yaml': b }, { names: ['a.yaml', 'b.yaml'] });
    const d = only(errors(r.diagnostics), 'DUPLICATE_NAME');
    expectAt(d, 'b.yaml', pos(b, 'app:'));
    expect(d.related).toEqual([{ file: 'a.yaml', ...pos(base, 'app:') }]);
    expect(d.message).toBe(
      `real server \`app\` is declared more than once; first at a.yaml:${pos(base, 'app:').line}:${pos(base, 'app:').column}`,
    );
  });

  it('allows one name in two different maps', () => {
    const b = 'version: 1\ngaap:\n  globalDomains:\n    web: { defaultValue: 203.0.113.1 }\n';
    const r = loadFixture({ 'a.yaml': base.replace(/ {8}- protocol: HTTPS[\s\S]*$/, ''), 'b.yaml': b });
    expect(r.diagnostics).toEqual([]);
    expect(Object.keys(r.stack!.gaap!.globalDomains!)).toEqual(['web']);
  });

  it('requires projectId to agree between the files that set it', () => {
    const b = 'version: 1\ngaap:\n  projectId: 8\n';
    const c = 'version: 1\ngaap:\n  projectId: 7\n';
    const dir = fixtureDir({ 'a.yaml': base, 'b.yaml': b, 'c.yaml': c, 'certs.yaml': certs });
    const r = loadStack(['a.yaml', 'b.yaml', 'c.yaml'], { cwd: dir, env: {} });
    const d = only(r.diagnostics, 'PROJECT_CONFLICT');
    expectAt(d, 'b.yaml', pos(b, '8'));
    expect(d.message).toBe('gaap.projectId is 8 here but 7 in a.yaml');
    expect(d.related).toEqual([{ file: 'a.yaml', ...pos(base, '7') }]);
  });

  it('takes projectId from the one file that sets it', () => {
    const b = 'version: 1\ngaap:\n  realServers:\n    db: { address: 203.0.113.20 }\n';
    const a = `${HEADER}gaap:\n  projectId: 3\n`;
    expect(
      loadFixture({ 'b.yaml': b, 'a.yaml': a }, { names: ['b.yaml', 'a.yaml'] }).stack!.gaap!.projectId,
    ).toBe(3);
  });
});
