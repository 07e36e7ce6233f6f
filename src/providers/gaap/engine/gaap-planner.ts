import { planDiff } from '../../../planner/diff-engine.js';
import type { StepShaper } from '../../../planner/diff-types.js';
import type { PlanStep, PlanWarning, ResourceChange } from '../../../planner/plan-types.js';
import type { KindHandler, StepDraft } from './kind-handler.js';
import type { DesiredNode, GaapStepPayload, LiveNode } from './node-types.js';

export interface GaapPlanInput {
  stack: string;
  projectId: number;
  /** The configured region, '' when none (see tag-api.ts gaapResourceName). */
  region: string;
  desired: DesiredNode[];
  live: LiveNode[];
  /** Live references: address → addresses of objects it uses (bindings, certificates). */
  liveRefs: Map<string, string[]>;
  handlers: ReadonlyMap<string, KindHandler>;
  /**
   * Seed of ClientToken intent labels: the same estate gives the same plan. The token sent is
   * derived from the label, the step and a nonce of the applying run (gaap-step-runner.ts).
   */
  tokenSeed: string;
}

export interface GaapPlanOutput {
  changes: ResourceChange[];
  steps: PlanStep<GaapStepPayload>[];
  warnings: PlanWarning[];
}

/** A GAAP step: its calls and wait as drafted, the action named by its calls. */
const GAAP_STEPS: StepShaper<StepDraft, GaapStepPayload> = {
  action: (draft) => draft.calls.map((c) => c.action).join(' + ') || 'Wait',
  outputs: (draft) => [
    ...draft.calls.flatMap((c) => Object.keys(c.outputs ?? {})),
    ...Object.keys(draft.wait?.outputs ?? {}),
  ],
  createsId: (draft) => draft.calls.some((c) => c.outputs?.id),
  payload: (draft, outputsOf) => ({
    calls: draft.calls,
    ...(draft.wait ? { wait: draft.wait } : {}),
    ...(outputsOf ? { outputsOf } : {}),
  }),
};

/**
 * The GAAP plan: the planner's diff engine (planner/diff-engine.ts) over the GAAP kinds, their
 * steps carrying declarative calls (gaap-step-runner.ts runs them).
 */
export function planGaap(input: GaapPlanInput): GaapPlanOutput {
  return planDiff({
    provider: 'gaap',
    desired: input.desired,
    live: input.live,
    liveRefs: input.liveRefs,
    kinds: input.handlers,
    steps: GAAP_STEPS,
    builder: { stack: input.stack, projectId: input.projectId, region: input.region },
    tokenSeed: input.tokenSeed,
    codes: { unresolvedReference: 'GAAP_REFERENCE_UNRESOLVED', externalMissing: 'GAAP_EXTERNAL_NOT_FOUND' },
  });
}
