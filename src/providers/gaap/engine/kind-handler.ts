import type {
  KindDescription,
  OutputSpec,
  StepBuilder as PlanStepBuilder,
  StepDraftBase,
} from '../../../planner/diff-types.js';
import type { GaapCallSpec, WaitSpec } from './node-types.js';

/**
 * What the planner's diff engine needs to know about one GAAP resource kind (see
 * `KindDescription`): which fields the API can change in place, which calls create, change and
 * delete it. The engine only matches, classifies and orders.
 */
export type KindHandler<Spec = unknown, Raw = unknown> = KindDescription<Spec, Raw, StepBuilder>;

export type { OutputSpec };

/** A GAAP step as a kind drafts it: declarative calls, and the asynchronous state to wait for. */
export interface StepDraft extends StepDraftBase {
  calls: GaapCallSpec[];
  wait?: WaitSpec;
}

export interface StepBuilder extends PlanStepBuilder<StepDraft> {
  /** The stack name, for ownership tags and names. */
  readonly stack: string;
  readonly projectId: number;
  /** The configured region ('' when none): the region segment of Tag API resource names. */
  readonly region: string;
}
