/**
 * edgeform as a library: the functions behind the CLI's commands, and their types. The CLI
 * (src/cli) is a thin layer over exactly these. Nothing here prints, reads argv or exits.
 *
 *   const { stack, diagnostics } = loadStack(['edgeform.yaml'], { cwd, env: process.env });
 *   const { plan: p } = await plan({ files, cwd, env, sandbox: false, events: nullSink });
 */

export type {
  Diagnostic,
  DiagnosticCode,
  DiagnosticSeverity,
  LoadStackOptions,
  LoadStackResult,
} from './config/load-stack.js';
export { loadStack } from './config/load-stack.js';
export type { ErrorCode, ErrorSource } from './core/errors.js';
export { EdgeformError, isEdgeformError } from './core/errors.js';
export type { EdgeformEvent, EventSink } from './core/event-types.js';
export { nullSink } from './core/null-sink.js';
export type { ApplyResult, StepReport, StepState } from './executor/executor-types.js';
export type { GaapDesired } from './model/gaap-desired-types.js';
export type { BaishanDomainDesired, LoadedStack } from './model/stack-types.js';
export type { PlanResult } from './planner/create-plan.js';
export { hasChanges, summarize } from './planner/plan-summary.js';
export type {
  AttributeChange,
  ChangeKind,
  Plan,
  PlanStep,
  PlanSummary,
  PlanWarning,
  ResourceChange,
} from './planner/plan-types.js';
export type { DriftField, DriftReport } from './workflow/drift.js';
export { drift } from './workflow/drift.js';
export type { ExportOptions, StackExport } from './workflow/export-stack.js';
export { exportStack, exportStack as export } from './workflow/export-stack.js';
export type { ApplyOptions, ApplyOutcome, WorkflowOptions } from './workflow/run-plan.js';
export { apply, plan } from './workflow/run-plan.js';
