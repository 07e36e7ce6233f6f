import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../src/config/format-diagnostics.js';
import { loadStack } from '../../src/config/load-stack.js';

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

  it('all examples load together as one stack only when their stack names agree', () => {
    const r = loadStack(
      examples.map((f) => `examples/${f}`),
      { cwd: root, env },
    );
    expect(r.diagnostics.some((d) => d.code === 'STACK_MISMATCH')).toBe(true);
  });
});
