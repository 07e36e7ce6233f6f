import type { Plan, PlanSummary, ResourceChange } from './plan-types.js';

export function summarize(changes: readonly ResourceChange[]): PlanSummary {
  const s: PlanSummary = { add: 0, change: 0, destroy: 0, replace: 0 };
  for (const c of changes) {
    switch (c.kind) {
      case 'create':
        s.add++;
        break;
      case 'update':
        s.change++;
        break;
      case 'delete':
        s.destroy++;
        break;
      case 'replace':
        // Terraform counts a replace as one add and one destroy.
        s.add++;
        s.destroy++;
        s.replace++;
        break;
      case 'no-op':
        break;
      default: {
        const never: never = c.kind;
        throw new Error(`unknown change kind ${String(never)}`);
      }
    }
  }
  return s;
}

export function hasChanges(plan: Pick<Plan, 'changes'>): boolean {
  return plan.changes.some((c) => c.kind !== 'no-op');
}
