import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainObject, stableStringify } from '../../src/core/json.js';
import { SecretValue } from '../../src/core/secrets.js';

/** The definition stableStringify must keep (its first implementation): JSON of a key-sorted copy. */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      return sortKeys((v as { toJSON: () => unknown }).toJSON());
    }
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

describe('stableStringify', () => {
  it('property: equals JSON.stringify of a copy with sorted keys, for any JSON-like value', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('0', '1', '10', '9', '01', '-1', '4294967295', '__proto__', 'a'),
    );
    const leaf = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constant(new Date(0)),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, tie('arr'), tie('obj')),
      arr: fc.array(tie('node'), { maxLength: 4 }),
      obj: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(stableStringify(v)).toBe(reference(v));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes a secret as its reference and fingerprint, never its value', () => {
    const s = new SecretValue({ env: 'TOKEN' }, 'hunter2');
    const v = { b: [s, undefined, () => 1], a: { z: 1, y: s } };
    expect(stableStringify(v)).toBe(reference(v));
    expect(stableStringify(v)).not.toContain('hunter2');
  });
});
