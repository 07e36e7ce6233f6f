// A second entry point of the bundled CLI (scripts/bundle-cli.mjs), for bench/cpu-cost-child.mjs:
// the stages `edgeform plan` runs, imported from the same chunks the CLI loads, so the bench
// measures the import cost the CLI pays. Not part of the library API (that is src/index.ts).
export { createPlan } from '../planner/create-plan.js';
export { openSession } from '../workflow/session.js';
export { makeColors } from './colors.js';
export { renderPlanText } from './render/plan-text.js';
