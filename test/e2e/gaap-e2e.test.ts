import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { GaapClient } from '../../src/providers/gaap/gaap-client.js';
import { emulatorEnv, ROOT, runCli, scratchDir, writeYaml } from './cli-harness.js';

// Real asynchronous states: proxies are CREATING, listeners and rules busy, for 300 ms.
let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emulator = await startEmulator({ asyncDelayMs: 300, baishanAutoDomains: true, rateWindowScale: 0.1 });
  env = emulatorEnv(emulator, 0.1);
});
afterAll(async () => {
  await emulator.close();
});

describe('every GAAP example applies to an empty account and re-plans to no changes', () => {
  for (const example of [
    'gaap-game-l4',
    'gaap-https-site',
    'gaap-proxy-group',
    'gaap-global-domain',
    'edge-estate',
  ]) {
    it(example, async () => {
      const dir = scratchDir();
      const file = join(ROOT, 'examples', `${example}.yaml`);
      const applied = await runCli(['apply', '--auto-approve', '-f', file], { cwd: dir, env });
      expect(applied.exitCode, applied.stderr).toBe(0);
      expect(applied.stdout).toMatch(/Apply complete! \d+ done, 0 failed, 0 skipped/);
      const replan = await runCli(['plan', '--detailed-exitcode', '-f', file], { cwd: dir, env });
      expect(replan.exitCode, replan.stdout).toBe(0);
      expect(replan.stdout).toContain('No changes. Live state matches the desired state.');
    });
  }
});

const stack = (listeners: string, extra = '') => `version: 1
stack: e2e-gaap
gaap:
  realServers:
    origin: { address: 198.51.100.40 }
  proxies:
    edge:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
${extra}      listeners:
${listeners}`;

const TCP = (port: number, more = '') => `        - protocol: TCP
          port: ${port}
          scheduler: rr
${more}          realServers: [{ realServer: origin, port: ${port} }]
`;

describe('changing the YAML changes exactly what it says', () => {
  const dir = scratchDir();
  const plan = async (yaml: string) => {
    writeYaml(dir, 'edgeform.yaml', yaml);
    const r = await runCli(['plan', '--format', 'json'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as {
      changes: {
        address: string;
        kind: string;
        attributes: { path: string; forcesReplacement?: boolean }[];
      }[];
    };
    return p.changes.filter((c) => c.kind !== 'no-op');
  };
  const apply = async () => {
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
  };

  it('creates, updates in place, replaces with forces-replacement, deletes, and refuses a protected replacement', async () => {
    await plan(stack(TCP(8000) + TCP(8001)));
    await apply();

    // An updatable field: one in-place update of that object.
    const updated = await plan(stack(TCP(8000, '          name: renamed\n') + TCP(8001)));
    expect(updated.map((c) => [c.address, c.kind])).toEqual([
      ['gaap.proxy["edge"].listener["TCP:8000"]', 'update'],
    ]);
    await apply();

    // An immutable field: a replace, and the text marks the attribute.
    const yamlReplace = stack(
      TCP(8000, '          name: renamed\n          clientIpMethod: 1\n') + TCP(8001),
    );
    const replaced = await plan(yamlReplace);
    expect(replaced.map((c) => [c.address, c.kind])).toEqual([
      ['gaap.proxy["edge"].listener["TCP:8000"]', 'replace'],
    ]);
    expect(replaced[0]!.attributes.find((a) => a.path === 'clientIpMethod')?.forcesReplacement).toBe(true);
    const text = await runCli(['plan'], { cwd: dir, env });
    expect(text.stdout).toMatch(/clientIpMethod\s+= 0 -> 1 # forces replacement/);
    expect(text.stdout).toContain('-/+ gaap_l4_listener');
    await apply();

    // Removing a listener deletes exactly it.
    const removed = await plan(stack(TCP(8000, '          name: renamed\n          clientIpMethod: 1\n')));
    expect(removed.map((c) => [c.address, c.kind])).toEqual([
      ['gaap.proxy["edge"].listener["TCP:8001"]', 'delete'],
    ]);
    await apply();

    // protect: true refuses a replacement with a clear error, before any write.
    writeYaml(dir, 'edgeform.yaml', stack(TCP(8000, '          name: renamed\n          protect: true\n')));
    emulator.resetStats();
    const refused = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('error[PROTECTED_OBJECT]');
    expect(refused.stderr).toContain('gaap.proxy["edge"].listener["TCP:8000"]');
    expect(refused.stderr).toContain('fix:');
    const writes = Object.keys(emulator.stats().gaap.requests).filter((a) => !/^Describe/.test(a));
    expect(writes).toEqual([]);
  });

  it('never touches objects created outside edgeform in the same account', async () => {
    const client = new GaapClient({
      credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
      endpoint: emulator.gaap,
    });
    // Untagged, and tagged for another stack: neither is ours.
    await client.call('AddRealServers', {
      ProjectId: 0,
      RealServerIP: ['192.0.2.200'],
      RealServerName: 'hand-made',
    });
    const foreign = await client.call('CreateProxy', {
      ProjectId: 0,
      ProxyName: 'someone-else',
      AccessRegion: 'SouthChina',
      RealServerRegion: 'NorthAmerica',
      Bandwidth: 10,
      Concurrent: 2,
      TagSet: [
        { TagKey: 'edgeform:stack', TagValue: 'other-stack' },
        { TagKey: 'edgeform:name', TagValue: 'edge' },
      ],
    });
    await client.close();
    const changes = await plan(stack(TCP(8000, '          name: renamed\n          clientIpMethod: 1\n')));
    expect(changes).toEqual([]);
    // Even emptying the stack's gaap section leaves them alone.
    writeYaml(dir, 'edgeform.yaml', 'version: 1\nstack: e2e-gaap\ngaap: {}\n');
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    const state = await readState(emulator);
    expect(state).toContain(foreign.InstanceId);
    expect(state).toContain('hand-made');
    expect(state).not.toContain('renamed');
  });
});

/** The emulator's admin endpoint is the ground truth of what exists. */
async function readState(e: RunningEmulator): Promise<string> {
  return (await fetch(`${e.gaap}/_emulator/state`)).text();
}
