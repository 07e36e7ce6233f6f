import type { JsonValue } from '../core/json-types.js';
import type { ApplyResult } from '../executor/executor-types.js';
import type { Plan, ResourceOutputs } from '../planner/plan-types.js';
import type { Provider, ProviderLive } from '../planner/provider-types.js';
import { openSession, type SessionOptions } from './session.js';

/**
 * The outputs of every provider, from the live state a run read; with an apply's plan and result,
 * as they are after it (what a create produced comes from its step, not from another read).
 */
export function collectOutputs(
  providers: readonly Provider[],
  live: ReadonlyMap<string, ProviderLive>,
  applied?: { plan: Plan; result: ApplyResult },
): ResourceOutputs[] {
  const stepOutputs = new Map<string, Record<string, JsonValue>>();
  for (const s of applied?.result.steps ?? [])
    if (s.state === 'done' && s.outputs) stepOutputs.set(s.id, s.outputs);
  return providers.flatMap((p) => {
    const l = live.get(p.id);
    if (!p.outputs || !l) return [];
    return p.outputs(l, applied ? { plan: applied.plan, stepOutputs } : undefined);
  });
}

export interface OutputsResult {
  stack: string;
  outputs: ResourceOutputs[];
  readCalls: number;
}

/**
 * `edgeform outputs`: reads what the stack owns and lists the server-assigned values a user needs.
 * Only providers that have outputs are read; nothing is written.
 */
export async function listOutputs(opts: SessionOptions & { signal?: AbortSignal }): Promise<OutputsResult> {
  const session = await openSession({ ...opts, planChecks: false });
  try {
    const ctx = { events: opts.events, ...(opts.signal ? { signal: opts.signal } : {}) };
    const readable = session.providers.filter((p) => p.hasDesired && p.outputs);
    const lives = await Promise.all(readable.map((p) => p.read(ctx)));
    const live = new Map(lives.map((l) => [l.provider, l]));
    return {
      stack: session.stack.stack,
      outputs: collectOutputs(readable, live),
      readCalls: lives.reduce((n, l) => n + l.calls, 0),
    };
  } finally {
    await session.close();
  }
}
