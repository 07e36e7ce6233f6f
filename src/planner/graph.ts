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
  const dependents = new Map<string, string[]>();
  for (const n of nodes) for (const d of n.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), n.id]);
  const position = new Map(nodes.map((n, i) => [n.id, i]));
  const ready = nodes.filter((n) => n.dependsOn.length === 0).map((n) => n.id);
  const out: T[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const id = ready.shift()!;
    out.push(byId.get(id)!);
    for (const dep of dependents.get(id) ?? []) {
      const left = indegree.get(dep)! - 1;
      indegree.set(dep, left);
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
