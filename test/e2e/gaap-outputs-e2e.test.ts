import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { GaapClient } from '../../src/providers/gaap/gaap-client.js';
import { emulatorEnv, runCli, scratchDir, writeYaml } from './cli-harness.js';

// Proxies stay CREATING for a while: their access values are read by the wait that follows.
let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
let client: GaapClient;

beforeAll(async () => {
  emulator = await startEmulator({ asyncDelayMs: 200, rateWindowScale: 0.1 });
  env = emulatorEnv(emulator, 0.1);
  client = new GaapClient({
    endpoint: emulator.gaap,
    credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
  });
});
afterAll(async () => {
  await client.close();
  await emulator.close();
});

const YAML = `version: 1
stack: outputs-e2e
gaap:
  realServers:
    origin: { address: 198.51.100.70 }
  proxies:
    edge:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
      listeners:
        - protocol: TCP
          port: 9000
          realServers: [{ realServer: origin, port: 9000 }]
  globalDomains:
    site:
      defaultValue: origin.example.net
      dns:
        - { proxies: [edge], countries: ["101001"] }
`;

interface Outputs {
  address: string;
  type: string;
  values: Record<string, unknown>;
}

describe('outputs: known after apply, in the apply result, and listed by `edgeform outputs`', () => {
  const dir = scratchDir();
  writeYaml(dir, 'edgeform.yaml', YAML);

  it('plans server-assigned values as (known after apply)', async () => {
    const text = await runCli(['plan'], { cwd: dir, env });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/accessDomain\s+= \(known after apply\)/);
    expect(text.stdout).toMatch(/cname\s+= \(known after apply\)/);
    const json = await runCli(['plan', '--format', 'json'], { cwd: dir, env });
    const plan = JSON.parse(json.stdout) as {
      changes: { address: string; attributes: { path: string; after?: unknown }[] }[];
    };
    const proxy = plan.changes.find((c) => c.address === 'gaap.proxy["edge"]')!;
    expect(proxy.attributes.find((a) => a.path === 'accessIp')?.after).toEqual({ $knownAfterApply: true });
  });

  it('apply reports each new proxy access domain and IPs, a CNAME target and the IDs', async () => {
    const r = await runCli(['apply', '--auto-approve', '--format', 'json'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { outputs: Outputs[]; result: { failed: number } };
    expect(out.result.failed).toBe(0);
    const live = await client.call('DescribeProxies', {
      TagSet: [{ TagKey: 'edgeform:stack', TagValue: 'outputs-e2e' }],
      Limit: 100,
      Offset: 0,
    });
    const p = live.ProxySet![0]!;
    const proxy = out.outputs.find((o) => o.address === 'gaap.proxy["edge"]')!;
    expect(proxy.values).toEqual({
      id: p.ProxyId,
      accessDomain: p.Domain,
      accessIp: p.IP,
      accessIps: p.IPList!.map((x) => x.IP),
    });
    expect(p.Domain).toBeTruthy();
    const domains = await client.call('DescribeGlobalDomains', { ProjectId: -1, Offset: 0, Limit: 10 });
    const site = out.outputs.find((o) => o.address === 'gaap.global_domain["site"]')!;
    expect(site.values.cname).toBe(domains.Domains![0]!.FullDomain);
    const listener = out.outputs.find((o) => o.address.endsWith('.listener["TCP:9000"]'))!;
    expect(String(listener.values.id)).toMatch(/^listener-/);
    expect(out.outputs.find((o) => o.address === 'gaap.real_server["origin"]')?.values.id).toMatch(/^rs-/);
  });

  it('`edgeform outputs` lists the same values, text and JSON, and writes nothing', async () => {
    emulator.resetStats();
    const json = await runCli(['outputs', '--format', 'json'], { cwd: dir, env });
    expect(json.exitCode, json.stderr).toBe(0);
    const listed = JSON.parse(json.stdout) as { stack: string; outputs: Outputs[] };
    expect(listed.stack).toBe('outputs-e2e');
    const proxy = listed.outputs.find((o) => o.address === 'gaap.proxy["edge"]')!;
    expect(proxy.values.accessDomain).toMatch(/gaapqcloud\.com$/);
    const writes = Object.keys(emulator.stats().gaap.requests).filter((a) => !/^Describe/.test(a));
    expect(writes).toEqual([]);
    const text = await runCli(['outputs'], { cwd: dir, env });
    expect(text.stdout).toContain('gaap.proxy["edge"]');
    expect(text.stdout).toContain(`accessDomain = "${String(proxy.values.accessDomain)}"`);
    // The apply text shows them too; a re-apply changes nothing and still lists them.
    const again = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(again.stdout).toContain('No changes.');
  });
});
