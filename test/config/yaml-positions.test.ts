import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PathSegment } from '../../src/config/path.js';
import { fastParseYaml } from '../../src/config/yaml-fast-path.js';
import { fastPositions } from '../../src/config/yaml-positions.js';
import { parseWithPositions } from '../../src/config/yaml-source.js';
import { ROOT } from '../e2e/cli-harness.js';
import { yamlDocuments } from './yaml-arbitrary.js';

/** Every path of a value (keys and indexes), and under each mapping one key it does not have. */
function paths(value: unknown, at: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(at);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...at, i], out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
    out.push([...at, 'no-such-key', 'below']);
  }
  return out;
}

/** The fast reader answers every path, value and key, as the yaml package's positions do. */
function expectSamePositions(text: string): number {
  const fast = fastParseYaml(text, 1000);
  if (!fast) return 0;
  const locate = fastPositions(text);
  expect(locate, `the position reader gave up on a file the fast parser took:\n${text}`).toBeDefined();
  const reference = parseWithPositions('f.yaml', text);
  let n = 0;
  for (const path of paths(fast.value)) {
    for (const target of ['value', 'key'] as const) {
      const { line, column } = reference.locate(path, target);
      expect(locate!(path, target), `${JSON.stringify(path)} ${target} in\n${text}`).toEqual({
        line,
        column,
      });
      n++;
    }
  }
  return n;
}

describe('positions of files the fast parser took, without the yaml package', () => {
  it('agree with the yaml package on every path of every example', () => {
    const dir = join(ROOT, 'examples');
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      expect(expectSamePositions(readFileSync(join(dir, name), 'utf8')), name).toBeGreaterThan(10);
    }
  });

  it.each([
    ['anchors, aliases and merge keys', 'd: &d {a: 1, b: [x, y]}\ne:\n  <<: *d\n  b: 2\nf: *d\n'],
    ['merge of several sources', 'a: &a {k: 1, j: 1}\nb: &b {k: 2, m: 2}\nc:\n  j: 0\n  <<: [*a, *b]\n'],
    [
      'a block anchored and merged',
      'base: &base\n  x: 1\n  y:\n    - 1\n    - 2\nuse:\n  - <<: *base\n    z: 3\n',
    ],
    ['a sequence at its key’s indentation', 'a:\n- 1\n- two\nb: 3\n'],
    ['compact nested sequences and maps', 'a:\n  - - 1\n    - 2\n  - k: v\n    l:\n      - m: n\n'],
    ['comments everywhere', '# c\na: 1 # c\nb: # c\n  - x # c\n  # c\n  - "y" # c\nc: a#b\n'],
    ['empty values', 'a:\nb:   # c\nc:  \nd:\n  -\n  - # x\n  - \ne: []\nf: {}\n'],
    ['anchored scalars and blocks', 'b: &x hello\nc: &y\n  d: 1\ng:\n  - &z [1, 2]\n  - *x\n  - *y\n'],
    ['quoted keys and values', `a: "x\\"y"\nb: 'it''s'\n"d e": 1\n'f''g': {"h i": 2, 'j': [3]}\n`],
    ['flow collections', 'l: [a, {m: 1, n: [x, {o: p}]}, [x]]\nk: {a: 1,  b:  2}\n'],
    ['a leading document start', '---\na: 1\n'],
    ['keys with spaces and colons', 'a b: 1\nhttp://x: 2\nc:d: 3\n'],
    // A no-break space or U+2028 is not YAML white space: it is part of the scalar.
    ['no-break spaces kept', 'a: x\u00a0\nb: \u00a0y\nc:\n  - \u00a0z\n  - \u2028w: 1\n    v: \u00a0\n'],
  ])('%s', (_name, text) => {
    expect(expectSamePositions(text)).toBeGreaterThan(0);
  });

  it('property: documents written by yaml.stringify (block or flow)', () => {
    let compared = 0;
    fc.assert(
      fc.property(yamlDocuments(), (text) => {
        compared += expectSamePositions(text);
      }),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(1000);
  });
});
