import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topologicalOrder } from '../../src/planner/graph.js';

describe('topologicalOrder', () => {
  it('respects every dependency edge of any DAG and keeps input order among ready nodes', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: 40 }), (deps) => {
        // Node i may depend only on nodes before it in this generation order: always a DAG.
        const nodes = deps.map((d, i) => ({
          id: `n${i}`,
          dependsOn: i === 0 ? [] : [...new Set(d.map((x) => `n${x % i}`))],
        }));
        const shuffled = [...nodes].reverse();
        const order = topologicalOrder(shuffled).map((n) => n.id);
        expect(order).toHaveLength(nodes.length);
        const pos = new Map(order.map((id, i) => [id, i]));
        for (const n of nodes) for (const d of n.dependsOn) expect(pos.get(d)!).toBeLessThan(pos.get(n.id)!);
      }),
    );
  });

  it('is stable for independent nodes', () => {
    const nodes = ['c', 'a', 'b'].map((id) => ({ id, dependsOn: [] }));
    expect(topologicalOrder(nodes).map((n) => n.id)).toEqual(['c', 'a', 'b']);
  });

  it('takes the ready node that comes first in the input, also when many are ready at once', () => {
    // 'root' frees 300 nodes at once; each of them frees one more node given before everything.
    const freed = Array.from({ length: 300 }, (_, i) => ({ id: `f${299 - i}`, dependsOn: ['root'] }));
    const later = Array.from({ length: 300 }, (_, i) => ({ id: `l${i}`, dependsOn: [`f${i}`] }));
    const order = topologicalOrder([...later, { id: 'root', dependsOn: [] }, ...freed]).map((n) => n.id);
    // Each l is given before everything freed, so it runs as soon as its f has: f299 l299 f298 ...
    const want = ['root', ...Array.from({ length: 300 }, (_, i) => [`f${299 - i}`, `l${299 - i}`]).flat()];
    expect(order).toEqual(want);
  });

  it('prints the cycle', () => {
    const nodes = [
      { id: 'a', dependsOn: ['c'] },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c', dependsOn: ['b'] },
      { id: 'd', dependsOn: [] },
    ];
    expect(() => topologicalOrder(nodes)).toThrow(/cycle: (a → c → b → a|a → b → c → a|.*→.*→.*)/);
  });
});
