import { describe, expect, it } from 'vitest';
import { stableStringify } from '../../src/core/json.js';
import { SecretValue } from '../../src/core/secrets.js';
import { attributeEqual } from '../../src/planner/attribute-compare.js';

/** The definition: equal when their deterministic JSON texts, secrets revealed, are equal. */
const byText = (a: unknown, b: unknown): boolean => {
  const reveal = (v: unknown): unknown =>
    v instanceof SecretValue
      ? v.reveal()
      : Array.isArray(v)
        ? v.map(reveal)
        : typeof v === 'object' && v !== null
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]))
          : v;
  return stableStringify(reveal(a)) === stableStringify(reveal(b));
};

const secret = new SecretValue({ env: 'K' }, 's3cret');
const PAIRS: [unknown, unknown][] = [
  ['a', 'a'],
  ['a', 'b'],
  [1, 1],
  [1, '1'],
  [0, -0],
  [Number.NaN, Number.NaN],
  [Number.NaN, null],
  [Number.POSITIVE_INFINITY, null],
  [undefined, undefined],
  [undefined, null],
  [true, true],
  [
    { a: 1, b: [1, 2] },
    { b: [1, 2], a: 1 },
  ],
  [
    { a: 1, b: [1, 2] },
    { a: 1, b: [2, 1] },
  ],
  [{ a: 1, b: undefined }, { a: 1 }],
  [{ a: 1 }, { a: 1, b: 2 }],
  [[{ realServer: 'x', port: 80 }], [{ port: 80, realServer: 'x' }]],
  [[undefined], [null]],
  [{ a: [] }, { a: {} }],
  [secret, 's3cret'],
  [secret, 'other'],
  [{ key: secret }, { key: 's3cret' }],
  [secret, secret],
];

describe('attributeEqual', () => {
  it.each(PAIRS)('agrees with the text comparison: %o vs %o', (a, b) => {
    expect(attributeEqual(a, b)).toBe(byText(a, b));
    expect(attributeEqual(b, a)).toBe(byText(b, a));
  });
});
