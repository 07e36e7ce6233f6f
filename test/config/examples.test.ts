import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../src/config/format-diagnostics.js';
import { loadStack } from '../../src/config/load-stack.js';
import { isSecretValue, type SecretValue } from '../../src/core/secrets.js';

const root = join(import.meta.dirname, '..', '..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml'));
const env = { EDGEFORM_EXAMPLE_SIGN_KEY: 'example-sign-key' };

describe('examples/', () => {
  it('has the expected examples', () => {
    expect(examples).toEqual(
      expect.arrayContaining([
        'baishan-image-cdn.yaml',
        'baishan-estate-50.yaml',
        'baishan-key-removal.yaml',
        'baishan-signed-urls.yaml',
        'gaap-game-l4.yaml',
        'gaap-https-site.yaml',
        'gaap-proxy-group.yaml',
        'gaap-global-domain.yaml',
        'edge-estate.yaml',
      ]),
    );
  });

  it.each(examples)('%s points editors at the schema and loads without a diagnostic', (name) => {
    const text = readFileSync(join(root, 'examples', name), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/edgeform.schema.json');
    const r = loadStack([`examples/${name}`], { cwd: root, env });
    expect(formatDiagnostics(r.diagnostics)).toBe('');
    expect(r.stack).toBeDefined();
  });

  it('baishan-estate-50.yaml declares 50 domains and applies its defaults to each', () => {
    const r = loadStack(['examples/baishan-estate-50.yaml'], { cwd: root, env: {} });
    const domains = r.stack!.baishan.domains;
    expect(domains).toHaveLength(50);
    expect(new Set(domains.map((d) => d.domain)).size).toBe(50);
    expect(domains.every((d) => d.config.timeout !== undefined)).toBe(true);
  });

  it('baishan-image-cdn.yaml needs no secret, baishan-signed-urls.yaml needs its env variable', () => {
    expect(loadStack(['examples/baishan-image-cdn.yaml'], { cwd: root, env: {} }).diagnostics).toEqual([]);
    const signed = loadStack(['examples/baishan-signed-urls.yaml'], { cwd: root, env: {} });
    expect(signed.diagnostics.map((d) => d.code)).toEqual(['SECRET_UNRESOLVED']);
  });

  it('gaap-game-l4.yaml declares three regional proxies sharing TCP and UDP listeners', () => {
    const gaap = loadStack(['examples/gaap-game-l4.yaml'], { cwd: root, env: {} }).stack!.gaap!;
    expect(Object.keys(gaap.proxies!)).toEqual(['game-east', 'game-north', 'game-hk']);
    expect(gaap.proxies!['game-hk']!.listeners!.map((l) => l.protocol)).toEqual(['TCP', 'UDP']);
    expect(gaap.proxies!['game-hk']!.securityPolicy!.rules).toHaveLength(3);
    expect(gaap.sources!['proxies.game-north.listeners.1']).toBeDefined();
  });

  it('gaap-https-site.yaml resolves its certificate files into secrets that never serialise', () => {
    const stack = loadStack(['examples/gaap-https-site.yaml'], { cwd: root, env: {} }).stack!;
    const cert = stack.gaap!.certificates!['shop-tls']!;
    expect(isSecretValue(cert.key)).toBe(true);
    expect((cert.key as SecretValue).reveal()).toContain('PRIVATE KEY');
    expect(JSON.stringify(stack)).not.toContain('PRIVATE KEY');
  });

  it('edge-estate.yaml holds GAAP and Baishan in one stack', () => {
    const stack = loadStack(['examples/edge-estate.yaml'], { cwd: root, env: {} }).stack!;
    expect(Object.keys(stack.gaap!.proxies!)).toEqual(['app-east']);
    expect(stack.baishan.domains.map((d) => d.domain)).toEqual(['www.example.com', 'static.example.com']);
  });

  it('the example certificates are PEM material that the certificates reference', () => {
    for (const f of ['example.crt', 'client-ca.crt']) {
      expect(readFileSync(join(root, 'examples', 'certs', f), 'utf8')).toContain(
        '-----BEGIN CERTIFICATE-----',
      );
    }
    expect(readFileSync(join(root, 'examples', 'certs', 'example.key'), 'utf8')).toContain('PRIVATE KEY');
  });

  it('all examples load together as one stack only when their stack names agree', () => {
    const r = loadStack(
      examples.map((f) => `examples/${f}`),
      { cwd: root, env },
    );
    expect(r.diagnostics.some((d) => d.code === 'STACK_MISMATCH')).toBe(true);
  });
});
