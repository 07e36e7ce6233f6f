import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadStack } from '../../src/config/load-stack.js';
import { isSecretValue, type SecretValue } from '../../src/core/secrets.js';
import { errors, fixtureDir, HEADER, loadFixture, pos } from './helpers.js';

describe('loadStack: building the stack', () => {
  it('applies settings defaults when providers is absent', () => {
    const r = loadFixture({ 'a.yaml': `${HEADER}baishan:\n  domains: []\n` });
    expect(r.diagnostics).toEqual([]);
    expect(r.stack).toMatchObject({
      stack: 'media-test',
      files: ['a.yaml'],
      settings: {
        baishan: { rateLimitPerMinute: 30, refererTypeMapping: 'post-doc', cacheErrorCode5xx: '5XX' },
        gaap: { rateLimitPerSecond: 20 },
      },
      baishan: { domains: [] },
    });
    expect(r.stack!.settings.baishan.endpoint).toBeUndefined();
  });

  it('merges defaults key by key: the entry replaces a key wholesale, null asks for removal', () => {
    const text = `${HEADER}baishan:
  defaults:
    range_back_source: "off"
    add_response_head:
      type: reset
      list: [{name: X-Served-By, value: edge}]
    timeout: {time: "10"}
  domains:
    - domain: a.example.com
      config:
        timeout: {time: "30"}
        add_response_head: null
    - domain: b.example.com
`;
    const r = loadFixture({ 'a.yaml': text });
    expect(errors(r.diagnostics)).toEqual([]);
    const [a, b] = r.stack!.baishan.domains;
    expect(a!.config).toEqual({ range_back_source: 'off', add_response_head: null, timeout: { time: '30' } });
    expect(b!.config).toEqual({
      range_back_source: 'off',
      add_response_head: { type: 'reset', list: [{ name: 'X-Served-By', value: 'edge' }] },
      timeout: { time: '10' },
    });
    expect(a!.keySources.range_back_source).toEqual({ file: 'a.yaml', ...pos(text, 'range_back_source') });
    expect(a!.keySources.timeout).toEqual({ file: 'a.yaml', ...pos(text, 'timeout', 2) });
    expect(a!.source).toEqual({ file: 'a.yaml', ...pos(text, 'a.example.com') });
    expect(a!.exclusive).toBe(false);
  });

  it('applies defaults only to the entries of their own file', () => {
    const a = `${HEADER}baishan:\n  defaults: {range_back_source: "off"}\n  domains:\n    - domain: a.example.com\n`;
    const b =
      'version: 1\nbaishan:\n  domains:\n    - domain: b.example.com\n      config: {timeout: {time: "9"}}\n';
    const r = loadFixture({ 'a.yaml': a, 'b.yaml': b });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.stack!.baishan.domains.map((d) => [d.domain, d.config])).toEqual([
      ['a.example.com', { range_back_source: 'off' }],
      ['b.example.com', { timeout: { time: '9' } }],
    ]);
  });

  it('expands a multi-domain entry into one desired domain per name, sharing one frozen config', () => {
    const text = `${HEADER}baishan:\n  domains:\n    - domains: [a.example.com, b.example.com, "*.c.example.com"]\n      exclusive: true\n      config:\n        origin: {default_master: "192.0.2.10", origin_mode: http}\n`;
    const r = loadFixture({ 'a.yaml': text });
    expect(errors(r.diagnostics)).toEqual([]);
    const ds = r.stack!.baishan.domains;
    expect(ds.map((d) => d.domain)).toEqual(['a.example.com', 'b.example.com', '*.c.example.com']);
    expect(ds.every((d) => d.exclusive)).toBe(true);
    expect(ds[1]!.source).toEqual({ file: 'a.yaml', ...pos(text, 'b.example.com') });
    // One config per entry, shared by its domains (so the provider normalises it once) and frozen,
    // so no consumer can change one domain's config through another's.
    expect(ds[0]!.config).toBe(ds[1]!.config);
    expect(Object.isFrozen(ds[0]!.config.origin)).toBe(true);
    expect(() => {
      (ds[0]!.config.origin as Record<string, unknown>).origin_mode = 'https';
    }).toThrow(TypeError);
  });

  it('shares one frozen copy of each defaults value among the entries that merge it', () => {
    const text = `${HEADER}baishan:\n  defaults:\n    timeout: {time: "30"}\n  domains:\n    - domain: a.example.com\n      config:\n        origin: {default_master: "192.0.2.10"}\n    - domain: b.example.com\n      config:\n        origin: {default_master: "192.0.2.11"}\n    - domain: c.example.com\n      config:\n        timeout: {time: "30"}\n`;
    const r = loadFixture({ 'a.yaml': text });
    expect(errors(r.diagnostics)).toEqual([]);
    const [a, b, c] = r.stack!.baishan.domains;
    expect(a!.config.timeout).toBe(b!.config.timeout);
    expect(Object.isFrozen(a!.config.timeout)).toBe(true);
    // An entry's own value is its own, even when equal.
    expect(c!.config.timeout).toEqual(a!.config.timeout);
    expect(c!.config.timeout).not.toBe(a!.config.timeout);
    expect(a!.keySources.timeout).toBe(b!.keySources.timeout);
    expect({ ...a!.keySources.timeout }).toEqual({ file: 'a.yaml', ...pos(text, 'timeout') });
    expect({ ...c!.keySources.timeout }).toEqual({ file: 'a.yaml', ...pos(text, 'timeout', 2) });
  });

  it('supports anchors, aliases and merge keys', () => {
    const full = `${HEADER}baishan:
  defaults: &base
    range_back_source: "off"
  domains:
    - domain: a.example.com
      config: &shared
        <<: *base
        origin: &origin {default_master: "192.0.2.1", origin_mode: http}
        timeout: {time: "20"}
    - domain: b.example.com
      config:
        <<: *shared
        timeout: {time: "60"}
    - domain: c.example.com
      config:
        origin: *origin
`;
    const r = loadFixture({ 'a.yaml': full });
    expect(r.diagnostics).toEqual([]);
    const [a, b, c] = r.stack!.baishan.domains;
    expect(a!.config).toEqual({
      range_back_source: 'off',
      origin: { default_master: '192.0.2.1', origin_mode: 'http' },
      timeout: { time: '20' },
    });
    expect(b!.config).toEqual({ ...a!.config, timeout: { time: '60' } });
    expect(c!.config).toEqual({ range_back_source: 'off', origin: a!.config.origin });
    // A key merged in via `<<` is located where it was written.
    expect(b!.keySources.origin).toEqual({ file: 'a.yaml', ...pos(full, 'origin: &origin') });
  });

  it('merges several files: stack from any file, providers combined, domains concatenated', () => {
    const a = `version: 1\nstack: media-prod\nproviders:\n  baishan: {rateLimitPerMinute: 20, endpoint: "https://cdn.api.baishan.com"}\nbaishan:\n  domains:\n    - domain: a.example.com\n      config: {range_back_source: "off"}\n`;
    const b = `version: 1\nproviders:\n  baishan: {rateLimitPerMinute: 20, cacheErrorCode5xx: 5xx}\n  gaap: {region: ap-guangzhou}\nbaishan:\n  domains:\n    - domain: b.example.net\n      config: {range_back_source: "on"}\n`;
    const c = 'version: 1\nstack: media-prod\n';
    const r = loadFixture({ 'a.yaml': a, 'b.yaml': b, 'c.yaml': c });
    expect(r.diagnostics).toEqual([]);
    expect(r.stack!.stack).toBe('media-prod');
    expect(r.stack!.files).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
    expect(r.stack!.settings.baishan).toEqual({
      endpoint: 'https://cdn.api.baishan.com',
      rateLimitPerMinute: 20,
      refererTypeMapping: 'post-doc',
      cacheErrorCode5xx: '5xx',
    });
    expect(r.stack!.settings.gaap).toEqual({ region: 'ap-guangzhou', rateLimitPerSecond: 20 });
    expect(r.stack!.baishan.domains.map((d) => d.domain)).toEqual(['a.example.com', 'b.example.net']);
    expect(r.stack!.baishan.domains[1]!.source.file).toBe('b.yaml');
  });

  it('resolves secrets into SecretValue objects that never leak', () => {
    const text = `${HEADER}baishan:
  defaults:
    visit_timestamp:
      pattern: ".*"
      time_format: timestamp
      key: {env: CDN_SIGN_KEY}
      deadtime: 3600
  domains:
    - domain: a.example.com
    - domain: b.example.com
      config:
        tos_origin:
          - isp: default
            ips: ["192.0.2.7"]
            auth_type: tos
            auth_access_key: {file: keys/access.txt}
            auth_secret_key: {env: TOS_SECRET}
`;
    const dir = fixtureDir({ 'a.yaml': text, 'keys/access.txt': 'AKID-file-secret\n' });
    const env = { CDN_SIGN_KEY: 'sign-key-value-123', TOS_SECRET: 'tos-secret-value-456' };
    const r = loadStack(['a.yaml'], { cwd: dir, env });
    expect(r.diagnostics).toEqual([]);
    const [a, b] = r.stack!.baishan.domains;
    const key = (a!.config.visit_timestamp as Record<string, unknown>).key;
    expect(isSecretValue(key)).toBe(true);
    expect((key as SecretValue).reveal()).toBe('sign-key-value-123');
    const tos = (b!.config.tos_origin as Record<string, unknown>[])[0]!;
    expect((tos.auth_access_key as SecretValue).reveal()).toBe('AKID-file-secret');
    expect((tos.auth_secret_key as SecretValue).reveal()).toBe('tos-secret-value-456');

    const json = JSON.stringify(r.stack);
    const printed = inspect(r.stack, { depth: 20 });
    for (const out of [json, printed, String(key)]) {
      expect(out).not.toContain('sign-key-value-123');
      expect(out).not.toContain('tos-secret-value-456');
      expect(out).not.toContain('AKID-file-secret');
    }
    expect(json).toContain('"$secret":{"env":"CDN_SIGN_KEY"}');
    expect(json).toContain((key as SecretValue).fingerprint);
  });

  it('warns (without failing) about an entry that manages nothing and a useless downgrade flag', () => {
    const text = `${HEADER}baishan:\n  domains:\n    - domain: a.example.com\n    - domain: b.example.com\n      allowHttpsDowngrade: true\n      config: {https: {cert_id: 12345}}\n`;
    const r = loadFixture({ 'a.yaml': text });
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'EMPTY_DOMAIN_CONFIG'],
      ['warning', 'UNUSED_DOWNGRADE_FLAG'],
    ]);
    expect(r.stack).toBeDefined();
  });

  it('accepts an allowed https downgrade and removable keys set to null', () => {
    const text = `${HEADER}baishan:\n  domains:\n    - domain: a.example.com\n      allowHttpsDowngrade: true\n      config:\n        https: null\n        range_back_source: null\n        cache_error_code: null\n        video_drag: null\n        visit_deny_whitelist: null\n        add_response_head: null\n`;
    const r = loadFixture({ 'a.yaml': text });
    expect(r.diagnostics).toEqual([]);
    expect(Object.values(r.stack!.baishan.domains[0]!.config).every((v) => v === null)).toBe(true);
  });

  it('reads a file given by absolute path and reads a repeated file once', () => {
    const dir = fixtureDir({});
    const file = join(dir, 'a.yaml');
    writeFileSync(
      file,
      `${HEADER}baishan:\n  domains:\n    - domain: a.example.com\n      config: {range_back_source: "off"}\n`,
    );
    const r = loadStack([file, file], { cwd: '/', env: {} });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['DUPLICATE_FILE']);
    expect(r.stack!.baishan.domains).toHaveLength(1);
  });
});
