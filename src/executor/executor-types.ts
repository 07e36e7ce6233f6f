import type { JsonValue } from '../core/json-types.js';
import type { StepOutcome } from '../planner/provider-types.js';

/**
 * pending → ready (its dependencies are done) → running (holds a slot, its calls in flight) →
 * waiting (its change was sent; an asynchronous state is awaited holding no slot) → done | failed;
 * skipped when a dependency did not complete or the run was interrupted before it started. A
 * report carries only the last three: a step interrupted while waiting is failed with the code
 * WAIT_ABANDONED.
 */
export type StepState = 'pending' | 'ready' | 'running' | 'waiting' | 'done' | 'failed' | 'skipped';

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
