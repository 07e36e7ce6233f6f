import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GaapClient } from '../../../src/providers/gaap/gaap-client.js';
import { listAll, PAGE_LIMITS } from '../../../src/providers/gaap/paging.js';
import { type RecordedRequest, startTestServer, type TestServer } from './test-server.js';

let server: TestServer | undefined;
let client: GaapClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
});

/** Serves `n` items of the list `field`, honouring Offset/Limit and enforcing the documented max. */
async function listServer(n: number, field: string, maxLimit: number, totalField = 'TotalCount') {
  server = await startTestServer((r: RecordedRequest) => {
    const offset = Number(r.body.Offset ?? 0);
    const limit = Number(r.body.Limit ?? 20);
    if (limit > maxLimit)
      return { response: { Error: { Code: 'InvalidParameterValue', Message: 'Limit too large' } } };
    const items = Array.from({ length: Math.max(0, Math.min(limit, n - offset)) }, (_, i) => ({
      Id: offset + i,
    }));
    return { response: { [totalField]: n, [field]: items } };
  });
  client = new GaapClient({
    credentials: { secretId: 'AKIDx', secretKey: 'k' },
    endpoint: server.url,
    rateLimitPerSecond: 10_000,
  });
  return { server, client };
}

describe('listAll', () => {
  it.each([
    0, 1, 99, 100, 101, 200, 250,
  ])('DescribeProxies with %i proxies takes ceil(N/100) calls (min 1)', async (n) => {
    const { server, client } = await listServer(n, 'ProxySet', 100);
    const items = await listAll(client, 'DescribeProxies', {}, 'ProxySet');
    expect(items).toHaveLength(n);
    expect(items.map((p) => (p as unknown as { Id: number }).Id)).toEqual(
      Array.from({ length: n }, (_, i) => i),
    );
    expect(server.requests).toHaveLength(Math.max(1, Math.ceil(n / 100)));
    expect(server.requests.every((r) => r.body.Limit === 100)).toBe(true);
  });

  it('uses each action’s own maximum page', async () => {
    const { server, client } = await listServer(120, 'RealServerSet', 50);
    await listAll(client, 'DescribeRealServers', { ProjectId: -1 }, 'RealServerSet');
    // The pages after the first go together: their arrival order is the sockets'.
    const pages = server.requests.map((r) => [Number(r.body.Offset), Number(r.body.Limit)]);
    expect(pages[0]).toEqual([0, 50]);
    expect(pages.sort((a, b) => a[0]! - b[0]!)).toEqual([
      [0, 50],
      [50, 50],
      [100, 50],
    ]);
    expect(server.requests[0]!.body.ProjectId).toBe(-1);
  });

  it('pages DescribeProxyGroupList (required Offset/Limit/ProjectId) at 100', async () => {
    const { server, client } = await listServer(100, 'ProxyGroupList', 100);
    const items = await listAll(client, 'DescribeProxyGroupList', { ProjectId: -1 }, 'ProxyGroupList');
    expect(items).toHaveLength(100);
    expect(server.requests).toHaveLength(1);
  });

  it('reads 1000 bound servers of a rule in one call, counting by BindRealServerTotalCount', async () => {
    const { server, client } = await listServer(1000, 'BindRealServerSet', 1000, 'BindRealServerTotalCount');
    const items = await listAll(client, 'DescribeRuleRealServers', { RuleId: 'rule-1' }, 'BindRealServerSet');
    expect(items).toHaveLength(1000);
    expect(server.requests).toHaveLength(1);
  });

  it('pages listeners at 20 (no documented maximum)', async () => {
    const { server, client } = await listServer(41, 'ListenerSet', 20);
    await listAll(client, 'DescribeTCPListeners', { ProxyId: 'link-1' }, 'ListenerSet');
    expect(server.requests).toHaveLength(3);
  });

  it('stops on an empty page even if TotalCount says more (list shrank mid-read)', async () => {
    server = await startTestServer((r) => ({
      response: {
        TotalCount: 500,
        CertificateSet: Number(r.body.Offset) === 0 ? [{ CertificateId: 'c' }] : [],
      },
    }));
    client = new GaapClient({ credentials: { secretId: 'AKIDx', secretKey: 'k' }, endpoint: server.url });
    const items = await listAll(client, 'DescribeCertificates', {}, 'CertificateSet');
    expect(items).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('asks for the pages after the first together, once the first tells how many there are', async () => {
    // 250 real servers, 50 a page, each answer 40 ms after its request: one after another, the
    // fifth page would be asked for 160 ms after the first answer.
    const arrivals: { offset: number; at: number }[] = [];
    const t0 = performance.now();
    const http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Offset: number; Limit: number };
        arrivals.push({ offset: body.Offset, at: performance.now() - t0 });
        const items = Array.from({ length: Math.min(body.Limit, 250 - body.Offset) }, (_, i) => ({
          RealServerId: `rs-${body.Offset + i}`,
        }));
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ Response: { RequestId: 'r', TotalCount: 250, RealServerSet: items } }));
        }, 40);
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    client = new GaapClient({
      credentials: { secretId: 'AKIDx', secretKey: 'k' },
      endpoint: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    });
    try {
      const items = await listAll(client, 'DescribeRealServers', { ProjectId: -1 }, 'RealServerSet');
      expect(items.map((r) => r.RealServerId)).toEqual(Array.from({ length: 250 }, (_, i) => `rs-${i}`));
      expect(arrivals.map((a) => a.offset).sort((a, b) => a - b)).toEqual([0, 50, 100, 150, 200]);
      const rest = arrivals.filter((a) => a.offset > 0).map((a) => a.at);
      // All four asked for after the first answer and before any of them could be answered.
      expect(Math.min(...rest)).toBeGreaterThanOrEqual(40);
      expect(Math.max(...rest) - Math.min(...rest)).toBeLessThan(40);
    } finally {
      await client.close();
      client = undefined;
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  it('hands each page to onPage as it is taken, after the later pages are asked for', async () => {
    const { client } = await listServer(250, 'ProxySet', 100);
    // The real client, its calls recorded in order (what was asked for when onPage ran).
    const asked: number[] = [];
    const recording = {
      call: ((action, params, o) => {
        asked.push(Number((params as { Offset: number }).Offset));
        return client.call(action, params, o);
      }) as GaapClient['call'],
    };
    const pages: { first: number; n: number; askedBefore: number }[] = [];
    const items = await listAll(recording, 'DescribeProxies', {}, 'ProxySet', {
      onPage: (batch) => {
        const ids = batch.map((p) => (p as unknown as { Id: number }).Id);
        pages.push({ first: ids[0]!, n: ids.length, askedBefore: asked.length });
      },
    });
    expect(items).toHaveLength(250);
    // Every item once, page by page; the first page only after pages 2 and 3 were asked for
    // (reads that onPage starts would otherwise go out ahead of them).
    expect(pages.map(({ first, n }) => [first, n])).toEqual([
      [0, 100],
      [100, 100],
      [200, 50],
    ]);
    expect(pages[0]!.askedBefore).toBe(3);
  });

  it('has one limit per paged action', () => {
    expect(PAGE_LIMITS).toMatchObject({
      DescribeProxies: 100,
      DescribeProxyGroupList: 100,
      DescribeRealServers: 50,
      DescribeRuleRealServers: 1000,
    });
  });
});
