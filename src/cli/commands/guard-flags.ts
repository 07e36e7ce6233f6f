import { CI_MAX_DESTROY } from '../../workflow/guards.js';
import type { CommandContext } from './context.js';

/**
 * `--max-destroy` as given, else the CI default (workflow/guards.ts); `off` means no limit. Only
 * plan and apply import this (it loads the planner's plan types, which validate must not).
 */
export function maxDestroyOf(
  flag: number | 'off' | undefined,
  ctx: Pick<CommandContext, 'ci'>,
): { maxDestroy?: number } {
  if (flag === 'off') return {};
  const max = flag ?? (ctx.ci ? CI_MAX_DESTROY : undefined);
  return max === undefined ? {} : { maxDestroy: max };
}
