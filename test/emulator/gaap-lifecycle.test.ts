import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_CERT, FAKE_KEY, type GaapHarness, startGaap } from './gaap-test-client.js';

const DELAY = 5_000;
const PROXY = {
  ProjectId: 0,
  ProxyName: 'p',
  AccessRegion: 'SouthChina',
  RealServerRegion: 'NorthChina',
  Bandwidth: 10,
  Concurrent: 2,
};
const TCP = { ListenerName: 'l', Ports: [80], Scheduler: 'rr', HealthCheck: 0, RealServerType: 'IP' };

describe('GAAP emulator: lifecycles (lazy, fake clock)', () => {
  let h: GaapHarness;
  beforeEach(async () => {
    h = await startGaap({ asyncDelayMs: DELAY });
  });
  afterEach(() => h.close());

  const proxyStatus = async (id: string) =>
    ((await h.ok('DescribeProxies', { ProxyIds: [id] })).ProxySet as { Status: string }[])[0]?.Status;
  const listener = async (id: string) =>
    ((await h.ok('DescribeTCPListeners', { ListenerId: id })).ListenerSet as { ListenerStatus: number }[])[0];
  const settle = () => h.clock.advance(DELAY);

  async function runningProxy(): Promise<string> {
    const id = (await h.ok('CreateProxy', PROXY)).InstanceId as string;
    settle();
    return id;
  }

  it('proxy: CREATING → RUNNING; listeners are refused until RUNNING', async () => {
    const id = (await h.ok('CreateProxy', PROXY)).InstanceId as string;
    expect(id).toMatch(/^link-[a-z0-9]{8}$/);
    expect(await proxyStatus(id)).toBe('CREATING');
    const early = await h.call('CreateTCPListeners', { ...TCP, ProxyId: id });
    expect(early.Error?.Code).toBe('FailedOperation.ProxyStatusNotInRuning');
    h.clock.advance(DELAY - 1);
    expect(await proxyStatus(id)).toBe('CREATING');
    h.clock.advance(1);
    expect(await proxyStatus(id)).toBe('RUNNING');
    expect((await h.call('CreateTCPListeners', { ...TCP, ProxyId: id })).Error).toBeUndefined();
  });

  it('proxy: ADJUSTING after ModifyProxyConfiguration, CLOSING/CLOSED, OPENING, DESTROYING then gone', async () => {
    const id = await runningProxy();
    await h.ok('ModifyProxyConfiguration', { ProxyId: id, Bandwidth: 20 });
    expect(await proxyStatus(id)).toBe('ADJUSTING');
    // ModifyProxyConfiguration documents no busy code: the plain FailedOperation it lists.
    expect((await h.call('ModifyProxyConfiguration', { ProxyId: id, Bandwidth: 50 })).Error?.Code).toBe(
      'FailedOperation',
    );
    settle();
    const closed = await h.ok('CloseProxies', { ProxyIds: [id] });
    expect(closed.InvalidStatusInstanceSet).toEqual([]);
    expect(await proxyStatus(id)).toBe('CLOSING');
    settle();
    expect(await proxyStatus(id)).toBe('CLOSED');
    // Closing again: not RUNNING, reported per proxy (partial success), not as an error.
    expect((await h.ok('CloseProxies', { ProxyIds: [id] })).InvalidStatusInstanceSet).toEqual([id]);
    await h.ok('OpenProxies', { ProxyIds: [id] });
    expect(await proxyStatus(id)).toBe('OPENING');
    settle();
    expect(await proxyStatus(id)).toBe('RUNNING');
    await h.ok('DestroyProxies', { ProxyIds: [id], Force: 0 });
    expect(await proxyStatus(id)).toBe('DESTROYING');
    settle();
    const after = await h.ok('DescribeProxies', { ProxyIds: [id] });
    expect(after.TotalCount).toBe(0);
    expect((await h.call('DescribeProxyDetail', { ProxyId: id })).Error?.Code).toBe('ResourceNotFound');
  });

  it('proxy group: CREATING → RUNNING, with one member proxy per access region', async () => {
    const g = await h.ok('CreateProxyGroup', {
      ProjectId: 0,
      GroupName: 'g',
      RealServerRegion: 'NorthChina',
      AccessRegionSet: [{ AccessRegion: 'SouthChina', Bandwidth: 10, Concurrent: 2 }],
    });
    const list = async () =>
      (await h.ok('DescribeProxyGroupList', { Offset: 0, Limit: 10, ProjectId: -1 })).ProxyGroupList as {
        Status: string;
      }[];
    expect((await list())[0]?.Status).toBe('CREATING');
    const detail = await h.ok('DescribeProxyGroupDetails', { GroupId: g.GroupId });
    expect((detail.ProxyGroupDetail as { Status: number }).Status).toBe(1);
    settle();
    expect((await list())[0]?.Status).toBe('RUNNING');
    const members = await h.ok('DescribeProxies', {
      Filters: [{ Name: 'GroupId', Values: [g.GroupId as string] }],
    });
    expect(members.TotalCount).toBe(1);
  });

  it('listener: 1 creating → 0, 4 after modify, 3 while binding; busy listeners answer ListenerHasTask', async () => {
    const proxyId = await runningProxy();
    const id = ((await h.ok('CreateTCPListeners', { ...TCP, ProxyId: proxyId })).ListenerIds as string[])[0]!;
    expect((await listener(id))?.ListenerStatus).toBe(1);
    expect(
      (await h.call('ModifyTCPListenerAttribute', { ListenerId: id, ProxyId: proxyId, ListenerName: 'x' }))
        .Error?.Code,
    ).toBe('FailedOperation.ListenerHasTask');
    settle();
    expect((await listener(id))?.ListenerStatus).toBe(0);
    await h.ok('ModifyTCPListenerAttribute', { ListenerId: id, ProxyId: proxyId, ListenerName: 'x' });
    expect((await listener(id))?.ListenerStatus).toBe(4);
    settle();
    const rs = (
      (await h.ok('AddRealServers', { ProjectId: 0, RealServerIP: ['10.0.0.1'], RealServerName: 'a' }))
        .RealServerSet as { RealServerId: string }[]
    )[0]!;
    await h.ok('BindListenerRealServers', {
      ListenerId: id,
      RealServerBindSet: [{ RealServerId: rs.RealServerId, RealServerIP: '10.0.0.1', RealServerPort: 8080 }],
    });
    expect((await listener(id))?.ListenerStatus).toBe(3);
    expect(
      (await h.call('BindListenerRealServers', { ListenerId: id, RealServerBindSet: [] })).Error?.Code,
    ).toBe('FailedOperation.ListenerHasTask');
    settle();
    expect((await listener(id))?.ListenerStatus).toBe(0);
  });

  it('layer 7: domain 1 → 0, rule 1 → 0, 3 on bind, 4 on modify, with the documented busy codes', async () => {
    const proxyId = await runningProxy();
    const listenerId = (await h.ok('CreateHTTPListener', { ListenerName: 'web', Port: 80, ProxyId: proxyId }))
      .ListenerId as string;
    settle();
    await h.ok('CreateDomain', { ListenerId: listenerId, Domain: 'a.example.com' });
    const domains = async () =>
      (await h.ok('DescribeRules', { ListenerId: listenerId })).DomainRuleSet as {
        DomainStatus: number;
        RuleSet: { RuleStatus: number }[];
      }[];
    expect((await domains())[0]?.DomainStatus).toBe(1);
    const rule = {
      ListenerId: listenerId,
      Domain: 'a.example.com',
      Path: '/',
      RealServerType: 'IP',
      Scheduler: 'rr',
      HealthCheck: 0,
    };
    // CreateRule does not list DomainStatusNotInRunning: the domain's change is a task on its listener.
    expect((await h.call('CreateRule', rule)).Error?.Code).toBe('FailedOperation.ListenerHasTask');
    settle();
    expect((await domains())[0]?.DomainStatus).toBe(0);
    const ruleId = (await h.ok('CreateRule', rule)).RuleId as string;
    expect(ruleId).toMatch(/^rule-[a-z0-9]{8}$/);
    expect((await domains())[0]?.RuleSet[0]?.RuleStatus).toBe(1);
    // ModifyRuleAttribute lists ListenerHasTask, not ActionIsDoing, for a rule in a transition.
    expect(
      (await h.call('ModifyRuleAttribute', { ListenerId: listenerId, RuleId: ruleId, Path: '/x' })).Error
        ?.Code,
    ).toBe('FailedOperation.ListenerHasTask');
    settle();
    await h.ok('BindRuleRealServers', { RuleId: ruleId });
    expect((await domains())[0]?.RuleSet[0]?.RuleStatus).toBe(3);
    settle();
    await h.ok('ModifyRuleAttribute', { ListenerId: listenerId, RuleId: ruleId, Path: '/x' });
    expect((await domains())[0]?.RuleSet[0]?.RuleStatus).toBe(4);
    settle();
    expect((await domains())[0]?.RuleSet[0]?.RuleStatus).toBe(0);
  });

  it('security policy: BINDING → BOUND with a task RUNNING → SUCCESS, then UNBINDING → UNBIND', async () => {
    const proxyId = await runningProxy();
    const policyId = (await h.ok('CreateSecurityPolicy', { DefaultAction: 'ACCEPT', ProxyId: proxyId }))
      .PolicyId as string;
    expect(policyId).toMatch(/^sp-[a-z0-9]{8}$/);
    const status = async () => (await h.ok('DescribeSecurityPolicyDetail', { PolicyId: policyId })).Status;
    expect(await status()).toBe('UNBIND');
    const open = await h.ok('OpenSecurityPolicy', { ProxyId: proxyId, PolicyId: policyId });
    expect(await status()).toBe('BINDING');
    expect((await h.ok('DescribeTaskStatus', { TaskId: open.TaskId })).Status).toBe('RUNNING');
    // The doc also calls the async call's RequestId a TaskId.
    expect((await h.ok('DescribeTaskStatus', { TaskId: open.RequestId })).Status).toBe('RUNNING');
    expect(
      (
        await h.call('CreateSecurityRules', {
          PolicyId: policyId,
          RuleList: [{ SourceCidr: '1.1.1.1', Action: 'DROP' }],
        })
      ).Error?.Code,
    ).toBe('FailedOperation.ProxySecurityPolicyOperating');
    settle();
    expect(await status()).toBe('BOUND');
    expect((await h.ok('DescribeTaskStatus', { TaskId: open.TaskId })).Status).toBe('SUCCESS');
    expect((await h.call('OpenSecurityPolicy', { PolicyId: policyId })).Error?.Code).toBe(
      'FailedOperation.ProxySecurityAlreadyOpen',
    );
    await h.ok('CloseSecurityPolicy', { PolicyId: policyId });
    expect(await status()).toBe('UNBINDING');
    settle();
    expect(await status()).toBe('UNBIND');
  });

  it('global DNS record: 2 creating → 1 running', async () => {
    const proxyId = await runningProxy();
    const domainId = (await h.ok('CreateGlobalDomain', { ProjectId: 0, DefaultValue: '1.1.1.1' }))
      .DomainId as string;
    await h.ok('CreateGlobalDomainDns', {
      DomainId: domainId,
      ProxyIdList: [proxyId],
      NationCountryInnerCodes: ['101001'],
    });
    const records = async () =>
      (await h.ok('DescribeGlobalDomainDns', { DomainId: domainId })).GlobalDnsList as {
        Status: number;
        DnsRecordId: number;
      }[];
    expect((await records())[0]?.Status).toBe(2);
    expect(Number.isInteger((await records())[0]?.DnsRecordId)).toBe(true);
    settle();
    expect((await records())[0]?.Status).toBe(1);
  });

  it('admin set-proxy-status holds a state until changed', async () => {
    const proxyId = await runningProxy();
    h.admin('set-proxy-status', { ProxyId: proxyId, Status: 'ISOLATED' });
    h.clock.advance(10 * DELAY);
    expect(await proxyStatus(proxyId)).toBe('ISOLATED');
    expect(
      (await h.call('CreateHTTPListener', { ListenerName: 'w', Port: 80, ProxyId: proxyId })).Error?.Code,
    ).toBe('FailedOperation.ProxyStatusNotInRuning');
    h.admin('set-proxy-status', { ProxyId: proxyId, Status: 'RUNNING' });
    expect(await proxyStatus(proxyId)).toBe('RUNNING');
  });

  it('HTTPS certificates: listener creation and status', async () => {
    const proxyId = await runningProxy();
    const cert = await h.ok('CreateCertificate', {
      CertificateType: 2,
      CertificateContent: FAKE_CERT,
      CertificateKey: FAKE_KEY,
    });
    const l = await h.ok('CreateHTTPSListener', {
      ListenerName: 's',
      Port: 443,
      ProxyId: proxyId,
      CertificateId: cert.CertificateId,
      ForwardProtocol: 'HTTP',
    });
    const set = async () =>
      (await h.ok('DescribeHTTPSListeners', { ListenerId: l.ListenerId })).ListenerSet as {
        ListenerStatus: number;
        CertificateId: string;
      }[];
    expect((await set())[0]).toMatchObject({ ListenerStatus: 1, CertificateId: cert.CertificateId });
    settle();
    expect((await set())[0]?.ListenerStatus).toBe(0);
  });
});
