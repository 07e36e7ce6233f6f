import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/gaap/v20180529/gaap_client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GaapHarness, SECRET_ID, SECRET_KEY, startGaap } from './gaap-test-client.js';

const SESSION_TOKEN = 'sdk-session-token-1';

/**
 * The official SDK configured exactly as its README shows, with only the endpoint and protocol
 * changed to the emulator's plain `127.0.0.1:PORT` (README.md "Use the emulator from your own CI"
 * shows the same). The SDK signs for the credential-scope service `127` (the endpoint's first
 * label), which the emulator accepts for a non-tencentcloudapi.com Host.
 */
function sdkClient(
  port: number,
  credential: { secretId: string; secretKey: string; token?: string },
): Client {
  return new Client({
    credential,
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint: `127.0.0.1:${port}`, protocol: 'http://' } },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GAAP emulator with the official tencentcloud-sdk-nodejs client at 127.0.0.1:PORT', () => {
  let h: GaapHarness;
  beforeAll(async () => {
    // The SDK signs with the real wall clock.
    h = await startGaap({ now: Date.now, asyncDelayMs: 200, sessionToken: SESSION_TOKEN });
  });
  afterAll(() => h.close());

  async function lifecycle(sdk: Client, name: string) {
    const created = await sdk.CreateProxy({
      ProjectId: 0,
      ProxyName: name,
      AccessRegion: 'Guangzhou',
      RealServerRegion: 'Beijing',
      Bandwidth: 10,
      Concurrent: 2,
      ClientToken: `${name}-token`,
    });
    const proxyId = created.InstanceId!;
    expect(proxyId).toMatch(/^link-[a-z0-9]{8}$/);

    let status = '';
    for (let i = 0; i < 50 && status !== 'RUNNING'; i++) {
      const d = await sdk.DescribeProxies({ ProxyIds: [proxyId] });
      status = d.ProxySet?.[0]?.Status ?? '';
      if (status !== 'RUNNING') await sleep(50);
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
    const servers = await sdk.AddRealServers({
      ProjectId: 0,
      RealServerIP: ['10.9.0.1'],
      RealServerName: name,
    });
    const server = servers.RealServerSet![0]!;
    await sleep(250); // the listener's creating phase
    await sdk.BindListenerRealServers({
      ListenerId: listenerId,
      RealServerBindSet: [
        { RealServerId: server.RealServerId!, RealServerIP: server.RealServerIP!, RealServerPort: 80 },
      ],
    });

    const described = await sdk.DescribeTCPListeners({ ProxyId: proxyId });
    expect(described.TotalCount).toBe(1);
    expect(described.ListenerSet?.[0]).toMatchObject({ ListenerId: listenerId, Port: 8080, DelayLoop: 10 });
    const bound = await sdk.DescribeListenerRealServers({ ListenerId: listenerId });
    expect(bound.BindRealServerSet?.map((b) => b.RealServerId)).toEqual([server.RealServerId]);

    await sleep(250); // the binding phase
    const deleted = await sdk.DeleteListeners({ ListenerIds: [listenerId], Force: 1, ProxyId: proxyId });
    expect(deleted.OperationSucceedListenerSet).toEqual([listenerId]);
    const destroyed = await sdk.DestroyProxies({ ProxyIds: [proxyId], Force: 0 });
    expect(destroyed.InvalidStatusInstanceSet).toEqual([]);
    await sdk.RemoveRealServers({ RealServerIds: [server.RealServerId!] });
  }

  it('runs create proxy → RUNNING → listener → bind → describe → delete with long-term keys', async () => {
    await lifecycle(sdkClient(h.port, { secretId: SECRET_ID, secretKey: SECRET_KEY }), 'sdk-long-term');
  });

  it('runs the same with a temporary credential and its session token', async () => {
    const sdk = sdkClient(h.port, { secretId: SECRET_ID, secretKey: SECRET_KEY, token: SESSION_TOKEN });
    await lifecycle(sdk, 'sdk-temporary');
  });

  it('refuses a wrong session token with AuthFailure.TokenFailure', async () => {
    const sdk = sdkClient(h.port, { secretId: SECRET_ID, secretKey: SECRET_KEY, token: 'not-the-token' });
    await expect(sdk.DescribeProxies({})).rejects.toMatchObject({ code: 'AuthFailure.TokenFailure' });
  });

  it('fails with AuthFailure.SignatureFailure, saying what to check, when signed with a wrong key', async () => {
    const sdk = sdkClient(h.port, { secretId: SECRET_ID, secretKey: 'wrong-secret-key' });
    await expect(sdk.DescribeProxies({})).rejects.toMatchObject({
      code: 'AuthFailure.SignatureFailure',
      message: expect.stringContaining('edgeform emulator --help'),
    });
  });
});
