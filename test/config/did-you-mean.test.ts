import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/config/did-you-mean.js';

/** The textbook full-matrix distance (optimal string alignment), to check the bounded one against. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

const WORDS = [
  'origin',
  'orign',
  'oirgin',
  'cache_rules',
  'cachrules',
  'ip_black_list',
  'referer',
  'x',
  '',
  'ab',
  'ba',
];

describe('editDistance', () => {
  it('equals the full-matrix distance, and with a bound is exact up to it and bound + 1 beyond', () => {
    for (const a of WORDS) {
      for (const b of WORDS) {
        const exact = reference(a, b);
        expect(editDistance(a, b), `${a}/${b}`).toBe(exact);
        for (const max of [0, 1, 2, 3])
          expect(editDistance(a, b, max), `${a}/${b}/${max}`).toBe(Math.min(exact, max + 1));
      }
    }
  });

  it('counts an adjacent transposition as one edit', () => {
    expect(editDistance('oirgin', 'origin')).toBe(1);
  });
});

describe('didYouMean', () => {
  const keys = ['origin', 'cache_rules', 'ip_black_list', 'ip_white_list', 'timeout'];

  it('suggests the closest key within a third of the word, ignoring case, - and _', () => {
    expect(didYouMean('orign', keys)).toBe('origin');
    expect(didYouMean('IP-BLACK-LIST', keys)).toBe('ip_black_list');
    expect(didYouMean('ip_blak_list', keys)).toBe('ip_black_list');
    expect(didYouMean('bogus_key_1', keys)).toBeUndefined();
  });

  it('keeps the first of equally close candidates', () => {
    expect(didYouMean('ab', ['ac', 'ad'])).toBe('ac');
  });

  it('answers thousands of unknown keys quickly (bounded distance, memoised normalisation)', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `bogus_key_${i}`);
    const answers = many.map((w) => didYouMean(w, keys));
    expect(answers.every((a) => a === undefined)).toBe(true);
  });
});
