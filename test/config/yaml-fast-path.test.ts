import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { fastParseYaml, resolvePlain } from '../../src/config/yaml-fast-path.js';
import { ROOT } from '../e2e/cli-harness.js';
import { yamlDocuments } from './yaml-arbitrary.js';

const MAX_ALIAS_COUNT = 1000;

/** What parseYamlSource takes from the yaml package when the fast path declines. */
function reference(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const doc = parseDocument(text, { merge: true, prettyErrors: false, keepSourceTokens: false });
    if (doc.errors.length > 0 || doc.warnings.length > 0) return { ok: false };
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch {
    return { ok: false };
  }
}

/** The fast path either declines or gives exactly yaml's value: same keys in the same order. */
function expectAgrees(text: string): 'fast' | 'declined' {
  const fast = fastParseYaml(text, MAX_ALIAS_COUNT);
  if (!fast) return 'declined';
  const ref = reference(text);
  expect(ref.ok, `the fast path accepted what yaml refuses:\n${text}`).toBe(true);
  if (ref.ok) {
    expect(fast.value, text).toStrictEqual(ref.value);
    expect(JSON.stringify(fast.value), text).toBe(JSON.stringify(ref.value));
  }
  return 'fast';
}

describe('the fast YAML path agrees with the yaml package or declines', () => {
  it('takes every example and gives yaml value for value, key order included', () => {
    const dir = join(ROOT, 'examples');
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      expect(expectAgrees(readFileSync(join(dir, name), 'utf8')), name).toBe('fast');
    }
  });

  it.each([
    ['anchors, aliases and merge keys', 'd: &d {a: 1, b: [x, y]}\ne:\n  <<: *d\n  b: 2\nf: *d\n'],
    [
      'merge of several sources, earlier wins, own keys win',
      'a: &a {k: 1, j: 1}\nb: &b {k: 2, m: 2}\nc:\n  j: 0\n  <<: [*a, *b]\n',
    ],
    [
      'a block anchored and merged',
      'base: &base\n  x: 1\n  y:\n    - 1\n    - 2\nuse:\n  - <<: *base\n    z: 3\n',
    ],
    ['a sequence at its key’s indentation', 'a:\n- 1\n- two\nb: 3\n'],
    ['compact nested sequences and maps', 'a:\n  - - 1\n    - 2\n  - k: v\n    l:\n      - m: n\n'],
    ['comments everywhere', '# c\na: 1 # c\nb: # c\n  - x # c\n  # c\n  - "y" # c\nc: a#b\n'],
    [
      'core-schema scalars',
      'a: [~, null, Null, true, False, 0o17, 0x1F, -12, +3, 1.5, .5, 1e3, -.inf, .NaN, 1.0, 010, 1_000, yes, "1"]\n',
    ],
    ['quoted scalars and escapes', `a: "x\\"y\\\\z\\n\\u00e9"\nb: 'it''s'\nc: "#not a comment"\n"d e": 1\n`],
    ['empty values and flow', 'a:\nb: []\nc: {}\nd: [[1, 2], {x: [3]}]\ne: ""\n'],
    ['a leading document start', '---\na: 1\n'],
    ['keys with spaces and colons', 'a b: 1\nhttp://x: 2\nc:d: 3\n'],
    ['trailing spaces, no final newline', 'a: 1   \nb:  \n  - x  \n   \nc: "y"  '],
  ])('%s: taken, same value', (_name, text) => {
    expect(expectAgrees(text)).toBe('fast');
  });

  it.each([
    ['a tab', 'a:\t1\n'],
    ['a block scalar', 'a: |\n  x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a multi-line plain scalar', 'a: x\n  y\n'],
    ['a multi-line quoted scalar', 'a: "x\n  y"\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a non-string key', '1: a\ntrue: b\n'],
    ['an undefined alias', 'a: *x\n'],
    ['an alias inside an anchored value', 'a: &a 1\nb: &b [*a]\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a nested compact mapping', 'a: b: c\n'],
    ['a byte-order mark', '\ufeffa: 1\n'],
    ['a carriage return', 'a: 1\r\n'],
    ['a merge of a scalar', 'a: &a 1\nb:\n  <<: *a\n'],
    ['__proto__', '__proto__: {a: 1}\n'],
    ['a trailing comma', 'a: [1, 2, ]\n'],
    ['bad indentation', 'a:\n  b: 1\n   c: 2\n'],
    ['an empty file', '# nothing\n'],
    ['an anchor used more often than maxAliasCount', `a: &a 1\nb: [${Array(1001).fill('*a').join(', ')}]\n`],
  ])('%s: declined (the yaml package decides)', (_name, text) => {
    expect(fastParseYaml(text, MAX_ALIAS_COUNT)).toBeUndefined();
  });

  // YAML's white space is the space (and tab): a no-break space or U+2028 is part of a scalar.
  it.each([
    ['a trailing no-break space', 'a: x\u00a0\nb: 1\n'],
    ['a no-break space before a comment', 'a: x\u00a0 # c\n'],
    ['a no-break space as a key', '\u00a0: 1\n'],
    ['a trailing line separator', 'a: x\u2028\n'],
  ])('%s: taken, the same value as the yaml package', (_name, text) => {
    expect(expectAgrees(text)).toBe('fast');
  });

  it('a line of only an ideographic space (a continuation line in YAML): declined', () => {
    expect(fastParseYaml('a: 1\n  \u3000\nb: 2\n', MAX_ALIAS_COUNT)).toBeUndefined();
  });

  it.each([['nothing', '']])('%s: declined', (_name, text) => {
    expect(fastParseYaml(text, MAX_ALIAS_COUNT)).toBeUndefined();
  });

  it('resolves plain scalars as the yaml package does', () => {
    const words = [
      '',
      '~',
      'null',
      'NULL',
      'nUll',
      'true',
      'TRUE',
      'tRue',
      'yes',
      'on',
      '0',
      '-0',
      '+0',
      '007',
      '0o7',
      '0o8',
      '0x0',
      '0xG',
      '1.',
      '.1',
      '1.e5',
      '1e',
      '-.Inf',
      '.nan',
      '.NAN',
      'nan',
      '1_0',
      '12:30',
      '0b1',
      '2026-12-01',
    ];
    for (const w of words) {
      const ref = parseDocument(`v: ${w}\n`).toJS().v;
      expect(resolvePlain(w), JSON.stringify(w)).toStrictEqual(ref);
    }
  });

  it('property: any JSON value written by yaml.stringify (block or flow) parses to the same value or is declined', () => {
    let taken = 0;
    fc.assert(
      fc.property(yamlDocuments(), (text) => {
        if (expectAgrees(text) === 'fast') taken++;
      }),
      { numRuns: 400 },
    );
    // Most generated documents are plain enough for the fast path; else the test proves little.
    expect(taken).toBeGreaterThan(100);
  });
});
