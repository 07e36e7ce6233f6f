import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/gaap/v20180529/gaap_client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { emulatorEnv, runCli, scratchDir, writeYaml } from './cli-harness.js';

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
let sdk: Client;

beforeAll(async () => {
  emulator = await startEmulator({ asyncDelayMs: 50, rateWindowScale: 0.1 });
  env = emulatorEnv(emulator, 0.1);
  sdk = new Client({
    credential: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint: new URL(emulator.gaap).host, protocol: 'http://' } },
  });
});
afterAll(async () => {
  await emulator.close();
});

const proxy = (protect: string) => `
    web:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2${protect}
      listeners:
        - protocol: TCP
          port: 7000
          realServers: [{ realServer: origin, port: 80 }]`;

let origins = 60;
const originOf = new Map<string, number>();
/** Each stack its own origin: GAAP keeps one real server per address per project. */
const stack = (name: string, proxies: string) => `version: 1
stack: ${name}
gaap:
  realServers:
    origin: { address: 198.51.100.${originOf.get(name) ?? originOf.set(name, origins++).get(name)} }
  proxies:${proxies || ' {}'}
`;

describe('protect is recorded on the live object', () => {
  it('removing the declaration of a protected proxy is refused until protect: false is applied', async () => {
    const dir = scratchDir('edgeform-protect-');
    writeYaml(dir, 'edgeform.yaml', stack('guarded', proxy('\n      protect: true')));
    const created = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(created.exitCode, created.stderr).toBe(0);
    const live = await sdk.DescribeProxies({ TagSet: [{ TagKey: 'edgeform:stack', TagValue: 'guarded' }] });
    const proxyId = live.ProxySet![0]!.ProxyId!;
    expect(live.ProxySet![0]!.TagSet).toContainEqual({ TagKey: 'edgeform:protect', TagValue: 'true' });

    // The declaration goes; the protection stays with the proxy.
    writeYaml(dir, 'edgeform.yaml', stack('guarded', ''));
    const refused = await runCli(['plan'], { cwd: dir, env });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('error[PROTECTED_OBJECT]');
    expect(refused.stderr).toContain(`gaap.proxy["web"] (${proxyId})`);
    expect(refused.stderr).toContain('declare it with `protect: false` and apply');
    const applyRefused = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(applyRefused.exitCode).toBe(1);
    expect((await sdk.DescribeProxies({ ProxyIds: [proxyId] })).ProxySet?.[0]?.Status).toBe('RUNNING');

    // The explicit step: protect: false is an in-place tag change, then the removal goes through.
    writeYaml(dir, 'edgeform.yaml', stack('guarded', proxy('\n      protect: false')));
    const unprotect = await runCli(['plan', '--format', 'json'], { cwd: dir, env });
    const plan = JSON.parse(unprotect.stdout) as {
      changes: {
        address: string;
        kind: string;
        attributes: { path: string; before?: unknown; after?: unknown }[];
      }[];
      steps: { action: string }[];
    };
    expect(plan.changes.filter((c) => c.kind !== 'no-op')).toEqual([
      expect.objectContaining({
        address: 'gaap.proxy["web"]',
        kind: 'update',
        attributes: [{ path: 'protect', before: true, after: false }],
      }),
    ]);
    expect(plan.steps.map((s) => s.action)).toEqual(['ModifyResourceTags']);
    expect((await runCli(['apply', '--auto-approve'], { cwd: dir, env })).exitCode).toBe(0);
    expect((await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env })).exitCode).toBe(0);
    writeYaml(dir, 'edgeform.yaml', stack('guarded', ''));
    const removed = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect((await sdk.DescribeProxies({ ProxyIds: [proxyId] })).ProxySet ?? []).toEqual([]);
  });

  it('protect: true added to a live proxy is tagged in place; export writes it back', async () => {
    const dir = scratchDir('edgeform-protect-');
    writeYaml(dir, 'edgeform.yaml', stack('later', proxy('')));
    expect((await runCli(['apply', '--auto-approve'], { cwd: dir, env })).exitCode).toBe(0);
    writeYaml(dir, 'edgeform.yaml', stack('later', proxy('\n      protect: true')));
    const plan = await runCli(['plan'], { cwd: dir, env });
    expect(plan.stdout).toContain('~ protect = false -> true');
    expect(plan.stdout).toContain('ModifyResourceTags');
    expect((await runCli(['apply', '--auto-approve'], { cwd: dir, env })).exitCode).toBe(0);
    expect((await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env })).exitCode).toBe(0);
    const exported = await runCli(['export', '--gaap', '--stack', 'later'], { cwd: dir, env });
    expect(exported.stdout).toMatch(/web:\n(\s+\S.*\n)*?\s+protect: true/);
  });
});

describe('a renamed stack', () => {
  it("declaring the old stack's real servers as its own fails the plan, naming the rename, before any write", async () => {
    const dir = scratchDir('edgeform-renamed-');
    const shop = stack('shop-old', proxy('').replace('web:', 'shop:'));
    writeYaml(dir, 'edgeform.yaml', shop);
    const old = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(old.exitCode, old.stderr).toBe(0);
    // The same estate under a new stack name: its origin's address is shop-old's real server, and
    // GAAP keeps one per address in a project.
    writeYaml(dir, 'edgeform.yaml', shop.replace('stack: shop-old', 'stack: shop-new'));
    emulator.resetStats();
    for (const args of [['plan'], ['apply', '--auto-approve', '--new-stack']]) {
      const r = await runCli(args, { cwd: dir, env });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('error[GAAP_REAL_SERVER_EXISTS]');
      expect(r.stderr).toContain('if this stack was renamed from shop-old, restore that `stack:` name');
    }
    const writes = Object.keys(emulator.stats().gaap.requests).filter((a) => !a.startsWith('Describe'));
    expect(writes).toEqual([]);
  });

  it('owning nothing while another stack owns every name it declares: warned, refused unattended, --new-stack goes ahead', async () => {
    const dir = scratchDir('edgeform-renamed-');
    const solo = `version: 1
stack: solo-old
gaap:
  proxies:
    solo: { accessRegion: SouthChina, realServerRegion: NorthAmerica, bandwidth: 10, concurrent: 2 }
`;
    writeYaml(dir, 'edgeform.yaml', solo);
    const old = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(old.exitCode, old.stderr).toBe(0);
    writeYaml(dir, 'edgeform.yaml', solo.replace('stack: solo-old', 'stack: solo-new'));
    const plan = await runCli(['plan'], { cwd: dir, env });
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(
      'Warning: stack solo-new owns no live object, but stack solo-old owns a live object under every name it declares, with the same name or address (gaap.proxy["solo"])',
    );
    const refused = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('error[STACK_OWNS_NOTHING]');
    expect(refused.stderr).toContain('restore its old `stack:` name');
    const count = async () => (await sdk.DescribeProxies({ Limit: 100 })).TotalCount ?? 0;
    const before = await count();
    const confirmed = await runCli(['apply', '--auto-approve', '--new-stack'], { cwd: dir, env });
    expect(confirmed.exitCode, confirmed.stderr).toBe(0);
    expect(confirmed.stderr).not.toContain('STACK_OWNS_NOTHING');
    expect(await count()).toBe(before + 1);
  });
});

describe('--max-destroy', () => {
  it('refuses a plan that destroys more than N (default 20 in CI), before any write', async () => {
    const dir = scratchDir('edgeform-maxdestroy-');
    const listeners = Array.from(
      { length: 22 },
      (_, i) => `
        - protocol: UDP
          port: ${9000 + i}`,
    ).join('');
    const many = `version: 1
stack: wide
gaap:
  proxies:
    wide:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
      listeners:${listeners}
`;
    writeYaml(dir, 'edgeform.yaml', many);
    expect((await runCli(['apply', '--auto-approve'], { cwd: dir, env })).exitCode).toBe(0);
    // Every listener removed: 22 destroys.
    writeYaml(dir, 'edgeform.yaml', many.replace(/\n\s+listeners:[\s\S]*$/, '\n'));
    const ci = await runCli(['plan'], { cwd: dir, env });
    expect(ci.exitCode).toBe(1);
    expect(ci.stderr).toContain(
      'error[PLAN_DESTROYS_TOO_MUCH]: the plan destroys 22 objects, more than --max-destroy 20 allows',
    );
    expect(ci.stderr).toContain('run again with --max-destroy 22');
    const applyRefused = await runCli(['apply', '--auto-approve', '--max-destroy', '5'], { cwd: dir, env });
    expect(applyRefused.exitCode).toBe(1);
    expect(applyRefused.stderr).toContain('more than --max-destroy 5 allows');
    // Outside CI there is no default limit; an explicit one applies everywhere.
    const terminal = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: { ...env, CI: '' } });
    expect(terminal.exitCode).toBe(2);
    const applied = await runCli(['apply', '--auto-approve', '--max-destroy', '22'], { cwd: dir, env });
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect((await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env })).exitCode).toBe(0);
  });
});
