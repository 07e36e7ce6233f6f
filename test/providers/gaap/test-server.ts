import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  headers: IncomingMessage['headers'];
  /** Exact body bytes received. */
  raw: Buffer;
  body: Record<string, unknown>;
  action: string;
}

/** What the handler answers: a GAAP `Response` object, a raw HTTP reply, or a dropped connection. */
export type Reply = { response: Record<string, unknown> } | { status: number; text: string } | 'drop';

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A tiny recording HTTP server on 127.0.0.1:0 standing in for GAAP in client tests. */
export async function startTestServer(
  handler: (req: RecordedRequest, index: number) => Reply,
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const rec: RecordedRequest = {
        method: req.method ?? '',
        headers: req.headers,
        raw,
        body: raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {},
        action: String(req.headers['x-tc-action'] ?? ''),
      };
      requests.push(rec);
      const reply = handler(rec, requests.length - 1);
      if (reply === 'drop') {
        req.socket.destroy();
        return;
      }
      if ('status' in reply) {
        res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.text);
        return;
      }
      const payload = { Response: { RequestId: `req-${requests.length}`, ...reply.response } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const apiError = (code: string, message = 'error'): Reply => ({
  response: { Error: { Code: code, Message: message } },
});
