import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatedApi, EmulatorRequest, EmulatorResponse, EmulatorStats } from './emulator-types.js';
import { redactSecret } from './secret-keeper.js';

export interface ServeOptions {
  host: string;
  port: number;
  latencyMs: number;
  faultRate: number;
  dropRate: number;
  dropAfterCommitRate: number;
  random: () => number;
  now: () => number;
  onMutated: () => void;
  log: (line: string) => void;
}

export interface ServedApi {
  url: string;
  server: Server;
  stats: EmulatorStats;
  resetStats(): void;
  close(): Promise<void>;
}

export function emptyStats(): EmulatorStats {
  return { requests: {}, total: 0, faults: 0, drops: 0, throttled: 0 };
}

/** A small deterministic PRNG (mulberry32) so a seeded fault pattern can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fixed-window counter per key, the way both vendors describe their limits. `windowMs` is already
 * scaled. Returns whether the call is allowed and the figures for the X-Ratelimit-* headers.
 */
export class FixedWindowLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly now: () => number,
  ) {}

  take(key: string): { allowed: boolean; remaining: number; resetInMs: number } {
    const t = this.now();
    let w = this.#windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      w = { start: t, count: 0 };
      this.#windows.set(key, w);
    }
    const resetInMs = Math.max(0, w.start + this.windowMs - t);
    if (w.count >= this.limit) return { allowed: false, remaining: 0, resetInMs };
    w.count++;
    return { allowed: true, remaining: this.limit - w.count, resetInMs };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Larger than any request either API takes (Tencent Cloud API 3.0 caps a request at 10 MB). A body
 * past it is refused with 413 as soon as its Content-Length or its bytes say so, never read whole.
 */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * After a 413 the client may still be sending: its bytes are read and dropped (never kept) so it
 * sees the answer instead of a connection reset, up to these bounds; then the socket is closed.
 */
const LINGER_MS = 5_000;
const LINGER_BYTES = 64 * 1024 * 1024;

/**
 * The request body, or undefined once a 413 was answered. NOTE: the body is read with 'data'
 * events, not `for await`: leaving that loop early destroys the request, and a socket destroyed
 * with unread bytes in it is reset — the client then sees ECONNRESET instead of the 413 (a body
 * sent without Content-Length, chunked, is only known to be too large while it arrives).
 */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const socket = req.socket;
    let refused = false;
    let dropped = 0;
    const refuse = () => {
      refused = true;
      const text = JSON.stringify({ error: `request body larger than ${MAX_BODY_BYTES} bytes` });
      res.writeHead(413, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
      resolve(undefined);
    };
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (refused) {
        dropped += c.length;
        if (dropped > LINGER_BYTES) socket.destroy();
        return;
      }
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        refuse();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!refused) reject(e);
    });
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) refuse();
  });
}

function send(res: ServerResponse, answer: EmulatorResponse): void {
  // Encoded once: its length and its bytes from one pass (a DescribeProxies of 100 proxies is
  // ~200 KB of text).
  const body = Buffer.from(
    typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body),
    'utf8',
  );
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  };
  if (answer.headers) Object.assign(headers, answer.headers);
  res.writeHead(answer.status, headers);
  res.end(body);
}

function drop(req: IncomingMessage, res: ServerResponse): void {
  res.socket?.destroy();
  req.socket.destroy();
}

/** Serves one emulated API with latency, fault injection, stats and admin endpoints. */
export async function serveApi(api: EmulatedApi, opts: ServeOptions): Promise<ServedApi> {
  let stats = emptyStats();
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req, res);
      if (!body) return;
      // Every SDK call is `POST /`: no URL to parse (an absolute-form target, dot segments or a
      // query string go through URL).
      const url = req.url === '/' ? undefined : new URL(req.url ?? '/', 'http://emulator');
      const request: EmulatorRequest = {
        method: req.method ?? 'GET',
        path: url ? url.pathname : '/',
        query: url ? url.searchParams : new URLSearchParams(),
        headers: req.headers,
        body,
        receivedAt: opts.now(),
      };
      if (request.path.startsWith('/_emulator/')) {
        send(
          res,
          adminAnswer(api, request, stats, () => {
            stats = emptyStats();
          }),
        );
        return;
      }
      if (opts.latencyMs > 0) await sleep(opts.latencyMs);
      if (opts.dropRate > 0 && opts.random() < opts.dropRate) {
        stats.drops++;
        drop(req, res);
        return;
      }
      if (opts.faultRate > 0 && opts.random() < opts.faultRate) {
        stats.faults++;
        send(res, api.faultResponse(request));
        return;
      }
      const op = api.operationOf(request);
      const result = await api.handle(request);
      // A throttled request was refused before any work: counted apart, so the per-operation
      // figures are the calls the API actually served (the economy measures).
      if (result.throttled) stats.throttled++;
      else {
        stats.requests[op] = (stats.requests[op] ?? 0) + 1;
        stats.total++;
      }
      if (result.mutated) {
        opts.onMutated();
        if (opts.dropAfterCommitRate > 0 && opts.random() < opts.dropAfterCommitRate) {
          stats.drops++;
          drop(req, res);
          return;
        }
      }
      send(res, result.response);
    } catch (e) {
      opts.log(`emulator ${api.name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) send(res, { status: 500, body: { error: 'emulator internal error' } });
    }
  });
  server.keepAliveTimeout = 5_000;
  // NOTE: a client behind an HTTP proxy setting (http_proxy, the SDK's httpProfile.proxy) may send
  // absolute-form requests (`POST http://host:port/`), which the handler above serves like any
  // other, or CONNECT to tunnel TLS, which a plain-HTTP emulator cannot: that is refused at once
  // with what to do, instead of leaving the client waiting.
  server.on('connect', (req, socket) => {
    const text = `The edgeform emulator speaks plain HTTP and is not a proxy: CONNECT ${req.url ?? ''} is refused. Point the client at http://${opts.host}:PORT directly (protocol http://), and exempt it from proxies (NO_PROXY=127.0.0.1,localhost).\n`;
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    get stats() {
      return stats;
    },
    resetStats: () => {
      stats = emptyStats();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function adminAnswer(
  api: EmulatedApi,
  req: EmulatorRequest,
  stats: EmulatorStats,
  reset: () => void,
): EmulatorResponse {
  const op = req.path.slice('/_emulator/'.length);
  if (op === 'stats' && req.method === 'GET') return { status: 200, body: stats };
  if (op === 'stats/reset' && req.method === 'POST') {
    reset();
    return { status: 200, body: { ok: true } };
  }
  if (op === 'state' && req.method === 'GET') {
    // Unauthenticated: secrets redacted (secret-keeper.ts).
    const state = api.snapshot();
    api.mapSecrets(state, redactSecret);
    return { status: 200, body: state };
  }
  const prefix = `${api.name}/`;
  if (req.method === 'POST' && op.startsWith(prefix) && api.admin) {
    const body = req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
    return { status: 200, body: api.admin(op.slice(prefix.length), body) ?? { ok: true } };
  }
  return { status: 404, body: { error: `unknown emulator admin endpoint ${op}` } };
}
