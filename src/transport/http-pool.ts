import api from 'undici/lib/api/index.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import PoolClass from 'undici/lib/dispatcher/pool.js';

// NOTE: start-up cost. undici's entry point loads every feature it has (fetch, WebSocket,
// EventSource, cookies, caches, mocks, proxy agents): ~200 ms of CPU on every run that makes a
// call, where edgeform uses one thing, a Pool and its `request`. This module loads only those,
// and attaches the request API to the dispatcher prototype exactly as undici's index.js does
// (`Object.assign(Dispatcher.prototype, api)`; doing it again is harmless). undici declares no
// `exports` map, so these paths are reachable; the types are the package's own (undici-parts.d.ts).
Object.assign(Dispatcher.prototype, api);

export const Pool = PoolClass;
export type Pool = InstanceType<typeof PoolClass>;
