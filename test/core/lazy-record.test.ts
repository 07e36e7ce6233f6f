import { describe, expect, it } from 'vitest';
import { lazyRecord } from '../../src/core/lazy-record.js';

describe('lazyRecord', () => {
  it('computes once, on first use, and then behaves as the plain record', () => {
    let calls = 0;
    const r = lazyRecord(() => {
      calls++;
      return { b: '2', a: '1' };
    });
    const copy = { holder: r };
    expect(copy.holder).toBe(r);
    expect(calls).toBe(0);
    expect(r.a).toBe('1');
    expect(calls).toBe(1);
    expect(Object.keys(r)).toEqual(['b', 'a']);
    expect(JSON.stringify(r)).toBe('{"b":"2","a":"1"}');
    expect({ ...r }).toEqual({ b: '2', a: '1' });
    expect(r).toEqual({ b: '2', a: '1' });
    expect('a' in r).toBe(true);
    expect(Object.entries(r)).toEqual([
      ['b', '2'],
      ['a', '1'],
    ]);
    expect(calls).toBe(1);
  });

  it('each way in fills it first: keys, in, JSON, writes, deletes', () => {
    const fresh = () => lazyRecord(() => ({ x: 1 }));
    expect(Object.keys(fresh())).toEqual(['x']);
    expect('x' in fresh()).toBe(true);
    expect(JSON.stringify(fresh())).toBe('{"x":1}');
    const w = fresh();
    w.y = 2;
    expect(w).toEqual({ x: 1, y: 2 });
    const d = fresh();
    delete d.x;
    expect(Object.keys(d)).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(fresh(), 'x')).toEqual({
      value: 1,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });
});
