import { describe, expect, it } from 'vitest';
import { errors, expectAt, HEADER, loadFixture, only, pos } from './helpers.js';

function domainFile(config: string, extra = ''): string {
  return `${HEADER}baishan:\n${extra}  domains:\n    - domain: img.example.com\n      config:\n${config}`;
}

describe('loadStack: phase 1 (YAML and schema)', () => {
  it('reports malformed YAML with its position and no stack', () => {
    const text = `${HEADER}baishan:\n  domains:\n    - domain: img.example.com\n      config: {origin: {default_master: "1.1.1.1"\n`;
    const r = loadFixture({ 'a.yaml': text });
    expect(r.stack).toBeUndefined();
    const errs = errors(r.diagnostics);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.every((d) => d.code === 'YAML_SYNTAX')).toBe(true);
    expect(errs[0]!.file).toBe('a.yaml');
    expect(errs[0]!.line).toBeGreaterThanOrEqual(pos(text, 'config:').line);
  });

  it('reports every YAML error, each at its own line (duplicate keys, bad indentation)', () => {
    const text = `${HEADER}stack: again\nbaishan:\n  domains:\n    - domain: a.example.com\n   bad: indent\n`;
    const r = loadFixture({ 'a.yaml': text });
    const errs = errors(r.diagnostics);
    expect(errs.length).toBeGreaterThanOrEqual(2);
    const dup = errs.find((d) => /unique/i.test(d.message));
    expect(dup).toBeDefined();
    expectAt(dup!, 'a.yaml', pos(text, 'stack: again'));
    expect(errs.some((d) => d.line === pos(text, 'bad: indent').line)).toBe(true);
  });

  it('flags an unknown config key at the key, with did-you-mean', () => {
    const text = domainFile('        refrer:\n          type: 1\n          list: ["a.example.net"]\n');
    const r = loadFixture({ 'a.yaml': text });
    const d = only(r.diagnostics, 'UNKNOWN_KEY');
    expectAt(d, 'a.yaml', pos(text, 'refrer'));
    expect(d.path).toBe('baishan.domains[0].config.refrer');
    expect(d.message).toContain('refrer');
    expect(d.fix).toContain('did you mean `referer`?');
    expect(r.stack).toBeUndefined();
  });

  it('suggests keys at other levels too, and explains a config key placed outside config', () => {
    const text = `${HEADER}baishan:\n  domains:\n    - domian: a.example.com\n      origin: {default_master: "1.1.1.1"}\n`;
    const r = loadFixture({ 'a.yaml': text });
    const unknown = r.diagnostics.filter((d) => d.code === 'UNKNOWN_KEY');
    expect(unknown).toHaveLength(2);
    expect(unknown[0]!.fix).toContain('did you mean `domain`?');
    expectAt(unknown[0]!, 'a.yaml', pos(text, 'domian'));
    expect(unknown[1]!.fix).toContain('move it under `config:`');
  });

  it('accepts a top-level gaap section (part of format v1) and still flags unknown top-level keys', () => {
    expect(loadFixture({ 'a.yaml': `${HEADER}gaap:\n  proxies: {}\n` }).diagnostics).toEqual([]);
    const text = `${HEADER}gap:\n  proxies: {}\n`;
    const d = only(loadFixture({ 'a.yaml': text }).diagnostics, 'UNKNOWN_KEY');
    expectAt(d, 'a.yaml', pos(text, 'gap:'));
    expect(d.fix).toContain('did you mean `gaap`?');
  });

  it('treats prototype-ish keys as ordinary unknown keys', () => {
    const text = `${HEADER}__proto__: {version: 2}\nbaishan:\n  defaults:\n    constructor: 1\n`;
    const ds = loadFixture({ 'a.yaml': text }).diagnostics;
    expect(ds.map((d) => [d.code, d.path])).toEqual([
      ['UNKNOWN_KEY', '__proto__'],
      ['UNKNOWN_KEY', 'baishan.defaults.constructor'],
    ]);
    expect(ds[0]!.fix).toContain('remove it');
  });

  it('flags a wrong type at the value, with a fix that fits the value', () => {
    const text = domainFile(
      '        origin:\n          default_master: "1.1.1.1"\n          port: eighty\n        timeout: {time: 6}\n',
    );
    const r = loadFixture({ 'a.yaml': text });
    const types = r.diagnostics.filter((d) => d.code === 'WRONG_TYPE');
    expect(types).toHaveLength(2);
    expectAt(types[0]!, 'a.yaml', pos(text, 'eighty'));
    expect(types[0]!.message).toBe('expected an integer, got the string "eighty"');
    expectAt(types[1]!, 'a.yaml', pos(text, '6}'));
    expect(types[1]!.fix).toContain('quote it: "6"');
  });

  it('flags an out-of-range number with the allowed range', () => {
    const text = domainFile('        post_upload_size_limit:\n          limit_value: 2000\n');
    const d = only(loadFixture({ 'a.yaml': text }).diagnostics, 'OUT_OF_RANGE');
    expectAt(d, 'a.yaml', pos(text, '2000'));
    expect(d.message).toContain('between 1 and 1024');
  });

  it('collapses an anyOf cascade into the closest branch (cache_error_code.cache_time)', () => {
    const text = domainFile(
      '        cache_error_code:\n          bcache: "on"\n          code: ["404"]\n          cache_time: 70000\n          cache_unit: second\n',
    );
    const r = loadFixture({ 'a.yaml': text });
    expect(errors(r.diagnostics)).toHaveLength(1);
    const d = only(r.diagnostics, 'OUT_OF_RANGE');
    expectAt(d, 'a.yaml', pos(text, '70000'));
  });

  it('says "expected A or B" when no anyOf branch has the right type', () => {
    const text = domainFile(
      '        cache_error_code:\n          bcache: "on"\n          code: ["404"]\n          cache_time: [1]\n          cache_unit: second\n',
    );
    const r = loadFixture({ 'a.yaml': text });
    const d = only(r.diagnostics, 'WRONG_TYPE');
    expect(d.message).toBe('expected an integer or a string, got a list of 1');
    expect(errors(r.diagnostics)).toHaveLength(1);
  });

  it('lists the allowed values of an enum', () => {
    const text = domainFile('        origin:\n          origin_mode: htps\n');
    const d = only(loadFixture({ 'a.yaml': text }).diagnostics, 'INVALID_VALUE');
    expectAt(d, 'a.yaml', pos(text, 'htps'));
    expect(d.fix).toContain('did you mean "https"?');
    expect(d.fix).toContain('"http", "https", "default", "custom"');
  });

  it('rejects a referer list of 201 entries at the list', () => {
    const list = Array.from({ length: 201 }, (_, i) => `            - r${i}.example.net`).join('\n');
    const text = domainFile(`        referer:\n          type: 1\n          list:\n${list}\n`);
    const d = only(loadFixture({ 'a.yaml': text }).diagnostics, 'TOO_MANY_ITEMS');
    expectAt(d, 'a.yaml', pos(text, '- r0.example.net'));
    expect(d.path).toBe('baishan.domains[0].config.referer.list');
    expect(d.message).toContain('201 entries; at most 200');
  });

  it('points a missing required key at its parent', () => {
    const text = domainFile('        timeout: {}\n');
    const d = only(loadFixture({ 'a.yaml': text }).diagnostics, 'MISSING_KEY');
    expectAt(d, 'a.yaml', pos(text, 'timeout'));
    expect(d.message).toContain('`time`');
  });

  it('requires version 1', () => {
    const text = 'version: 2\nstack: s\n';
    const d = only(loadFixture({ 'a.yaml': text }).diagnostics, 'INVALID_VALUE');
    expectAt(d, 'a.yaml', pos(text, '2'));
    const missing = loadFixture({ 'a.yaml': 'stack: s\n' }).diagnostics;
    expect(only(missing, 'MISSING_KEY').message).toContain('`version`');
  });

  it('rejects an invalid CIDR (prefix Baishan does not accept) with INVALID_CIDR', () => {
    const text = domainFile('        ip_black_list:\n          list: ["10.0.0.0/20", "300.1.1.1"]\n');
    const r = loadFixture({ 'a.yaml': text });
    const cidr = r.diagnostics.filter((d) => d.code === 'INVALID_CIDR');
    expect(cidr).toHaveLength(2);
    expectAt(cidr[0]!, 'a.yaml', pos(text, '"10.0.0.0/20"'));
    expectAt(cidr[1]!, 'a.yaml', pos(text, '"300.1.1.1"'));
    expect(cidr[0]!.path).toBe('baishan.domains[0].config.ip_black_list.list[0]');
  });

  it('rejects HH:ii times that are not ("25:00", "8:3") with TIME_FORMAT', () => {
    const text = domainFile(
      '        speed_limit:\n          - {type: all, pattern: ".*", speed: "80", begin_time: "25:00", end_time: "8:3"}\n',
    );
    const r = loadFixture({ 'a.yaml': text });
    const times = r.diagnostics.filter((d) => d.code === 'TIME_FORMAT');
    expect(times).toHaveLength(2);
    expectAt(times[0]!, 'a.yaml', pos(text, '"25:00"'));
    expectAt(times[1]!, 'a.yaml', pos(text, '"8:3"'));
    expect(times[0]!.fix).toContain('"08:30"');
  });

  it('points into the anchor when the bad value came through an alias or a merge key', () => {
    const full = `${HEADER}baishan:\n  defaults: &d\n    timeout: {time: "10"}\n  domains:\n    - domain: a.example.com\n      config:\n        <<: *d\n        origin: &o\n          port: "80"\n    - domain: b.example.com\n      config:\n        origin: *o\n`;
    const r = loadFixture({ 'a.yaml': full });
    const types = r.diagnostics.filter((d) => d.code === 'WRONG_TYPE');
    expect(types).toHaveLength(2);
    // Both uses of the anchored value point at the one place to fix.
    for (const d of types) expectAt(d, 'a.yaml', pos(full, '"80"'));
  });

  it('reports a missing file and an empty file as diagnostics, not exceptions', () => {
    const r = loadFixture({ 'empty.yaml': '# nothing here\n' }, { names: ['missing.yaml', 'empty.yaml'] });
    const missing = only(r.diagnostics, 'FILE_NOT_FOUND');
    expectAt(missing, 'missing.yaml', { line: 1, column: 1 });
    const empty = only(r.diagnostics, 'EMPTY_FILE');
    expect(empty.file).toBe('empty.yaml');
    expect(r.stack).toBeUndefined();
    expect(only(loadFixture({}, { names: [] }).diagnostics, 'NO_FILES').severity).toBe('error');
  });

  it('rejects a document that is not a mapping', () => {
    const r = loadFixture({ 'a.yaml': '- just\n- a list\n' });
    const d = only(r.diagnostics, 'WRONG_TYPE');
    expect(d.path).toBe('(root)');
    expect(d.message).toContain('expected a mapping');
  });
});

describe('loadStack: phase 2 (semantic rules)', () => {
  it('refuses both IP lists on one domain', () => {
    const text = domainFile(
      '        ip_black_list: {list: ["1.1.1.1"]}\n        ip_white_list: {list: ["2.2.2.2"]}\n',
    );
    const d = only(loadFixture({ 'a.yaml': text }).diagnostics, 'IP_LISTS_EXCLUSIVE');
    expectAt(d, 'a.yaml', pos(text, 'ip_white_list'));
    expect(d.related).toEqual([{ file: 'a.yaml', ...pos(text, 'ip_black_list') }]);
  });

  it('refuses both IP lists when one comes from defaults', () => {
    const text = domainFile(
      '        ip_white_list: {list: ["2.2.2.0/24"]}\n',
      '  defaults:\n    ip_black_list: {list: ["1.1.1.1"]}\n',
    );
    const d = only(loadFixture({ 'a.yaml': text }).diagnostics, 'IP_LISTS_EXCLUSIVE');
    expectAt(d, 'a.yaml', pos(text, 'ip_white_list'));
    expect(d.message).toContain('from defaults');
  });

  it('flags host bits and overlapping or repeated networks in an IP list', () => {
    const text = domainFile(
      '        ip_black_list:\n          list: ["10.1.2.3/24", "1.1.1.0/24", "1.1.1.5", "2.0.0.0/8", "2.3.0.0/16"]\n',
    );
    const r = loadFixture({ 'a.yaml': text });
    const bad = only(r.diagnostics, 'INVALID_CIDR');
    expectAt(bad, 'a.yaml', pos(text, '"10.1.2.3/24"'));
    expect(bad.fix).toContain('10.1.2.0/24');
    const overlaps = r.diagnostics.filter((d) => d.code === 'CIDR_OVERLAP');
    expect(overlaps).toHaveLength(2);
    expectAt(overlaps[0]!, 'a.yaml', pos(text, '"1.1.1.5"'));
    expect(overlaps[0]!.message).toContain('inside 1.1.1.0/24');
    expectAt(overlaps[1]!, 'a.yaml', pos(text, '"2.3.0.0/16"'));
  });

  it('reports a domain declared twice in one file, with both locations', () => {
    const text = `${HEADER}baishan:\n  domains:\n    - domain: a.example.com\n      config: {range_back_source: "off"}\n    - domains: [b.example.com, a.example.com]\n      config: {range_back_source: "on"}\n`;
    const d = only(loadFixture({ 'a.yaml': text }).diagnostics, 'DUPLICATE_DOMAIN');
    expectAt(d, 'a.yaml', pos(text, 'a.example.com', 2));
    expect(d.related).toEqual([{ file: 'a.yaml', ...pos(text, 'a.example.com', 1) }]);
    expect(d.message).toContain(`a.yaml:${pos(text, 'a.example.com').line}`);
  });

  it('reports a domain declared in two files', () => {
    const a = `${HEADER}baishan:\n  domains:\n    - domain: a.example.com\n      config: {range_back_source: "off"}\n`;
    const b =
      `version: 1\nbaishan:\n  domains:\n    - domain: A.example.com\n      config: {range_back_source: "off"}\n`.replace(
        'A.example.com',
        'a.example.com',
      );
    const r = loadFixture({ 'a.yaml': a, 'b.yaml': b });
    const d = only(r.diagnostics, 'DUPLICATE_DOMAIN');
    expectAt(d, 'b.yaml', pos(b, 'a.example.com'));
    expect(d.related).toEqual([{ file: 'a.yaml', ...pos(a, 'a.example.com') }]);
  });

  it('requires exactly one of domain and domains', () => {
    const text = `${HEADER}baishan:\n  domains:\n    - domain: a.example.com\n      domains: [b.example.com]\n      config: {range_back_source: "off"}\n    - config: {range_back_source: "off"}\n`;
    const ds = loadFixture({ 'a.yaml': text }).diagnostics.filter((d) => d.code === 'DOMAIN_NAME_REQUIRED');
    expect(ds).toHaveLength(2);
    expectAt(ds[0]!, 'a.yaml', pos(text, 'domains: [b'));
    expectAt(ds[1]!, 'a.yaml', pos(text, 'config', 2));
  });

  it('reports an {env} secret that is unset, or empty, at the reference', () => {
    const text = domainFile(
      '        visit_timestamp:\n          pattern: ".*"\n          time_format: timestamp\n          key: {env: CDN_SIGN_KEY}\n          deadtime: 3600\n',
    );
    for (const env of [{}, { CDN_SIGN_KEY: '' }]) {
      const r = loadFixture({ 'a.yaml': text }, { env });
      const d = only(r.diagnostics, 'SECRET_UNRESOLVED');
      expectAt(d, 'a.yaml', pos(text, '{env: CDN_SIGN_KEY}'));
      expect(d.fix).toContain('export CDN_SIGN_KEY=');
      expect(r.stack).toBeUndefined();
    }
  });

  it('reports a {file} secret that does not exist, relative to the YAML file', () => {
    const text = domainFile('        visit_timestamp:\n          key: {file: secrets/nope.txt}\n');
    const r = loadFixture({ 'sub/a.yaml': text }, { names: ['sub/a.yaml'] });
    const d = only(r.diagnostics, 'SECRET_UNRESOLVED');
    expectAt(d, 'sub/a.yaml', pos(text, '{file:'));
    expect(d.message).toContain('sub/secrets/nope.txt');
  });

  it('warns about an inline secret but still loads', () => {
    const text = domainFile('        visit_timestamp:\n          key: "s3cr3t-inline"\n');
    const r = loadFixture({ 'a.yaml': text });
    const d = only(r.diagnostics, 'INLINE_SECRET');
    expect(d.severity).toBe('warning');
    expectAt(d, 'a.yaml', pos(text, '"s3cr3t-inline"'));
    expect(r.stack).toBeDefined();
    expect(d.message).not.toContain('s3cr3t');
  });

  it('rejects a secret reference of the wrong shape', () => {
    const text = domainFile('        visit_timestamp:\n          key: {env: A, file: b}\n');
    const d = only(loadFixture({ 'a.yaml': text }).diagnostics, 'INVALID_VALUE');
    expect(d.fix).toContain('{env: NAME} or {file: path}');
  });

  it('refuses null on a key Baishan cannot remove', () => {
    const text = domainFile('        origin: null\n        range_back_source: null\n');
    const r = loadFixture({ 'a.yaml': text });
    const d = only(r.diagnostics, 'KEY_NOT_REMOVABLE');
    expectAt(d, 'a.yaml', pos(text, 'null'));
    expect(d.message).toBe('Baishan documents no way to remove `origin`');
    expect(d.fix).toContain('delete the line to stop managing `origin`');
  });

  it('refuses https removal or cert_id 0 without allowHttpsDowngrade', () => {
    const text = `${HEADER}baishan:\n  domains:\n    - domain: a.example.com\n      config: {https: null}\n    - domain: b.example.com\n      config:\n        https: {cert_id: 0}\n    - domain: c.example.com\n      allowHttpsDowngrade: true\n      config: {https: null}\n`;
    const r = loadFixture({ 'a.yaml': text });
    const ds = r.diagnostics.filter((d) => d.code === 'HTTPS_DOWNGRADE');
    expect(ds).toHaveLength(2);
    expectAt(ds[0]!, 'a.yaml', pos(text, 'null'));
    expectAt(ds[1]!, 'a.yaml', pos(text, '0}'));
    expect(ds[0]!.fix).toContain('allowHttpsDowngrade: true');
  });

  it('refuses overlapping keys (C20) and warns about the softer pairs', () => {
    const text = domainFile(
      '        cache_rule_list: [{match_method: ext, pattern: jpg, expire: 60, priority: 1}]\n        cache_rule: [{type: 1, pattern: jpg, time: 1, timeunit: D}]\n        speed_limit: [{type: all, pattern: ".*", speed: "80", begin_time: "08:00", end_time: "09:00"}]\n        rate_limit: {max_rate_count: 10}\n',
    );
    const r = loadFixture({ 'a.yaml': text });
    const ds = r.diagnostics.filter((d) => d.code === 'OVERLAPPING_KEYS');
    expect(ds.map((d) => d.severity).sort()).toEqual(['error', 'warning']);
  });

  it('checks speed_limit order, cache rule priorities and origin backups', () => {
    const text = domainFile(
      [
        '        speed_limit: [{type: all, pattern: ".*", speed: "80", begin_time: "22:00", end_time: "06:00"}]',
        '        cache_rule_list:',
        '          - {match_method: ext, pattern: jpg, expire: 60, priority: 1}',
        '          - {match_method: ext, pattern: png, expire: 60, priority: 1}',
        '        origin: {default_master: "1.1.1.1,1.1.1.2", default_slave: "1.1.1.2"}',
        '',
      ].join('\n'),
    );
    const r = loadFixture({ 'a.yaml': text });
    expectAt(only(r.diagnostics, 'TIME_ORDER'), 'a.yaml', pos(text, '"06:00"'));
    expectAt(only(r.diagnostics, 'DUPLICATE_PRIORITY'), 'a.yaml', pos(text, '1}', 2));
    expectAt(only(r.diagnostics, 'ORIGIN_BACKUP_OVERLAP'), 'a.yaml', pos(text, '"1.1.1.2"}'));
  });

  it('requires the stack name in some file, and the same everywhere', () => {
    const body = 'baishan:\n  domains: []\n';
    const none = loadFixture({ 'a.yaml': `version: 1\n${body}` });
    expect(only(none.diagnostics, 'STACK_MISSING').severity).toBe('error');
    const b = `version: 1\nstack: other\n${body}`;
    const clash = loadFixture({ 'a.yaml': `${HEADER}${body}`, 'b.yaml': b });
    expectAt(only(clash.diagnostics, 'STACK_MISMATCH'), 'b.yaml', pos(b, 'other'));
  });

  it('refuses the same provider setting with different values in two files', () => {
    const a = `${HEADER}providers:\n  baishan: {rateLimitPerMinute: 30}\n`;
    const b = 'version: 1\nproviders:\n  baishan:\n    rateLimitPerMinute: 60\n';
    const d = only(loadFixture({ 'a.yaml': a, 'b.yaml': b }).diagnostics, 'PROVIDER_CONFLICT');
    expectAt(d, 'b.yaml', pos(b, '60'));
  });

  it('runs semantic rules only once every file passed the schema', () => {
    const a = `${HEADER}baishan:\n  domains:\n    - domain: a.example.com\n      config: {origin: null}\n`;
    const r = loadFixture({ 'a.yaml': a, 'b.yaml': 'version: 1\nbogus: 1\n' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['UNKNOWN_KEY']);
  });
});
