import { mkdirSync, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/gaap/v20180529/gaap_client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { emulatorEnv, ROOT, runCli, scratchDir, writeYaml } from './cli-harness.js';

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
let sdk: Client;

/** The official SDK, signing for the real host; an agent routes its connections to the emulator. */
function sdkClient(url: string): Client {
  const agent = new Agent({ keepAlive: false });
  (agent as unknown as { createConnection: () => unknown }).createConnection = () =>
    connect(Number(new URL(url).port), '127.0.0.1');
  return new Client({
    credential: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
    region: 'ap-guangzhou',
    profile: {
      httpProfile: { endpoint: 'gaap.tencentcloudapi.com', protocol: 'http://', reqMethod: 'POST', agent },
    },
  });
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

const CERT = readFileSync(join(ROOT, 'examples', 'certs', 'example.crt'), 'utf8');
const KEY = readFileSync(join(ROOT, 'examples', 'certs', 'example.key'), 'utf8');

/** A server certificate made through the SDK, as a console user makes one; its ID. */
async function sdkCertificate(alias: string): Promise<string> {
  const made = await sdk.CreateCertificate({
    CertificateType: 2,
    CertificateContent: encodeURIComponent(CERT),
    CertificateKey: encodeURIComponent(KEY),
    CertificateAlias: alias,
  });
  return made.CertificateId!;
}

beforeAll(async () => {
  emulator = await startEmulator({ asyncDelayMs: 100, rateWindowScale: 0.1 });
  env = emulatorEnv(emulator, 0.1);
  sdk = sdkClient(emulator.gaap);
});
afterAll(async () => {
  await emulator.close();
});

const proxyCount = async () => (await sdk.DescribeProxies({ Limit: 100 })).TotalCount;

/** The GAAP and Tag API calls served since the last resetStats that are not reads. */
function writes(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(emulator.stats().gaap.requests).filter(
      ([action]) => !/^(Describe|Check|Inquiry|GetResources)/.test(action),
    ),
  );
}

describe('adoption of a hand-made (untagged) estate', () => {
  const dir = scratchDir('edgeform-adopt-');
  let proxyId = '';

  it('builds the estate with the official SDK: proxy, listeners, domain, rule, certificate, policy, real servers', async () => {
    const rs = await sdk.AddRealServers({
      RealServerIP: ['198.51.100.90', '198.51.100.91'],
      RealServerName: 'hand',
      ProjectId: 0,
    });
    const [rs1, rs2] = rs.RealServerSet!.map((x) => x.RealServerId!);
    proxyId = (
      await sdk.CreateProxy({
        ProjectId: 0,
        ProxyName: 'Hand Made',
        AccessRegion: 'SouthChina',
        RealServerRegion: 'NorthAmerica',
        Bandwidth: 10,
        Concurrent: 2,
        ClientToken: 'hand-made-1',
      })
    ).InstanceId!;
    await until(
      () => sdk.DescribeProxies({ ProxyIds: [proxyId] }),
      (d) => d.ProxySet?.[0]?.Status === 'RUNNING',
    );
    const tcp = (
      await sdk.CreateTCPListeners({
        ListenerName: 'game',
        Ports: [7000],
        Scheduler: 'rr',
        HealthCheck: 0,
        RealServerType: 'IP',
        ProxyId: proxyId,
      })
    ).ListenerIds![0]!;
    await until(
      () => sdk.DescribeTCPListeners({ ProxyId: proxyId, ListenerId: tcp }),
      (d) => d.ListenerSet?.[0]?.ListenerStatus === 0,
    );
    await sdk.BindListenerRealServers({
      ListenerId: tcp,
      RealServerBindSet: [
        { RealServerId: rs1!, RealServerIP: '198.51.100.90', RealServerPort: 7000, RealServerWeight: 1 },
      ],
    });
    const cert = await sdkCertificate('site-cert');
    const https = (
      await sdk.CreateHTTPSListener({
        ListenerName: 'web',
        Port: 443,
        ForwardProtocol: 'HTTP',
        ProxyId: proxyId,
        CertificateId: cert,
        AuthType: 0,
      })
    ).ListenerId!;
    await until(
      () => sdk.DescribeHTTPSListeners({ ProxyId: proxyId, ListenerId: https }),
      (d) => d.ListenerSet?.[0]?.ListenerStatus === 0,
    );
    await sdk.CreateDomain({ ListenerId: https, Domain: 'www.example.com' });
    await until(
      () => sdk.DescribeRules({ ListenerId: https }),
      (d) => d.DomainRuleSet?.[0]?.DomainStatus === 0,
    );
    const rule = (
      await sdk.CreateRule({
        ListenerId: https,
        Domain: 'www.example.com',
        Path: '/api',
        RealServerType: 'IP',
        Scheduler: 'rr',
        HealthCheck: 0,
        CheckParams: { DelayLoop: 5, ConnectTimeout: 2, Path: '/', Method: 'GET', StatusCode: [200] },
      })
    ).RuleId!;
    await until(
      () => sdk.DescribeRules({ ListenerId: https }),
      (d) => d.DomainRuleSet?.[0]?.RuleSet?.[0]?.RuleStatus === 0,
    );
    await sdk.BindRuleRealServers({
      RuleId: rule,
      RealServerBindSet: [
        { RealServerId: rs2!, RealServerIP: '198.51.100.91', RealServerPort: 8080, RealServerWeight: 1 },
      ],
    });
    const policy = (await sdk.CreateSecurityPolicy({ ProxyId: proxyId, DefaultAction: 'ACCEPT' })).PolicyId!;
    await sdk.CreateSecurityRules({
      PolicyId: policy,
      RuleList: [
        {
          SourceCidr: '192.0.2.0/24',
          Action: 'DROP',
          AliasName: 'block',
          Protocol: 'ALL',
          DestPortRange: 'ALL',
        },
      ],
    });
    await sdk.OpenSecurityPolicy({ ProxyId: proxyId, PolicyId: policy });
    expect(await proxyCount()).toBe(1);
  });

  it('a hand-written declaration that would create a second proxy warns and names `adopt:`', async () => {
    writeYaml(
      dir,
      'handwritten.yaml',
      `version: 1
stack: adopted
gaap:
  proxies:
    web:
      name: Hand Made
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
`,
    );
    const plan = await runCli(['plan', '-f', 'handwritten.yaml'], { cwd: dir, env });
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout + plan.stderr).toContain(
      `will create a new proxy named Hand Made, but one exists that no stack owns (${proxyId}); to manage it instead, add \`adopt: ${proxyId}\` to gaap.proxies.web`,
    );
  });

  it(
    'export --gaap --adopt writes bindings and tags; the file plans to No changes and accepts a change in place',
    { timeout: 180_000 },
    async () => {
      emulator.resetStats();
      const exported = await runCli(
        ['export', '--gaap', '--adopt', '--stack', 'adopted', '-o', 'edgeform.yaml'],
        { cwd: dir, env },
      );
      expect(exported.exitCode, exported.stderr).toBe(0);
      // Export takes ownership as its one write, and says so: the stack's tags on the proxy and the
      // two real servers (the certificate takes no tags: its binding is its identity).
      expect(writes()).toEqual({ ModifyResourceTags: 3 });
      expect(exported.stderr).toContain('Adopted into stack adopted');
      expect(exported.stderr).toContain(`proxy ${proxyId} as hand-made`);
      expect(exported.stderr).not.toContain('both stacks now manage it');
      const doc = parse(readFileSync(join(dir, 'edgeform.yaml'), 'utf8'));
      const proxy = doc.gaap.proxies['hand-made'];
      expect(proxy.adopt).toBe(proxyId);
      expect(proxy.name).toBe('Hand Made');
      expect(proxy.listeners.map((l: { protocol: string }) => l.protocol)).toEqual(['TCP', 'HTTPS']);
      expect(proxy.securityPolicy.rules).toHaveLength(1);
      expect(Object.values(doc.gaap.realServers).map((r) => (r as { adopt: string }).adopt)).toHaveLength(2);
      // Both hand-made servers are named `hand`: a name two share names neither, so their
      // addresses do (a name of its own names its server: `late`, below).
      expect(Object.keys(doc.gaap.realServers).sort()).toEqual(['198-51-100-90', '198-51-100-91']);
      expect(doc.gaap.certificates['site-cert'].adopt).toMatch(/^cert-/);

      const keyEnv = { ...env, EDGEFORM_CERT_SITE_CERT_KEY: KEY };
      // The exported file plans to No changes at once, and neither that plan nor an apply of it writes.
      emulator.resetStats();
      const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: keyEnv });
      expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
      expect(plan.stdout).toContain('No changes.');
      const adopted = await runCli(['apply', '--auto-approve'], { cwd: dir, env: keyEnv });
      expect(adopted.exitCode, adopted.stderr + adopted.stdout).toBe(0);
      expect(writes()).toEqual({});
      expect(await proxyCount()).toBe(1);
      expect((await sdk.DescribeProxies({ ProxyIds: [proxyId] })).ProxySet?.[0]?.TagSet).toEqual([
        { TagKey: 'edgeform:stack', TagValue: 'adopted' },
        { TagKey: 'edgeform:name', TagValue: 'hand-made' },
      ]);
      // Tagged, the roots are found without their bindings: the adopt: lines of the proxy and the
      // real servers can go (the certificate, which has no tags, keeps its own).
      const unbound = readFileSync(join(dir, 'edgeform.yaml'), 'utf8')
        .replace(/^\s+adopt: link-\w+\n/gm, '')
        .replace(/adopt: rs-\w+, /g, '');
      expect(unbound).not.toMatch(/adopt: (link|rs)-/);
      writeYaml(dir, 'edgeform.yaml', unbound);
      const without = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: keyEnv });
      expect(without.exitCode, without.stdout + without.stderr).toBe(0);

      // A change in place on the adopted proxy: an update, never a create.
      const yaml = readFileSync(join(dir, 'edgeform.yaml'), 'utf8').replace(/bandwidth: 10/, 'bandwidth: 20');
      writeYaml(dir, 'edgeform.yaml', yaml);
      const changed = await runCli(['plan', '--format', 'json'], { cwd: dir, env: keyEnv });
      const changes = (
        JSON.parse(changed.stdout) as { changes: { address: string; kind: string }[] }
      ).changes.filter((c) => c.kind !== 'no-op');
      expect(changes.map((c) => [c.address, c.kind])).toEqual([['gaap.proxy["hand-made"]', 'update']]);
      const apply = await runCli(['apply', '--auto-approve'], { cwd: dir, env: keyEnv });
      expect(apply.exitCode, apply.stderr).toBe(0);
      const again = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: keyEnv });
      expect(again.exitCode, again.stdout).toBe(0);
      expect((await sdk.DescribeProxies({ ProxyIds: [proxyId] })).ProxySet?.[0]?.Bandwidth).toBe(20);
      expect(await proxyCount()).toBe(1);

      // Changes under the adopted proxy that the API makes in place: a rule's path
      // (ModifyRuleAttribute) and a security rule's source (ModifySecurityRule) keep their IDs.
      const before = JSON.parse(
        (await runCli(['plan', '--format', 'json'], { cwd: dir, env: keyEnv })).stdout,
      ) as { changes: { address: string; id?: string }[] };
      const idOf = (plan: typeof before, suffix: string) =>
        plan.changes.find((c) => c.address.endsWith(suffix))?.id;
      const moved = readFileSync(join(dir, 'edgeform.yaml'), 'utf8')
        .replace('path: /api', 'path: /api/v2')
        .replace('cidr: 192.0.2.0/24', 'cidr: 192.0.2.0/25');
      writeYaml(dir, 'edgeform.yaml', moved);
      const inPlace = await runCli(['plan', '--format', 'json'], { cwd: dir, env: keyEnv });
      const inPlacePlan = JSON.parse(inPlace.stdout) as {
        changes: { address: string; kind: string }[];
        steps: { action: string }[];
      };
      expect(inPlacePlan.changes.filter((c) => c.kind !== 'no-op').map((c) => c.kind)).toEqual([
        'update',
        'update',
      ]);
      expect(inPlacePlan.steps.map((s) => s.action).sort()).toEqual([
        'ModifyRuleAttribute',
        'ModifySecurityRule',
      ]);
      const moveApplied = await runCli(['apply', '--auto-approve'], { cwd: dir, env: keyEnv });
      expect(moveApplied.exitCode, moveApplied.stderr).toBe(0);
      const after = await runCli(['plan', '--detailed-exitcode', '--format', 'json'], {
        cwd: dir,
        env: keyEnv,
      });
      expect(after.exitCode, after.stdout).toBe(0);
      const afterPlan = JSON.parse(after.stdout) as typeof before;
      expect(idOf(afterPlan, '.rule["/api/v2"]')).toBe(idOf(before, '.rule["/api"]'));
      expect(await proxyCount()).toBe(1);
    },
  );

  it('an adopt: binding to an ID that does not exist fails the plan, located', async () => {
    writeYaml(
      dir,
      'wrong.yaml',
      `version: 1
stack: wrong
gaap:
  proxies:
    web:
      adopt: link-doesnotexist
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
`,
    );
    const plan = await runCli(['plan', '-f', 'wrong.yaml'], { cwd: dir, env });
    expect(plan.exitCode).toBe(1);
    expect(plan.stderr).toContain('error[GAAP_ADOPT_NOT_FOUND]');
    expect(plan.stderr).toMatch(
      /wrong\.yaml:5:5 gaap\.proxies\.web\.adopt: no proxy link-doesnotexist exists/,
    );
  });
});

describe('two stacks in front of one origin', () => {
  const stack = (name: string, origin: string, port: number, proxy = 'edge') => `version: 1
stack: ${name}
gaap:
  realServers:
    origin: ${origin}
  proxies:
    ${proxy}:
      accessRegion: EastChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
      listeners:
        - protocol: TCP
          port: ${port}
          realServers: [{ realServer: origin, port: 80 }]
`;

  it('one owns the real server, the other references it external: both converge, neither touches it', async () => {
    const dir = scratchDir('edgeform-shared-');
    writeYaml(dir, 'staging.yaml', stack('staging', '{ address: 198.51.100.99 }', 8000));
    writeYaml(dir, 'prod.yaml', stack('prod', '{ address: 198.51.100.99, external: true }', 8001));
    const staging = await runCli(['apply', '--auto-approve', '-f', 'staging.yaml'], { cwd: dir, env });
    expect(staging.exitCode, staging.stderr + staging.stdout).toBe(0);
    // Prod names its proxy as staging does and owns nothing yet, but it references staging's real
    // server: it lives beside staging (a renamed stack would declare its servers as its own), so
    // its first unattended apply needs no flag.
    const prod = await runCli(['apply', '--auto-approve', '-f', 'prod.yaml'], { cwd: dir, env });
    expect(prod.exitCode, prod.stderr + prod.stdout).toBe(0);
    expect(prod.stderr).not.toContain('STACK_OWNS_NOTHING');
    for (const f of ['staging.yaml', 'prod.yaml']) {
      const r = await runCli(['plan', '--detailed-exitcode', '-f', f], { cwd: dir, env });
      expect(r.exitCode, `${f}: ${r.stdout}`).toBe(0);
    }
    const servers = await sdk.DescribeRealServers({ ProjectId: -1, SearchValue: '198.51.100.99' });
    expect(servers.TotalCount).toBe(1);
    // Prod lets go of the shared server: it is unbound there, and never deleted.
    const unbound = stack('prod', '{ address: 198.51.100.99, external: true }', 8001).replace(
      /\n\s+realServers: \[\{ realServer: origin, port: 80 \}\]\n$/,
      '\n          realServers: []\n',
    );
    expect(unbound).toContain('realServers: []');
    writeYaml(dir, 'prod.yaml', unbound);
    const plan = await runCli(['plan', '--format', 'json', '-f', 'prod.yaml'], { cwd: dir, env });
    const kinds = (JSON.parse(plan.stdout) as { changes: { address: string; kind: string }[] }).changes
      .filter((c) => c.kind !== 'no-op')
      .map((c) => [c.address, c.kind]);
    expect(kinds).toEqual([['gaap.proxy["edge"].listener["TCP:8001"]', 'update']]);
  });

  it('declaring the shared origin as its own fails the plan, located, naming `external: true`, with zero writes', async () => {
    const dir = scratchDir('edgeform-shared-');
    writeYaml(dir, 'staging.yaml', stack('staging-2', '{ address: 198.51.100.98 }', 8100, 'edge-2'));
    writeYaml(dir, 'prod.yaml', stack('prod-2', '{ address: 198.51.100.98 }', 8101, 'edge-2'));
    const staging = await runCli(['apply', '--auto-approve', '-f', 'staging.yaml'], { cwd: dir, env });
    expect(staging.exitCode, staging.stderr + staging.stdout).toBe(0);
    const servers = await sdk.DescribeRealServers({ ProjectId: -1, SearchValue: '198.51.100.98' });
    const id = servers.RealServerSet![0]!.RealServerId!;
    emulator.resetStats();
    // GAAP keeps one real server per address in a project: prod cannot create its own, and a
    // create would only find staging's (every later plan creating it again).
    for (const args of [['plan'], ['apply', '--auto-approve']]) {
      const r = await runCli([...args, '-f', 'prod.yaml'], { cwd: dir, env });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('error[GAAP_REAL_SERVER_EXISTS]');
      expect(r.stderr).toContain(
        `prod.yaml:5:5 gaap.realServers.origin: a real server at 198.51.100.98 already exists in project 0; it is stack staging-2's (${id}): add \`external: true\` to bind it without owning it`,
      );
    }
    expect(writes()).toEqual({});
    writeYaml(
      dir,
      'prod.yaml',
      stack('prod-2', '{ address: 198.51.100.98, external: true }', 8101, 'edge-2'),
    );
    const prod = await runCli(['apply', '--auto-approve', '-f', 'prod.yaml'], { cwd: dir, env });
    expect(prod.exitCode, prod.stderr + prod.stdout).toBe(0);
    for (const f of ['staging.yaml', 'prod.yaml']) {
      const r = await runCli(['plan', '--detailed-exitcode', '-f', f], { cwd: dir, env });
      expect(r.exitCode, `${f}: ${r.stdout}`).toBe(0);
    }
  });

  it('declaring a hand-made origin fails the plan naming adopt: and external:; either then converges', async () => {
    const dir = scratchDir('edgeform-shared-');
    const id = (
      await sdk.AddRealServers({ RealServerIP: ['198.51.100.96'], RealServerName: 'by-hand', ProjectId: 0 })
    ).RealServerSet![0]!.RealServerId!;
    writeYaml(dir, 'own.yaml', stack('hand-origin', '{ address: 198.51.100.96 }', 8200, 'edge-3'));
    emulator.resetStats();
    const refused = await runCli(['plan', '-f', 'own.yaml'], { cwd: dir, env });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(
      `own.yaml:5:5 gaap.realServers.origin: a real server at 198.51.100.96 already exists in project 0; it is ${id}, which no stack owns: add \`adopt: ${id}\` to manage it, or \`external: true\` to only bind it`,
    );
    expect(writes()).toEqual({});
    writeYaml(
      dir,
      'own.yaml',
      stack('hand-origin', `{ adopt: ${id}, address: 198.51.100.96, name: by-hand }`, 8200, 'edge-3'),
    );
    const adopted = await runCli(['apply', '--auto-approve', '-f', 'own.yaml'], { cwd: dir, env });
    expect(adopted.exitCode, adopted.stderr + adopted.stdout).toBe(0);
    const again = await runCli(['plan', '--detailed-exitcode', '-f', 'own.yaml'], { cwd: dir, env });
    expect(again.exitCode, again.stdout).toBe(0);
    const servers = await sdk.DescribeRealServers({ ProjectId: -1, SearchValue: '198.51.100.96' });
    expect(servers.RealServerSet?.map((r) => [r.RealServerId, r.TagSet])).toEqual([
      [
        id,
        [
          { TagKey: 'edgeform:stack', TagValue: 'hand-origin' },
          { TagKey: 'edgeform:name', TagValue: 'origin' },
        ],
      ],
    ]);
  });

  it('an external real server that does not exist fails the plan', async () => {
    const dir = scratchDir('edgeform-shared-');
    writeYaml(dir, 'prod.yaml', stack('lonely', '{ address: 198.51.100.123, external: true }', 8002));
    const r = await runCli(['plan', '-f', 'prod.yaml'], { cwd: dir, env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error[GAAP_EXTERNAL_NOT_FOUND]');
  });
});

describe('export --adopt when the Tag API refuses the call', () => {
  it('warns, still writes the bindings, and the first apply tags the root', async () => {
    const dir = scratchDir('edgeform-adopt-');
    // A Tag API that does not know the key: what credentials without tag permissions meet.
    const other = await startEmulator({ secretId: 'AKIDother', secretKey: 'other-secret' });
    try {
      const rs = await sdk.AddRealServers({
        RealServerIP: ['198.51.100.77'],
        RealServerName: 'late',
        ProjectId: 0,
      });
      const id = rs.RealServerSet![0]!.RealServerId!;
      emulator.resetStats();
      const exported = await runCli(
        ['export', '--gaap', '--adopt', '--stack', 'fallback', '-o', 'edgeform.yaml'],
        { cwd: dir, env: { ...env, EDGEFORM_TAG_ENDPOINT: other.gaap } },
      );
      expect(exported.exitCode, exported.stderr).toBe(0);
      expect(writes()).toEqual({});
      expect(exported.stderr).toContain(`could not tag 1 adopted object as the stack's: real server ${id}`);
      expect(exported.stderr).not.toContain('Adopted into stack');
      expect(exported.stderr).toContain(
        '(expect `~ ownership` on the 1 object not tagged, and nothing else)',
      );
      const doc = parse(readFileSync(join(dir, 'edgeform.yaml'), 'utf8'));
      // Named from its RealServerName, not its address (198-51-100-77).
      expect(doc.gaap.realServers).toEqual({ late: { adopt: id, address: '198.51.100.77' } });
      // The first estate's certificate takes no tags, so it is still unowned and adopted here too.
      const keyEnv = { ...env, EDGEFORM_CERT_SITE_CERT_KEY: KEY };
      // With a configured region, the Tag API resource name carries it (as the Terraform provider
      // writes its client's region there).
      const file = join(dir, 'edgeform.yaml');
      writeYaml(
        dir,
        'edgeform.yaml',
        `${readFileSync(file, 'utf8')}providers:\n  gaap: { region: ap-guangzhou }\n`,
      );
      const plan = await runCli(['plan', '--format', 'json'], { cwd: dir, env: keyEnv });
      expect(plan.exitCode, plan.stderr).toBe(0);
      const planned = JSON.parse(plan.stdout) as {
        changes: { kind: string; attributes: { path: string }[] }[];
        steps: { payload: { calls: { params: { Resource?: string } }[] } }[];
      };
      const changes = planned.changes.filter((c) => c.kind !== 'no-op');
      expect(changes.map((c) => [c.kind, c.attributes.map((a) => a.path).join()])).toEqual([
        ['update', 'ownership'],
      ]);
      expect(planned.steps.map((s) => s.payload.calls[0]?.params.Resource)).toEqual([
        `qcs::gaap:ap-guangzhou:uin/:realServer/${id}`,
      ]);
      const apply = await runCli(['apply', '--auto-approve'], { cwd: dir, env: keyEnv });
      expect(apply.exitCode, apply.stderr).toBe(0);
      expect(writes()).toEqual({ ModifyResourceTags: 1 });
      const again = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: keyEnv });
      expect(again.exitCode, again.stdout).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('a closed hand-made proxy group', () => {
  it('is adopted closed (its detail has no closed status: its proxies say so), and plans to No changes', async () => {
    const dir = scratchDir('edgeform-adopt-');
    const groupId = (
      await sdk.CreateProxyGroup({
        ProjectId: 0,
        GroupName: 'Hand Group',
        RealServerRegion: 'NorthAmerica',
        AccessRegionSet: [{ AccessRegion: 'SouthChina', Bandwidth: 10, Concurrent: 2 }],
      })
    ).GroupId!;
    const listed = async () =>
      (await sdk.DescribeProxyGroupList({ ProjectId: -1, Offset: 0, Limit: 100 })).ProxyGroupList?.find(
        (g) => g.GroupId === groupId,
      )?.Status;
    await until(listed, (s) => s === 'RUNNING');
    await sdk.CloseProxyGroup({ GroupId: groupId });
    await until(listed, (s) => s === 'CLOSED');
    const exported = await runCli(
      ['export', '--gaap', '--adopt', '--stack', 'grouped', '-o', 'edgeform.yaml'],
      { cwd: dir, env },
    );
    expect(exported.exitCode, exported.stderr).toBe(0);
    expect(exported.stderr).toContain(`proxy group ${groupId} as hand-group`);
    const doc = parse(readFileSync(join(dir, 'edgeform.yaml'), 'utf8'));
    expect(doc.gaap.proxyGroups['hand-group']).toMatchObject({ adopt: groupId, enabled: false });
    // The first estate's certificate (no tags) is still unowned, so it is adopted here too — and
    // export warns: stack adopted's HTTPS listener uses it.
    expect(exported.stderr).toMatch(
      /warning: gaap\.certificates\.site-cert \(adopt: cert-\w+\) is used by HTTPS listener \S+ of proxy link-\w+, which stack adopted owns: certificates take no tags, .*both stacks now manage it/,
    );
    const keyEnv = { ...env, EDGEFORM_CERT_SITE_CERT_KEY: KEY };
    const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: keyEnv });
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    expect(await listed()).toBe('CLOSED');
  });
});

describe('an adopted certificate whose content changes', () => {
  it(
    'is replaced by a certificate the stack owns by alias; the next plans converge and warn to remove adopt:',
    { timeout: 120_000 },
    async () => {
      const dir = scratchDir('edgeform-adopt-');
      const fixture = (f: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'gaap', f), 'utf8');
      const old = await sdkCertificate('Rotating');
      mkdirSync(join(dir, 'certs'));
      writeYaml(dir, 'certs/rot.pem', CERT);
      const yaml = (adopt: string) => `version: 1
stack: rot
gaap:
  certificates:
    rot-cert:
${adopt}      type: server
      content: { file: certs/rot.pem }
      key: { env: ROT_KEY }
  proxies:
    rot:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
      listeners:
        - protocol: HTTPS
          port: 443
          certificate: rot-cert
          forwardProtocol: HTTP
`;
      const bound = `      adopt: ${old}\n      name: Rotating\n`;
      writeYaml(dir, 'edgeform.yaml', yaml(bound));
      await applyHere(dir, { ...env, ROT_KEY: KEY });

      // New content and key: a replacement (create-first), the listener repointed, the old deleted.
      writeYaml(dir, 'certs/rot.pem', fixture('site-b.pem'));
      const keyEnv = { ...env, ROT_KEY: fixture('site-b.key') };
      const plan = await runCli(['plan', '--format', 'json'], { cwd: dir, env: keyEnv });
      expect(plan.exitCode, plan.stderr).toBe(0);
      const changes = (JSON.parse(plan.stdout) as { changes: { address: string; kind: string }[] }).changes;
      expect(changes.filter((c) => c.kind !== 'no-op').map((c) => [c.address, c.kind])).toContainEqual([
        'gaap.certificate["rot-cert"]',
        'replace',
      ]);
      const apply = await runCli(['apply', '--auto-approve'], { cwd: dir, env: keyEnv });
      expect(apply.exitCode, apply.stderr + apply.stdout).toBe(0);
      const certs = (await sdk.DescribeCertificates({ Limit: 100 })).CertificateSet ?? [];
      expect(certs.map((c) => c.CertificateId)).not.toContain(old);
      const replacement = certs.find((c) => c.CertificateAlias === 'ef.rot.rot-cert')?.CertificateId;
      expect(replacement).toMatch(/^cert-/);

      // The binding names a deleted ID: the replacement satisfies it, the plan converges and says
      // (located) what to remove — never GAAP_ADOPT_NOT_FOUND.
      emulator.resetStats();
      const again = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: keyEnv });
      expect(again.exitCode, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('No changes.');
      expect(again.stdout + again.stderr).toContain(
        `edgeform.yaml:5:5: gaap.certificates.rot-cert: the adopted certificate ${old} was replaced by ${replacement} (ef.rot.rot-cert), which the stack owns by its alias; remove \`adopt: ${old}\` and \`name:\``,
      );
      expect(writes()).toEqual({});
      // Without the binding (as the warning says) it is still the stack's, silently.
      writeYaml(dir, 'edgeform.yaml', yaml(''));
      const unbound = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: keyEnv });
      expect(unbound.exitCode, unbound.stdout + unbound.stderr).toBe(0);
      expect(unbound.stdout + unbound.stderr).not.toContain('was replaced by');
    },
  );
});

async function applyHere(dir: string, runEnv: NodeJS.ProcessEnv): Promise<void> {
  const r = await runCli(['apply', '--auto-approve'], { cwd: dir, env: runEnv });
  expect(r.exitCode, r.stderr + r.stdout).toBe(0);
  const again = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: runEnv });
  expect(again.exitCode, again.stdout + again.stderr).toBe(0);
}
