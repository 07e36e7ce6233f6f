import { describe, expect, it } from 'vitest';
import { lazyLocation } from '../../src/config/lazy-location.js';

describe('lazyLocation', () => {
  it('locates on the first read of line or column, once', () => {
    let calls = 0;
    const loc = lazyLocation('a.yaml', () => {
      calls++;
      return { file: 'a.yaml', line: 3, column: 7 };
    });
    expect(loc.file).toBe('a.yaml');
    expect(calls).toBe(0);
    expect(loc.line).toBe(3);
    expect(loc.column).toBe(7);
    expect(calls).toBe(1);
  });

  it('compares, spreads and serialises like a plain object', () => {
    const loc = lazyLocation('b.yaml', () => ({ file: 'b.yaml', line: 1, column: 2 }));
    expect(loc).toEqual({ file: 'b.yaml', line: 1, column: 2 });
    expect({ ...loc }).toStrictEqual({ file: 'b.yaml', line: 1, column: 2 });
    expect(JSON.stringify(loc)).toBe('{"file":"b.yaml","line":1,"column":2}');
    expect(Object.keys(loc)).toEqual(['file', 'line', 'column']);
    expect('line' in loc).toBe(true);
    expect(`${loc.file}:${loc.line}:${loc.column}`).toBe('b.yaml:1:2');
  });

  it('is read-only', () => {
    const loc = lazyLocation('c.yaml', () => ({ file: 'c.yaml', line: 1, column: 1 }));
    expect(() => {
      (loc as { line: number }).line = 5;
    }).toThrow(TypeError);
    expect(loc.line).toBe(1);
  });
});
