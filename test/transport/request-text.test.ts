import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_DEADLINE_CODE, CallDeadlineError } from '../../src/transport/call-deadline.js';
import { createPool, type Pool, requestText } from '../../src/transport/http-pool.js';

// A loopback server whose answer depends on the path: a JSON text, one with a UTF-8 byte order
// mark, headers and then a body that never ends, or nothing at all.
let server: Server;
let pool: Pool;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      if (req.url === '/echo') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, action: req.headers['x-tc-action'], body }));
      } else if (req.url === '/bom') {
        res.writeHead(404);
        res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"é":1}')]));
      } else if (req.url === '/drip') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":');
      }
      // '/silent': no answer.
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pool = createPool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 4 });
});

afterAll(async () => {
  await pool.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string) => ({
  path,
  method: 'POST' as const,
  headers: { 'content-type': 'application/json', 'x-tc-action': 'DescribeProxies' },
  body: Buffer.from('{"Limit":1}'),
});

describe('requestText', () => {
  it('sends the headers and body and reads the whole answer as text', async () => {
    const answer = await requestText(pool, post('/echo'), 5_000);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      method: 'POST',
      action: 'DescribeProxies',
      body: '{"Limit":1}',
    });
  });

  it('gives any status with its body, a byte order mark skipped', async () => {
    expect(await requestText(pool, post('/bom'), 5_000)).toEqual({ statusCode: 404, text: '{"é":1}' });
  });

  it('ends a call without headers at its deadline, saying the headers had not come', async () => {
    const e = await requestText(pool, post('/silent'), 150).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CallDeadlineError);
    expect(e).toMatchObject({ code: CALL_DEADLINE_CODE, phase: 'headers', ms: 150 });
  });

  it('ends a call whose body never finishes, saying the body was under way', async () => {
    const e = await requestText(pool, post('/drip'), 150).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: CALL_DEADLINE_CODE, phase: 'body' });
  });

  it("rejects with the signal's reason when the signal ends the call, before or during it", async () => {
    const before = AbortSignal.abort(new Error('cancelled before'));
    await expect(requestText(pool, post('/echo'), 5_000, before)).rejects.toThrow('cancelled before');
    const controller = new AbortController();
    const during = requestText(pool, post('/silent'), 5_000, controller.signal);
    setTimeout(() => controller.abort(new Error('cancelled during')), 50);
    await expect(during).rejects.toThrow('cancelled during');
  });
});
