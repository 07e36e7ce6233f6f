import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadStack } from '../../src/config/load-stack.js';
import { fixtureDir } from './helpers.js';

/** Fragments that steer random text towards the interesting corners of the format. */
const FRAGMENTS = [
  'version: 1\n',
  'stack: s\n',
  'baishan:\n',
  '  defaults:\n',
  '  domains:\n',
  '    - domain: a.example.com\n',
  '    - domains: [a.example.com, b.example.com]\n',
  '      config:\n',
  '        referer: null\n',
  '        origin: {default_master: "1.1.1.1"}\n',
  '        ip_black_list: {list: ["1.1.1.0/24", "1.1.1.1"]}\n',
  '        ip_white_list: {list: ["2.2.2.2"]}\n',
  '        visit_timestamp: {key: {env: X}}\n',
  '        speed_limit: [{begin_time: "09:00", end_time: "08:00"}]\n',
  '        <<: *a\n',
  '  x: &a {range_back_source: "off"}\n',
  '*a\n',
  '&a ',
  '<<: ',
  '- ',
  ': ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '\t',
  '\n',
  '---\n',
  '!!binary ',
  '%YAML 1.1\n',
  'null',
  '~',
  '0x1F',
  '.inf',
  '#',
  '|\n',
  '? ',
  '__proto__: ',
  'constructor: ',
  '<<: [1, 2]\n',
];

const yamlish = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 })), { maxLength: 40 })
  .map((parts) => parts.join(''));

describe('loadStack never throws', () => {
  const dir = fixtureDir({});
  it('on arbitrary YAML-ish text', () => {
    fc.assert(
      fc.property(yamlish, fc.string({ maxLength: 200 }), (a, b) => {
        writeFileSync(join(dir, 'a.yaml'), a);
        writeFileSync(join(dir, 'b.yaml'), b);
        const r = loadStack(['a.yaml', 'b.yaml'], { cwd: dir, env: {} });
        for (const diag of r.diagnostics) {
          expect(diag.line).toBeGreaterThanOrEqual(1);
          expect(diag.column).toBeGreaterThanOrEqual(1);
          expect(diag.message).not.toBe('');
          expect(diag.fix).not.toBe('');
        }
        // A stack comes back exactly when there is no error.
        expect(r.stack === undefined).toBe(r.diagnostics.some((x) => x.severity === 'error'));
      }),
      { numRuns: 300 },
    );
  });
});
