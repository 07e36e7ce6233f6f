import type { JsonValue } from '../core/json-types.js';
import type { StepOutcome } from '../planner/provider-types.js';

export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface StepReport {
  id: string;
  provider: string;
  action: string;
  summary: string;
  addresses: string[];
  state: StepState;
  durationMs?: number;
  calls?: number;
  error?: { code: string; message: string; resolution?: string };
  /** Why a step was skipped (a failed dependency, an interruption). */
  reason?: string;
  /** Parts of a batched step that failed while the rest was applied. */
  partialFailures?: StepOutcome['partialFailures'];
  /** Values the step produced (created IDs, a new proxy's access domain). */
  outputs?: Record<string, JsonValue>;
}

export interface ApplyResult {
  steps: StepReport[];
  done: number;
  failed: number;
  skipped: number;
  /** True when a signal stopped scheduling before every step ran. */
  interrupted: boolean;
  durationMs: number;
  calls: number;
}
