import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_CERT, FAKE_KEY, type GaapHarness, runningProxy, startGaap } from './gaap-test-client.js';

// Listeners of a proxy group (GroupId), as the GAAP documents describe them: TCP/UDP only, their
// origin port per listener (RealServerPorts, group listeners only), listed by GroupId, bound,
// deleted, and refused while the group is closed. HTTP/HTTPS are refused on a group and on the
// proxies of a group ("通道组通道暂时不支持HTTP/HTTPS监听器").

const DELAY = 1_000;

describe('GAAP emulator: listeners of a proxy group', () => {
  let h: GaapHarness;
  let group: string;
  let member: string;
  beforeEach(async () => {
    h = await startGaap({ asyncDelayMs: DELAY });
    group = (
      await h.ok('CreateProxyGroup', {
        ProjectId: 0,
        GroupName: 'g',
        RealServerRegion: 'NorthChina',
        AccessRegionSet: [{ AccessRegion: 'SouthChina', Bandwidth: 10, Concurrent: 2 }],
      })
    ).GroupId as string;
    h.clock.advance(DELAY);
    const members = await h.ok('DescribeProxies', { Filters: [{ Name: 'GroupId', Values: [group] }] });
    member = (members.ProxySet as { ProxyId: string }[])[0]!.ProxyId;
  });
  afterEach(() => h.close());

  const code = async (action: string, params: Record<string, unknown>) =>
    (await h.call(action, params)).Error?.Code;
  const TCP = { ListenerName: 'l', Scheduler: 'rr', HealthCheck: 0, RealServerType: 'IP' };

  it('creates TCP listeners with GroupId, each with its origin port, listed by GroupId only', async () => {
    const created = await h.ok('CreateTCPListeners', {
      ...TCP,
      GroupId: group,
      Ports: [80, 81],
      RealServerPorts: [8080, 8081],
    });
    const ids = created.ListenerIds as string[];
    expect(ids).toHaveLength(2);
    const listed = (await h.ok('DescribeTCPListeners', { GroupId: group })).ListenerSet as Record<
      string,
      unknown
    >[];
    expect(listed.map((l) => [l.ListenerId, l.Port, l.RealServerPort, l.GroupId, l.ProxyId])).toEqual([
      [ids[0], 80, 8080, group, ''],
      [ids[1], 81, 8081, group, ''],
    ]);
    // A member proxy does not list the group's listeners as its own.
    expect((await h.ok('DescribeTCPListeners', { ProxyId: member })).ListenerSet).toEqual([]);
    // Ports are unique per group and transport; a UDP listener may take the same number.
    expect(await code('CreateTCPListeners', { ...TCP, GroupId: group, Ports: [80] })).toBe(
      'InvalidParameterValue.DuplicatedListenerPort',
    );
    await h.ok('CreateUDPListeners', { ...TCP, GroupId: group, Ports: [80] });
  });

  it('takes RealServerPorts on group listeners only, one per port', async () => {
    const proxy = await runningProxy(h);
    h.clock.advance(DELAY);
    expect(
      await code('CreateTCPListeners', { ...TCP, ProxyId: proxy, Ports: [80], RealServerPorts: [8080] }),
    ).toBe('InvalidParameterValue');
    expect(
      await code('CreateTCPListeners', { ...TCP, GroupId: group, Ports: [80, 81], RealServerPorts: [8080] }),
    ).toBe('InvalidParameterValue');
  });

  it('binds, modifies and deletes a group listener with GroupId', async () => {
    const [id] = (await h.ok('CreateTCPListeners', { ...TCP, GroupId: group, Ports: [7000] }))
      .ListenerIds as string[];
    const rs = (
      (await h.ok('AddRealServers', { ProjectId: 0, RealServerIP: ['198.51.100.1'], RealServerName: 'o' }))
        .RealServerSet as { RealServerId: string }[]
    )[0]!.RealServerId;
    h.clock.advance(DELAY);
    await h.ok('BindListenerRealServers', {
      ListenerId: id,
      RealServerBindSet: [{ RealServerId: rs, RealServerIP: '198.51.100.1', RealServerPort: 7000 }],
    });
    h.clock.advance(DELAY);
    await h.ok('ModifyTCPListenerAttribute', { ListenerId: id, GroupId: group, Scheduler: 'lc' });
    // The listener is the group's: naming a proxy instead is refused.
    h.clock.advance(DELAY);
    expect(
      await code('ModifyTCPListenerAttribute', { ListenerId: id, ProxyId: member, Scheduler: 'rr' }),
    ).toBe('InvalidParameterValue');
    const [l] = (await h.ok('DescribeTCPListeners', { GroupId: group })).ListenerSet as Record<
      string,
      unknown
    >[];
    expect(l!.Scheduler).toBe('lc');
    expect((l!.RealServerSet as { RealServerId: string }[]).map((b) => b.RealServerId)).toEqual([rs]);
    const byProxy = await h.ok('DeleteListeners', { ListenerIds: [id], Force: 1, ProxyId: member });
    expect(byProxy.OperationFailedListenerSet).toEqual([id]);
    const del = await h.ok('DeleteListeners', { ListenerIds: [id], Force: 1, GroupId: group });
    expect(del.OperationSucceedListenerSet).toEqual([id]);
    expect((await h.ok('DescribeTCPListeners', { GroupId: group })).ListenerSet).toEqual([]);
  });

  it('refuses listener writes while the group is closed (GroupStatusNotInRuning)', async () => {
    const [id] = (await h.ok('CreateTCPListeners', { ...TCP, GroupId: group, Ports: [7000] }))
      .ListenerIds as string[];
    h.clock.advance(DELAY);
    await h.ok('CloseProxyGroup', { GroupId: group });
    h.clock.advance(DELAY);
    expect(
      await code('ModifyTCPListenerAttribute', { ListenerId: id, GroupId: group, Scheduler: 'lc' }),
    ).toBe('FailedOperation.GroupStatusNotInRuning');
    expect(await code('CreateUDPListeners', { ...TCP, GroupId: group, Ports: [53] })).toBe(
      'FailedOperation.GroupStatusNotInRuning',
    );
  });

  it('refuses HTTP and HTTPS listeners on a group and on a proxy of a group (NotSupportProxyGroup)', async () => {
    const cert = (
      await h.ok('CreateCertificate', {
        CertificateType: 2,
        CertificateContent: FAKE_CERT,
        CertificateKey: FAKE_KEY,
        CertificateAlias: 'c',
      })
    ).CertificateId as string;
    const https = { ListenerName: 'h', Port: 443, CertificateId: cert, ForwardProtocol: 'HTTP' };
    for (const parent of [{ GroupId: group }, { ProxyId: member }]) {
      expect(await code('CreateHTTPListener', { ListenerName: 'h', Port: 80, ...parent })).toBe(
        'FailedOperation.NotSupportProxyGroup',
      );
      // CreateHTTPSListener does not document NotSupportProxyGroup: its parent code answers.
      expect(await code('CreateHTTPSListener', { ...https, ...parent })).toBe('FailedOperation');
    }
    // A proxy outside any group takes them, and a member proxy takes TCP.
    const proxy = await runningProxy(h);
    h.clock.advance(DELAY);
    await h.ok('CreateHTTPListener', { ListenerName: 'h', Port: 80, ProxyId: proxy });
    await h.ok('CreateTCPListeners', { ...TCP, ProxyId: member, Ports: [80] });
  });
});
