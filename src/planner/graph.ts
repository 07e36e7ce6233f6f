import { EdgeformError } from '../core/errors.js';

export interface GraphNode {
  id: string;
  dependsOn: readonly string[];
}

/**
 * Kahn's algorithm, stable: among ready nodes the input order wins, so plans render the same way
 * every time. A cycle is reported with its members in order, which is what a user needs to see.
 */
export function topologicalOrder<T extends GraphNode>(nodes: readonly T[]): T[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const n of nodes) {
    for (const d of n.dependsOn) {
      if (!byId.has(d)) {
        throw new EdgeformError({
          code: 'DEPENDENCY_MISSING',
          message: `step ${n.id} depends on unknown step ${d}`,
          source: 'internal',
          resolution: 'This is a bug in edgeform. Please report it with the plan JSON.',
        });
      }
    }
  }
  const indegree = new Map(nodes.map((n) => [n.id, n.dependsOn.length]));
  const dependents = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const d of n.dependsOn) {
      const list = dependents.get(d);
      if (list) list.push(i);
      else dependents.set(d, [i]);
    }
  });
  // Ready nodes by input position, smallest first: a heap, not a sort of the ready list on every
  // step (quadratic for a 3,000-step plan whose ready list holds hundreds).
  const ready = new PositionHeap();
  nodes.forEach((n, i) => {
    if (n.dependsOn.length === 0) ready.push(i);
  });
  const out: T[] = [];
  while (ready.size > 0) {
    const n = nodes[ready.pop()]!;
    out.push(n);
    for (const dep of dependents.get(n.id) ?? []) {
      const id = nodes[dep]!.id;
      const left = indegree.get(id)! - 1;
      indegree.set(id, left);
      if (left === 0) ready.push(dep);
    }
  }
  if (out.length !== nodes.length) {
    const cycle = findCycle(nodes.filter((n) => indegree.get(n.id)! > 0));
    throw new EdgeformError({
      code: 'DEPENDENCY_CYCLE',
      message: `the plan's steps depend on each other in a cycle: ${cycle.join(' → ')}`,
      source: 'internal',
      resolution:
        'This is a bug in edgeform (or two declared objects reference each other). Please report it.',
    });
  }
  return out;
}

/** A binary min-heap of input positions. */
class PositionHeap {
  readonly #a: number[] = [];
  get size(): number {
    return this.#a.length;
  }
  push(x: number): void {
    const a = this.#a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.#a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

function findCycle(nodes: readonly GraphNode[]): string[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const d of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(d)) continue;
      if (state.get(d) === 'visiting') return [...stack.slice(stack.indexOf(d)), d];
      if (!state.has(d)) {
        const found = visit(d);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const n of nodes) {
    if (!state.has(n.id)) {
      const found = visit(n.id);
      if (found) return found;
    }
  }
  return nodes.map((n) => n.id);
}
