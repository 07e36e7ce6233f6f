import request from 'undici/lib/api/api-request.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import PoolClass from 'undici/lib/dispatcher/pool.js';

// NOTE: start-up cost. undici's entry point loads every feature it has (fetch, WebSocket,
// EventSource, cookies, caches, mocks, proxy agents, the stream/pipeline/upgrade APIs): ~200 ms
// of CPU on every run that makes a call, where edgeform uses one thing, a Pool and its
// `request`. This module loads only those, and attaches `request` to the dispatcher prototype as
// undici's index.js does (`Object.assign(Dispatcher.prototype, api)`; doing it again, should the
// entry point be loaded too, is harmless). undici declares no `exports` map, so these paths are
// reachable; their types are the entry point's (undici-parts.d.ts).
Object.assign(Dispatcher.prototype, { request });

export const Pool = PoolClass;
export type Pool = InstanceType<typeof PoolClass>;
