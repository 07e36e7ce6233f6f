import type { PlanStep } from './plan-types.js';
import type { Provider } from './provider-types.js';

/**
 * The steps of a plan that one provider made, typed with its payload: a step's `provider` names
 * the provider whose payload it carries.
 */
export function stepsOf<Payload>(
  provider: Provider<unknown, Payload>,
  steps: readonly PlanStep[],
): PlanStep<Payload>[] {
  return steps.filter((s): s is PlanStep<Payload> => s.provider === provider.id);
}
