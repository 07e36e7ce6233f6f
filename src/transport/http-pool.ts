import { createRequire } from 'node:module';
import type request from 'undici/lib/api/api-request.js';
import type DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import type PoolClass from 'undici/lib/dispatcher/pool.js';
import { CallDeadlineError } from './call-deadline.js';

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

/** What `requestText` gives back: the status and the whole body, decoded as UTF-8. */
export interface TextAnswer {
  statusCode: number;
  text: string;
}

/** One request of `requestText`: undici's dispatch options (headers as an object, body bytes). */
export interface TextRequest {
  path: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: Uint8Array;
}

/**
 * One request whose answer is read whole as text, under a total deadline (`callMs`, as
 * `withCallDeadline`: a CallDeadlineError saying whether the headers had come) and an outer
 * signal (Ctrl-C, a run limit). It rejects with the deadline's error or the signal's reason when
 * either ends it, otherwise with undici's error.
 *
 * NOTE: CPU per call. This is the client's hot path (every GAAP call, ~5,000 in a 200-proxy
 * apply). undici's `request` wraps a call in a handler, a Readable body stream and an abort
 * signal's listeners, and `withCallDeadline` adds an AbortController (and `AbortSignal.any`):
 * here a dispatch handler of undici's own (the one its `request` is built on, so no adapter)
 * collects the chunks, and the deadline and the signal abort the dispatch directly.
 */
export function requestText(
  pool: Pool,
  req: TextRequest,
  callMs: number,
  signal?: AbortSignal,
): Promise<TextAnswer> {
  return new Promise((resolve, reject) => {
    let abort: ((err: Error) => void) | undefined;
    let reason: Error | undefined;
    let headersCame = false;
    let statusCode = 0;
    const chunks: Buffer[] = [];
    let length = 0;
    const stop = (err: Error) => {
      if (reason) return;
      reason = err;
      // Before the dispatch started, the reason is given to it when it does (onConnect).
      abort?.(err);
    };
    const timer = setTimeout(
      () => stop(new CallDeadlineError(callMs, headersCame ? 'body' : 'headers')),
      callMs,
    );
    const onAbort = () => stop(signal?.reason instanceof Error ? signal.reason : abortError());
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    pool.dispatch(
      { path: req.path, method: req.method, headers: req.headers, body: req.body ?? null },
      {
        onConnect(a: (err?: Error) => void) {
          if (reason) a(reason);
          else abort = a;
        },
        onHeaders(status: number) {
          // 1xx informational answers come first and are skipped, as undici's request does.
          if (status < 200) return true;
          statusCode = status;
          headersCame = true;
          return true;
        },
        onData(chunk: Buffer) {
          chunks.push(chunk);
          length += chunk.length;
          return true;
        },
        onComplete() {
          done();
          if (reason) reject(reason);
          else resolve({ statusCode, text: decodeUtf8(chunks, length) });
        },
        onError(err: Error) {
          done();
          reject(reason ?? err);
        },
      },
    );
  });
}

/** The body as text, a UTF-8 byte order mark skipped (as undici's `body.text()`). */
function decodeUtf8(chunks: Buffer[], length: number): string {
  if (length === 0) return '';
  const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  const start = buf.length > 2 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  return buf.toString('utf8', start);
}

function abortError(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}
