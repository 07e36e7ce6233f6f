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
