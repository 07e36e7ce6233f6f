import { Agent } from 'node:http';
import { connect } from 'node:net';
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/gaap/v20180529/gaap_client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GaapHarness, SECRET_ID, SECRET_KEY, startGaap } from './gaap-test-client.js';

/**
 * NOTE: the SDK derives the credential-scope service from the endpoint's first label
 * (`endpoint.split('.')[0]`), so an endpoint of `127.0.0.1:PORT` would sign for service "127" and
 * can never verify. The client therefore keeps the real endpoint name (host and service exactly as
 * in production) and an http.Agent routes its connections to the emulator.
 */
function clientFor(h: GaapHarness, secretKey: string): Client {
  const agent = new Agent({ keepAlive: false });
  (agent as unknown as { createConnection: () => unknown }).createConnection = () =>
    connect(h.port, '127.0.0.1');
  return new Client({
    credential: { secretId: SECRET_ID, secretKey },
    region: 'ap-guangzhou',
    profile: {
      httpProfile: { endpoint: 'gaap.tencentcloudapi.com', protocol: 'http://', reqMethod: 'POST', agent },
    },
  });
}

describe('GAAP emulator with the official tencentcloud-sdk-nodejs client', () => {
  let h: GaapHarness;
  beforeAll(async () => {
    // The SDK signs with the real wall clock.
    h = await startGaap({ now: Date.now, asyncDelayMs: 200 });
  });
  afterAll(() => h.close());

  it('runs a proxy and TCP listener lifecycle without errors', async () => {
    const sdk = clientFor(h, SECRET_KEY);
    const created = await sdk.CreateProxy({
      ProjectId: 0,
      ProxyName: 'sdk-proxy',
      AccessRegion: 'SouthChina',
      RealServerRegion: 'NorthChina',
      Bandwidth: 10,
      Concurrent: 2,
      ClientToken: 'sdk-token-1',
    });
    const proxyId = created.InstanceId!;
    expect(proxyId).toMatch(/^link-[a-z0-9]{8}$/);

    let status = '';
    for (let i = 0; i < 50 && status !== 'RUNNING'; i++) {
      const d = await sdk.DescribeProxies({ ProxyIds: [proxyId] });
      status = d.ProxySet?.[0]?.Status ?? '';
      if (status !== 'RUNNING') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('RUNNING');

    const listeners = await sdk.CreateTCPListeners({
      ListenerName: 'tcp',
      Ports: [8080],
      Scheduler: 'rr',
      HealthCheck: 1,
      RealServerType: 'IP',
      ProxyId: proxyId,
      DelayLoop: 10,
      ConnectTimeout: 5,
    });
    const listenerId = listeners.ListenerIds![0]!;
    const described = await sdk.DescribeTCPListeners({ ProxyId: proxyId });
    expect(described.TotalCount).toBe(1);
    expect(described.ListenerSet?.[0]).toMatchObject({ ListenerId: listenerId, Port: 8080, DelayLoop: 10 });

    // Wait out the listener's creating phase before deleting it.
    await new Promise((r) => setTimeout(r, 250));
    const deleted = await sdk.DeleteListeners({ ListenerIds: [listenerId], Force: 0, ProxyId: proxyId });
    expect(deleted.OperationSucceedListenerSet).toEqual([listenerId]);
    const destroyed = await sdk.DestroyProxies({ ProxyIds: [proxyId], Force: 0 });
    expect(destroyed.InvalidStatusInstanceSet).toEqual([]);
  });

  it('fails with AuthFailure.SignatureFailure when signed with a wrong secret key', async () => {
    const sdk = clientFor(h, 'wrong-secret-key');
    await expect(sdk.DescribeProxies({})).rejects.toMatchObject({ code: 'AuthFailure.SignatureFailure' });
  });
});
