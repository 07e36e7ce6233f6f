import { EdgeformError } from '../../core/errors.js';
import { fieldsOf } from '../../core/json.js';
import type { JsonValue } from '../../core/json-types.js';
import type { StepWait, WaitReading, WatchAnswer } from '../../planner/provider-types.js';
import type { WaitSpec } from './engine/node-types.js';
import type { GaapCaller } from './gaap-client.js';
import { isGaapApiError } from './gaap-errors.js';
import { at, atMapped, type ItemFinder, itemFinder } from './gaap-step-runner.js';
import type { ActionName, Request } from './gaap-types.js';

/**
 * Reads the states of GAAP waits of one scope (same action, same parameters but the batched ID
 * list) with the fewest calls: the batched IDs in lists of up to `batch.max` a call, a paged list
 * read page by page only until every waited item is found. Status polls yield to writes waiting
 * for the same action's budget.
 */
export async function watchGaap(
  client: GaapCaller,
  waits: readonly StepWait<WaitSpec>[],
  signal?: AbortSignal,
): Promise<WatchAnswer> {
  const specs = waits.map((w) => w.detail);
  const first = specs[0];
  if (!first) return { readings: [], calls: 0 };
  const counter = { calls: 0 };
  const groups: { params: Record<string, unknown>; members: number[] }[] = [];
  const batch = first.batch;
  if (batch) {
    const byId = new Map<string, number[]>();
    specs.forEach((s, i) => {
      const id = JSON.stringify((s.params[batch.param] as unknown[] | undefined)?.[0]);
      const list = byId.get(id);
      if (list) list.push(i);
      else byId.set(id, [i]);
    });
    const ids = [...byId.keys()];
    for (let k = 0; k < ids.length; k += batch.max) {
      const chunk = ids.slice(k, k + batch.max);
      groups.push({
        params: { ...first.params, [batch.param]: chunk.map((id) => JSON.parse(id) as unknown) },
        members: chunk.flatMap((id) => byId.get(id)!),
      });
    }
  } else {
    groups.push({ params: first.params, members: specs.map((_, i) => i) });
  }
  const readings: WaitReading[] = specs.map(() => ({ kind: 'unknown' }));
  await Promise.all(
    groups.map(async (g) => {
      const wanted = g.members.map((i) => specs[i]!);
      let res: Record<string, unknown>;
      try {
        res = await readScope(client, first, g.params, wanted, counter, signal);
      } catch (e) {
        // A read that failed even after the client's retries (an internal error, a lost
        // connection) says nothing about the objects: their waits go on, bounded by their timeout.
        if (isGaapApiError(e) && (e.errorClass === 'internal' || e.errorClass === 'ambiguous')) return;
        for (const i of g.members) readings[i] = { kind: 'failed', error: e as Error };
        return;
      }
      // One index per list read, so each waiter's item is found without a scan of the list.
      const finders = new Map<string, ItemFinder>();
      const findIn = (path: string): ItemFinder => {
        let f = finders.get(path);
        if (!f) {
          f = itemFinder(asList(at(res, path)));
          finders.set(path, f);
        }
        return f;
      };
      for (const i of g.members) readings[i] = readingOf(specs[i]!, res, findIn);
    }),
  );
  return { readings, calls: counter.calls };
}

async function readScope(
  client: GaapCaller,
  spec: WaitSpec,
  params: Record<string, unknown>,
  wanted: readonly WaitSpec[],
  counter: { calls: number },
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const call = async (p: Record<string, unknown>) => {
    counter.calls++;
    return fieldsOf(
      await client.call(spec.action as ActionName, p as Request<ActionName>, {
        background: true,
        ...(signal ? { signal } : {}),
      }),
    );
  };
  if (!spec.pageLimit || !spec.item) return call(params);
  // Paged: stop as soon as every waited item has been seen, or the list ends.
  const field = spec.item.items;
  const items: unknown[] = [];
  for (let offset = 0; ; offset += spec.pageLimit) {
    const page = await call({ ...params, Offset: offset, Limit: spec.pageLimit });
    const got = Array.isArray(page[field]) ? (page[field] as unknown[]) : [];
    items.push(...got);
    const total = typeof page.TotalCount === 'number' ? page.TotalCount : items.length;
    const find = itemFinder(items);
    const allSeen = wanted.every((w) => w.item && find(w.item.match));
    if (allSeen || got.length < spec.pageLimit || items.length >= total) break;
  }
  return { [field]: items };
}

function readingOf(
  spec: WaitSpec,
  res: Record<string, unknown>,
  findIn: (path: string) => ItemFinder,
): WaitReading {
  const scope = spec.item ? findIn(spec.item.items)(spec.item.match) : res;
  const status = at(scope, spec.statusPath);
  if (status === undefined && spec.goneIsReady) return { kind: 'ready' };
  if (status !== undefined && spec.ready.some((r) => r === status)) {
    if (!spec.outputs) return { kind: 'ready' };
    // Values the object has only once ready (a new proxy's access domain and IPs): no extra call.
    const outputs: Record<string, JsonValue> = {};
    for (const [name, path] of Object.entries(spec.outputs)) {
      const value = atMapped(scope, path);
      if (value !== undefined && value !== null && value !== '') outputs[name] = value as JsonValue;
    }
    return { kind: 'ready', outputs };
  }
  if (status !== undefined && spec.failed?.some((f) => f === status)) {
    return {
      kind: 'failed',
      error: new EdgeformError({
        code: 'GAAP_ASYNC_FAILED',
        message: `${spec.what}: the object reached ${String(status)}, which will not become ready`,
        source: 'remote',
        resolution: 'check the object in the GAAP console; run `edgeform plan` to see what remains',
      }),
    };
  }
  return { kind: 'pending', seen: String(status ?? 'absent') };
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
