import { createRequire } from 'node:module';
import type request from 'undici/lib/api/api-request.js';
import type DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import type PoolClass from 'undici/lib/dispatcher/pool.js';

// NOTE: start-up cost. undici's entry point loads every feature it has (fetch, WebSocket,
// EventSource, cookies, caches, mocks, proxy agents, the stream/pipeline/upgrade APIs): ~200 ms
// of CPU on every run that makes a call, where edgeform uses one thing, a Pool and its
// `request`. This module loads only those, and attaches `request` to the dispatcher prototype as
// undici's index.js does (`Object.assign(Dispatcher.prototype, api)`; doing it again, should the
// entry point be loaded too, is harmless). undici declares no `exports` map, so these paths are
// reachable; their types are the entry point's (undici-parts.d.ts).
// They are loaded when the first pool is made (~40 ms of CPU), not when the CLI loads a command:
// a run that makes no call (validate, a plan refused before any read) never loads undici. The
// package is CommonJS, so `require` is synchronous.
const requireUndici = createRequire(import.meta.url);
let poolClass: typeof PoolClass | undefined;

function loadPool(): typeof PoolClass {
  if (!poolClass) {
    const api = requireUndici('undici/lib/api/api-request.js') as typeof request;
    const dispatcher = requireUndici('undici/lib/dispatcher/dispatcher.js') as typeof DispatcherClass;
    Object.assign(dispatcher.prototype, { request: api });
    poolClass = requireUndici('undici/lib/dispatcher/pool.js') as typeof PoolClass;
  }
  return poolClass;
}

export type Pool = InstanceType<typeof PoolClass>;

/** A connection pool to one origin (undici's Pool, loaded on first use). */
export function createPool(origin: string, options: ConstructorParameters<typeof PoolClass>[1]): Pool {
  const PoolOf = loadPool();
  return new PoolOf(origin, options);
}
