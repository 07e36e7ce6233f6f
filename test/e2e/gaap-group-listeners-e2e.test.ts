import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, scratchDir, writeYaml } from './cli-harness.js';
import {
  applyAndConverge as converge,
  gaapSuite,
  type PlanJson,
  planJson as planStack,
} from './gaap-suite.js';

// Listeners on a proxy group (CreateTCPListeners / CreateUDPListeners with GroupId), through the
// built CLI against the emulator: created, re-planned to `No changes.`, changed in place, replaced,
// drifted by hand and found, exported, refused where GAAP refuses them, and destroyed.
const suite = gaapSuite();

interface Shape {
  /** The group's listeners, as YAML list items (each a flow mapping), or undefined for none. */
  listeners?: string[];
  enabled?: boolean;
}

const TCP = '{ protocol: TCP, port: 7000, realServers: [{ realServer: origin-a, port: 7000 }] }';
const UDP =
  '{ protocol: UDP, ports: [5000, 5001], realServers: [{ realServer: origin-a, port: 5000 }, { realServer: origin-b, port: 5000 }] }';

const stack = (s: Shape) => `version: 1
stack: group-listeners-e2e
gaap:
  realServers:
    origin-a: { address: 198.51.100.81 }
    origin-b: { address: 198.51.100.82 }
  proxyGroups:
    pool:
      realServerRegion: NorthAmerica
      accessRegions: [{ region: SouthChina, bandwidth: 10, concurrent: 2 }]
      enabled: ${s.enabled ?? true}
${s.listeners ? `      listeners:\n${s.listeners.map((l) => `        - ${l}`).join('\n')}\n` : ''}`;

const TCP_7000 = 'gaap.proxy_group["pool"].listener["TCP:7000"]';

describe('listeners on a proxy group', () => {
  const dir = scratchDir('edgeform-group-listeners-');

  const planJson = (s: Shape): Promise<PlanJson> => planStack(suite, dir, stack(s));
  const applyAndConverge = () => converge(suite, dir);
  const groupId = async () => {
    const groups = await suite.client.call('DescribeProxyGroupList', {
      ProjectId: -1,
      TagSet: [{ TagKey: 'edgeform:name', TagValue: 'pool' }],
      Limit: 100,
      Offset: 0,
    });
    return groups.ProxyGroupList![0]!.GroupId;
  };
  const groupListeners = async (protocol: 'TCP' | 'UDP') => {
    const GroupId = await groupId();
    const action = protocol === 'TCP' ? 'DescribeTCPListeners' : 'DescribeUDPListeners';
    return (await suite.client.call(action, { GroupId, Limit: 100, Offset: 0 })).ListenerSet!;
  };
  const writes = () => Object.keys(suite.emulator.stats().gaap.requests).filter((a) => !/^Describe/.test(a));

  let current: Shape = { listeners: [TCP, UDP] };

  it('creates the group listeners with GroupId, then re-plans to No changes.', async () => {
    const plan = await planJson(current);
    const creates = plan.steps.filter((s) => /^Create(TCP|UDP)Listeners$/.test(s.action));
    // The two UDP ports declared together are one batch call.
    expect(creates.map((s) => s.action).sort()).toEqual(['CreateTCPListeners', 'CreateUDPListeners']);
    expect(plan.changes.filter((c) => c.kind === 'create').map((c) => c.address)).toEqual(
      expect.arrayContaining([
        TCP_7000,
        'gaap.proxy_group["pool"].listener["UDP:5000"]',
        'gaap.proxy_group["pool"].listener["UDP:5001"]',
      ]),
    );
    await applyAndConverge();
    const GroupId = await groupId();
    const tcp = await groupListeners('TCP');
    expect(tcp.map((l) => [l.Port, l.GroupId, l.ProxyId])).toEqual([[7000, GroupId, '']]);
    expect(tcp[0]!.RealServerSet!.map((b) => [b.RealServerIP, b.RealServerPort])).toEqual([
      ['198.51.100.81', 7000],
    ]);
    const udp = await groupListeners('UDP');
    expect(udp.map((l) => l.Port).sort()).toEqual([5000, 5001]);
    for (const l of udp) expect(l.RealServerSet!.length).toBe(2);
    // The group's proxies do not list the group's listeners as their own.
    const members = await suite.client.call('DescribeProxies', {
      Filters: [{ Name: 'GroupId', Values: [GroupId] }],
      Limit: 100,
      Offset: 0,
    });
    for (const p of members.ProxySet!) {
      const own = await suite.client.call('DescribeTCPListeners', {
        ProxyId: p.ProxyId,
        Limit: 100,
        Offset: 0,
      });
      expect(own.ListenerSet).toEqual([]);
    }
    // The group's HTTP/3 support is read-only (deprecated at create, on for IPv4): an output.
    const outputs = await runCli(['outputs', '--format', 'json'], { cwd: dir, env: suite.env });
    expect(outputs.exitCode, outputs.stderr).toBe(0);
    const pool = (
      JSON.parse(outputs.stdout) as { outputs: { address: string; values: Record<string, unknown> }[] }
    ).outputs.find((o) => o.address === 'gaap.proxy_group["pool"]');
    expect(pool?.values).toEqual({ id: GroupId, accessDomain: `${GroupId}.gaapqcloud.com`, http3: true });
  });

  it('changes a group listener in place (ModifyTCPListenerAttribute, BindListenerRealServers with GroupId)', async () => {
    const next: Shape = {
      listeners: [
        '{ protocol: TCP, port: 7000, name: pool-tcp, scheduler: lc, realServers: [{ realServer: origin-b, port: 7001 }] }',
        UDP,
      ],
    };
    const plan = await planJson(next);
    const changes = plan.changes.filter((c) => c.kind !== 'no-op');
    expect(changes.map((c) => [c.address, c.kind])).toEqual([[TCP_7000, 'update']]);
    expect(changes[0]!.attributes.map((a) => a.path).sort()).toEqual(['name', 'realServers', 'scheduler']);
    expect(plan.steps.map((s) => s.action).sort()).toEqual([
      'BindListenerRealServers',
      'ModifyTCPListenerAttribute',
    ]);
    suite.emulator.resetStats();
    await applyAndConverge();
    expect(writes().sort()).toEqual(['BindListenerRealServers', 'ModifyTCPListenerAttribute']);
    const [tcp] = await groupListeners('TCP');
    expect([tcp!.ListenerName, tcp!.Scheduler]).toEqual(['pool-tcp', 'lc']);
    expect(tcp!.RealServerSet!.map((b) => [b.RealServerIP, b.RealServerPort])).toEqual([
      ['198.51.100.82', 7001],
    ]);
    current = next;
  });

  it('finds a group listener changed by hand as drift (exit 2), and apply puts it back', async () => {
    const [tcp] = await groupListeners('TCP');
    await suite.client.call('ModifyTCPListenerAttribute', {
      ListenerId: tcp!.ListenerId,
      GroupId: await groupId(),
      Scheduler: 'rr',
    });
    // The listener is busy for a moment after the write; drift reports busy objects, not drift.
    await new Promise((r) => setTimeout(r, 1000));
    const drift = await runCli(['drift', '--format', 'json'], { cwd: dir, env: suite.env });
    expect(drift.exitCode, drift.stderr).toBe(2);
    const report = JSON.parse(drift.stdout) as {
      drifted: { address: string; fields: { path: string; live?: unknown; desired?: unknown }[] }[];
    };
    expect(report.drifted).toEqual([
      expect.objectContaining({
        address: TCP_7000,
        fields: [{ path: 'scheduler', live: 'rr', desired: 'lc' }],
      }),
    ]);
    await applyAndConverge();
    expect((await groupListeners('TCP'))[0]!.Scheduler).toBe('lc');
  });

  it('export --gaap writes the group listeners back, and the exported file plans to No changes.', async () => {
    const r = await runCli(['export', '--gaap', '--stack', 'group-listeners-e2e', '-o', 'exported.yaml'], {
      cwd: dir,
      env: suite.env,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const pool = parse(readFileSync(join(dir, 'exported.yaml'), 'utf8')).gaap.proxyGroups.pool;
    expect(pool.listeners).toEqual([
      {
        protocol: 'TCP',
        port: 7000,
        name: 'pool-tcp',
        scheduler: 'lc',
        realServers: [{ realServer: 'origin-b', port: 7001 }],
      },
      {
        protocol: 'UDP',
        port: 5000,
        realServers: [
          { realServer: 'origin-a', port: 5000 },
          { realServer: 'origin-b', port: 5000 },
        ],
      },
      {
        protocol: 'UDP',
        port: 5001,
        name: 'udp-5000',
        realServers: [
          { realServer: 'origin-a', port: 5000 },
          { realServer: 'origin-b', port: 5000 },
        ],
      },
    ]);
    const replan = await runCli(['plan', '--detailed-exitcode', '-f', 'exported.yaml'], {
      cwd: dir,
      env: suite.env,
    });
    expect(replan.exitCode, replan.stdout + replan.stderr).toBe(0);
    expect(replan.stdout).toContain('No changes.');
  });

  it('a new port replaces the listener (delete first: the port is its identity)', async () => {
    const next: Shape = {
      listeners: ['{ protocol: TCP, port: 7100, realServers: [{ realServer: origin-a, port: 7000 }] }', UDP],
    };
    const plan = await planJson(next);
    const changes = plan.changes.filter((c) => c.kind !== 'no-op');
    expect(Object.fromEntries(changes.map((c) => [c.address, c.kind]))).toEqual({
      [TCP_7000]: 'delete',
      'gaap.proxy_group["pool"].listener["TCP:7100"]': 'create',
    });
    await applyAndConverge();
    expect((await groupListeners('TCP')).map((l) => l.Port)).toEqual([7100]);
    current = next;
  });

  it('HTTP and HTTPS listeners on a group are refused at validate, located, with no call made', async () => {
    writeYaml(
      dir,
      'edgeform.yaml',
      stack({ listeners: [...current.listeners!, '{ protocol: HTTP, port: 80, domains: [] }'] }),
    );
    suite.emulator.resetStats();
    const r = await runCli(['plan'], { cwd: dir, env: suite.env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/edgeform\.yaml:\d+:\d+/);
    expect(r.stderr).toContain('protocol');
    expect(r.stderr).toContain('GAAP does not support HTTP/HTTPS listeners on proxy groups');
    expect(Object.keys(suite.emulator.stats().gaap.requests)).toEqual([]);
  });

  it('a change to a listener of a group that stays closed fails the plan, located, before any write', async () => {
    const closed: Shape = { ...current, enabled: false };
    const plan = await planJson(closed);
    expect(plan.steps.map((s) => s.action)).toEqual(['CloseProxyGroup']);
    await applyAndConverge();
    current = closed;
    writeYaml(
      dir,
      'edgeform.yaml',
      stack({ ...closed, listeners: ['{ protocol: TCP, port: 7100, scheduler: lc, realServers: [] }', UDP] }),
    );
    suite.emulator.resetStats();
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir, env: suite.env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error[GAAP_PARENT_CLOSED]');
    expect(r.stderr).toMatch(/edgeform\.yaml:\d+:\d+ gaap\.proxy_group\["pool"\] is closed/);
    expect(r.stderr).toContain('listener["TCP:7100"]');
    expect(writes()).toEqual([]);
  });

  it('opening the group orders the listener changes after OpenProxyGroup', async () => {
    const next: Shape = {
      listeners: ['{ protocol: TCP, port: 7100, scheduler: lc, realServers: [] }', UDP],
      enabled: true,
    };
    const plan = await planJson(next);
    const open = plan.steps.find((s) => s.action === 'OpenProxyGroup')!;
    const modify = plan.steps.find((s) => s.action === 'ModifyTCPListenerAttribute')!;
    expect(modify.dependsOn).toContain(open.id);
    await applyAndConverge();
    const [tcp] = await groupListeners('TCP');
    expect([tcp!.Scheduler, tcp!.RealServerSet]).toEqual(['lc', []]);
    current = next;
  });

  it('removing the listeners deletes them (DeleteListeners with GroupId); destroying the group takes none apart', async () => {
    const plan = await planJson({ listeners: [UDP] });
    expect(plan.steps.map((s) => s.action)).toEqual(['DeleteListeners']);
    await applyAndConverge();
    expect(await groupListeners('TCP')).toEqual([]);
    // A group deleted with its listeners: DeleteProxyGroup Force=1 takes them with it.
    writeYaml(dir, 'edgeform.yaml', 'version: 1\nstack: group-listeners-e2e\ngaap: {}\n');
    const destroy = await runCli(['plan', '--format', 'json'], { cwd: dir, env: suite.env });
    expect(destroy.exitCode, destroy.stderr).toBe(0);
    const actions = (JSON.parse(destroy.stdout) as PlanJson).steps.map((s) => s.action);
    expect(actions).toContain('DeleteProxyGroup');
    expect(actions).not.toContain('DeleteListeners');
    await applyAndConverge();
  });

  it('a new group declared closed gets its listeners before CloseProxyGroup, and converges', async () => {
    const plan = await planJson({ listeners: [TCP, UDP], enabled: false });
    const close = plan.steps.find((s) => s.action === 'CloseProxyGroup')!;
    const creates = plan.steps.filter((s) =>
      /^Create(TCP|UDP)Listeners$|^BindListenerRealServers$/.test(s.action),
    );
    // TCP: create + bind; UDP: one batch create for both ports + a bind each.
    expect(creates).toHaveLength(5);
    for (const s of creates) expect(close.dependsOn).toContain(s.id);
    await applyAndConverge();
    expect((await groupListeners('TCP')).map((l) => l.Port)).toEqual([7000]);
    const id = await groupId();
    const groups = await suite.client.call('DescribeProxyGroupList', {
      ProjectId: -1,
      Limit: 100,
      Offset: 0,
    });
    expect(groups.ProxyGroupList!.find((g) => g.GroupId === id)?.Status).toBe('CLOSED');
  });
});

describe('a hand-made proxy group with a listener of its own', () => {
  it('is exported with --adopt, its listener inside it, and plans to No changes.', async () => {
    const dir = scratchDir('edgeform-group-listeners-adopt-');
    const { client } = suite;
    const GroupId = (
      await client.call('CreateProxyGroup', {
        ProjectId: 0,
        GroupName: 'Hand Pool',
        RealServerRegion: 'NorthAmerica',
        AccessRegionSet: [{ AccessRegion: 'SouthChina', Bandwidth: 10, Concurrent: 2 }],
      })
    ).GroupId;
    const status = async () =>
      (
        await client.call('DescribeProxyGroupList', { ProjectId: -1, Limit: 100, Offset: 0 })
      ).ProxyGroupList!.find((g) => g.GroupId === GroupId)?.Status;
    for (let i = 0; i < 100 && (await status()) !== 'RUNNING'; i++)
      await new Promise((r) => setTimeout(r, 100));
    const [rs] = (
      await client.call('AddRealServers', {
        ProjectId: 0,
        RealServerIP: ['198.51.100.90'],
        RealServerName: 'hand-origin',
      })
    ).RealServerSet;
    const [ListenerId] = (
      await client.call('CreateTCPListeners', {
        GroupId,
        ListenerName: 'hand-tcp',
        Ports: [9000],
        Scheduler: 'rr',
        HealthCheck: 0,
        RealServerType: 'IP',
      })
    ).ListenerIds;
    await new Promise((r) => setTimeout(r, 500));
    await client.call('BindListenerRealServers', {
      ListenerId: ListenerId!,
      RealServerBindSet: [
        { RealServerId: rs!.RealServerId, RealServerIP: '198.51.100.90', RealServerPort: 9000 },
      ],
    });
    await new Promise((r) => setTimeout(r, 500));
    const exported = await runCli(
      ['export', '--gaap', '--adopt', '--stack', 'hand-pool', '-o', 'edgeform.yaml'],
      {
        cwd: dir,
        env: suite.env,
      },
    );
    expect(exported.exitCode, exported.stderr).toBe(0);
    const doc = parse(readFileSync(join(dir, 'edgeform.yaml'), 'utf8'));
    expect(doc.gaap.proxyGroups['hand-pool']).toMatchObject({
      adopt: GroupId,
      listeners: [
        {
          protocol: 'TCP',
          port: 9000,
          name: 'hand-tcp',
          realServers: [{ realServer: expect.any(String), port: 9000 }],
        },
      ],
    });
    const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: suite.env });
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes.');
  });
});
