import { EdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import { lazyRecord } from '../core/lazy-record.js';
import { EDGEFORM_VERSION } from '../version.js';
import { withPatches } from './attribute-patch.js';
import { topologicalOrder } from './graph.js';
import { summarize } from './plan-summary.js';
import {
  PLAN_FORMAT_VERSION,
  type Plan,
  type PlanStep,
  type PlanWarning,
  type ResourceChange,
} from './plan-types.js';
import type { Provider, ProviderLive } from './provider-types.js';

export interface CreatePlanOptions {
  stack: string;
  sources: string[];
  providers: readonly Provider[];
  events: EventSink;
  signal?: AbortSignal;
  /** Addresses (or address prefixes) to limit the plan to. */
  targets?: readonly string[];
  now?: () => Date;
}

export interface PlanResult {
  plan: Plan;
  /** Live state per provider, kept for the staleness check and for drift reports. */
  live: Map<string, ProviderLive>;
  readCalls: number;
}

/**
 * Reads every provider's live state (concurrently: they are independent), asks each to diff, and
 * assembles one ordered plan. Vendor-neutral: providers are only known through their interface.
 */
export async function createPlan(opts: CreatePlanOptions): Promise<PlanResult> {
  const active = opts.providers.filter((p) => p.hasDesired);
  const ctx = { events: opts.events, ...(opts.signal ? { signal: opts.signal } : {}) };
  const lives = await Promise.all(active.map((p) => p.read(ctx)));
  const live = new Map(lives.map((l) => [l.provider, l]));

  let changes: ResourceChange[] = [];
  let steps: PlanStep[] = [];
  const warnings: PlanWarning[] = [];
  const fingerprints: Record<string, string>[] = [];
  for (const [i, provider] of active.entries()) {
    const planned = provider.plan(lives[i]!, ctx);
    changes.push(...planned.changes);
    steps.push(...planned.steps);
    warnings.push(...lives[i]!.warnings, ...planned.warnings);
    fingerprints.push(planned.liveFingerprints);
  }

  const targets = opts.targets ?? [];
  checkTargets(
    targets,
    opts.providers.map((p) => p.id),
    changes,
  );
  // A partial plan relies only on what it touches: a change elsewhere does not make it stale.
  let kept: Set<string> | undefined;
  if (targets.length > 0) {
    ({ changes, steps } = restrictToTargets(changes, steps, targets));
    kept = new Set(changes.map((c) => c.address));
  }
  // Computed when first used (a saved or JSON plan, the staleness check): providers' records may
  // be lazy too (core/lazy-record.ts).
  const liveFingerprints = lazyRecord(() => {
    const all: Record<string, string> = {};
    for (const f of fingerprints) Object.assign(all, f);
    if (kept) for (const address of Object.keys(all)) if (!kept.has(address)) delete all[address];
    return all;
  });

  // What changed inside lists and objects, as RFC 6902 operations, for every renderer and reader.
  changes = withPatches(changes);

  const plan: Plan = {
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { name: 'edgeform', version: EDGEFORM_VERSION },
    createdAt: (opts.now?.() ?? new Date()).toISOString(),
    stack: opts.stack,
    sources: opts.sources,
    partial: targets.length > 0,
    targets: [...targets],
    changes,
    steps: topologicalOrder(steps),
    summary: summarize(changes),
    warnings,
    liveFingerprints,
  };
  return { plan, live, readCalls: lives.reduce((n, l) => n + l.calls, 0) };
}

/** `baishan.domain["img.example.com"]`, `gaap.proxy["app"].listener["tcp-443"]`, or a prefix such as `gaap.proxy`. */
const ADDRESS = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*(?:\["[^"\]]+"\])?)*$/;

/**
 * A target that is not an address, or that matches no object of the stack (declared or live), is a
 * mistake: planning "No changes" for it would read as "all is well".
 */
function checkTargets(
  targets: readonly string[],
  providers: readonly string[],
  changes: readonly ResourceChange[],
): void {
  const example = changes[0]?.address ?? 'baishan.domain["img.example.com"]';
  const invalid = targets.filter((t) => !ADDRESS.test(t) || !providers.includes(t.split(/[.[]/)[0]!));
  if (invalid.length > 0) {
    throw new EdgeformError({
      code: 'TARGET_INVALID',
      message: `--target ${invalid.map((t) => JSON.stringify(t)).join(', ')} ${invalid.length === 1 ? 'is' : 'are'} not an address`,
      resolution: `write an address as plan prints it (it starts with ${providers.join(' or ')}), quoted for the shell: --target '${example}' (or a prefix: --target ${providers[0] ?? 'gaap'})`,
    });
  }
  const unmatched = targets.filter((t) => !changes.some((c) => matchesTarget(c.address, t)));
  if (unmatched.length > 0) {
    const known = changes.slice(0, 5).map((c) => c.address);
    throw new EdgeformError({
      code: 'TARGET_NOT_FOUND',
      message: `--target ${unmatched.join(', ')} matches no object of the stack (declared or live)`,
      resolution: `check the spelling against the addresses plan prints${known.length ? `, e.g. ${known.join(', ')}` : ''}`,
    });
  }
}

/** An address matches a target when it equals it or lies under it (`a.b` matches `a.b.c` and `a.b[...]`). */
export function matchesTarget(address: string, target: string): boolean {
  return address === target || address.startsWith(`${target}.`) || address.startsWith(`${target}[`);
}

/**
 * Keeps the steps that touch a targeted address and every step they depend on (transitively).
 * A batched step that also touches other addresses is kept whole: splitting it would change the
 * calls the plan was reviewed with.
 */
function restrictToTargets(
  changes: ResourceChange[],
  steps: PlanStep[],
  targets: readonly string[],
): { changes: ResourceChange[]; steps: PlanStep[] } {
  const hit = (a: string) => targets.some((t) => matchesTarget(a, t));
  const byId = new Map(steps.map((s) => [s.id, s]));
  const keep = new Set<string>();
  const add = (id: string) => {
    if (keep.has(id)) return;
    keep.add(id);
    for (const d of byId.get(id)?.dependsOn ?? []) add(d);
  };
  for (const s of steps) if (s.addresses.some(hit)) add(s.id);
  const keptSteps = steps.filter((s) => keep.has(s.id));
  const addresses = new Set(keptSteps.flatMap((s) => s.addresses));
  return { changes: changes.filter((c) => hit(c.address) || addresses.has(c.address)), steps: keptSteps };
}
