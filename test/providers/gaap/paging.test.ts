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
    expect(server.requests.map((r) => [r.body.Offset, r.body.Limit])).toEqual([
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

  it('has one limit per paged action', () => {
    expect(PAGE_LIMITS).toMatchObject({
      DescribeProxies: 100,
      DescribeProxyGroupList: 100,
      DescribeRealServers: 50,
      DescribeRuleRealServers: 1000,
    });
  });
});
