import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { startEmulator } from '../../src/emulator/index.js';
import { emulatorEnv, runCli, scratchDir, writeYaml } from './cli-harness.js';

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emulator = await startEmulator({ rateWindowScale: 0.1 });
  env = emulatorEnv(emulator, 0.1);
});
afterAll(async () => {
  await emulator.close();
});

const stack = (bandwidth: number, header: string) => `version: 1
stack: catalog-e2e
gaap:
  realServers:
    origin: { address: 198.51.100.80 }
  proxies:
    web:
      accessRegion: Guangzhou
      realServerRegion: Virginia
      bandwidth: ${bandwidth}
      concurrent: 2
      listeners:
        - protocol: HTTP
          port: 80
          domains:
            - domain: www.example.com
              rules:
                - path: /
                  realServers: [{ realServer: origin, port: 80 }]
                  headers:
                    - { name: ${header}, value: "1" }
`;

const writes = () =>
  Object.entries(emulator.stats().gaap.requests).filter(([a]) => !/^(Describe|Inquiry|Check)/.test(a));

describe('plan-time checks against the live catalogs', () => {
  const dir = scratchDir();

  it('refuses bandwidth 150 and a black-listed header at plan, located, with zero writes', async () => {
    const file = writeYaml(dir, 'edgeform.yaml', stack(150, 'X-Forwarded-For'));
    emulator.resetStats();
    const plan = await runCli(['plan'], { cwd: dir, env });
    expect(plan.exitCode).toBe(1);
    expect(plan.stderr).toContain('error[GAAP_NOT_ON_SALE]');
    expect(plan.stderr).toContain(
      `${file}:10:18 gaap.proxies.web.bandwidth: bandwidth 150 Mbps is not on sale from Guangzhou to Virginia`,
    );
    expect(plan.stderr).toMatch(/use one of 10, 20, 50, 100/);
    expect(plan.stderr).toContain(
      `${file}:21:31 gaap.proxies.web.listeners.0.domains.0.rules.0.headers.0.name: header X-Forwarded-For cannot be customised`,
    );
    const apply = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(apply.exitCode).toBe(1);
    expect(writes()).toEqual([]);
    // One catalog call per origin region, one for the header list.
    expect(emulator.stats().gaap.requests.DescribeAccessRegionsByDestRegion).toBe(2);
    expect(emulator.stats().gaap.requests.DescribeBlackHeader).toBe(2);
  });

  it('an area ID the catalog no longer lists (SouthChina) is judged by CheckProxyCreate', async () => {
    writeYaml(dir, 'legacy.yaml', stack(150, 'X-Edge').replace('Guangzhou', 'SouthChina'));
    emulator.resetStats();
    const plan = await runCli(['plan', '-f', 'legacy.yaml'], { cwd: dir, env });
    expect(plan.exitCode).toBe(1);
    expect(plan.stderr).toMatch(
      /legacy\.yaml:10:18 gaap\.proxies\.web\.bandwidth: bandwidth 150 is not on sale from SouthChina to Virginia \(CheckProxyCreate: InvalidParameterValue\.InvalidBandwidth\)/,
    );
    expect(emulator.stats().gaap.requests.CheckProxyCreate).toBe(1);
    expect(writes()).toEqual([]);
  });

  it('prices each new proxy (InquiryPriceCreateProxy, one call per distinct offer) in text, Markdown and JSON', async () => {
    const proxy = (bandwidth: number) =>
      `{ accessRegion: Guangzhou, realServerRegion: Virginia, bandwidth: ${bandwidth}, concurrent: 2 }`;
    writeYaml(
      dir,
      'priced.yaml',
      `version: 1\nstack: priced-e2e\ngaap:\n  proxies:\n    a: ${proxy(10)}\n    b: ${proxy(10)}\n    c: ${proxy(100)}\n`,
    );
    emulator.resetStats();
    const json = await runCli(['plan', '-f', 'priced.yaml', '--format', 'json'], { cwd: dir, env });
    expect(json.exitCode, json.stderr).toBe(0);
    expect(emulator.stats().gaap.requests.InquiryPriceCreateProxy).toBe(2);
    expect(writes()).toEqual([]);
    const prices = (
      JSON.parse(json.stdout) as { changes: { address: string; price?: unknown }[] }
    ).changes.map((c) => [c.address, c.price]);
    // The emulator's answer: a daily fee of 2 per concurrency unit + 0.5 per Mbps, and the
    // bandwidth gradient's 1.2 (up to 50 Mbps) or 1.0 (50-200) per Mbps per day.
    expect(prices).toEqual([
      ['gaap.proxy["a"]', { currency: 'CNY', perDay: 21, base: 9, bandwidth: 12 }],
      ['gaap.proxy["b"]', { currency: 'CNY', perDay: 21, base: 9, bandwidth: 12 }],
      ['gaap.proxy["c"]', { currency: 'CNY', perDay: 154, base: 54, bandwidth: 100 }],
    ]);
    const text = await runCli(['plan', '-f', 'priced.yaml'], { cwd: dir, env });
    expect(text.stdout).toContain('New proxies, list price (InquiryPriceCreateProxy):');
    expect(text.stdout).toMatch(
      / {2}gaap\.proxy\["c"\] +\+¥154\/day\n {2}total +\+¥196\/day\n\nPlan: 3 to add/,
    );
    const markdown = await runCli(['plan', '-f', 'priced.yaml', '--format', 'markdown'], { cwd: dir, env });
    expect(markdown.stdout).toContain(
      '**New proxies, list price:** +¥196/day (`gaap.proxy["a"]` +¥21/day, `gaap.proxy["b"]` +¥21/day, `gaap.proxy["c"]` +¥154/day).',
    );
  });

  it('an accepted estate applies, and re-planning it reads no catalog', async () => {
    writeYaml(dir, 'edgeform.yaml', stack(100, 'X-Edge'));
    const apply = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(apply.exitCode, apply.stderr).toBe(0);
    emulator.resetStats();
    const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    expect(emulator.stats().gaap.requests.DescribeAccessRegionsByDestRegion).toBeUndefined();
    expect(emulator.stats().gaap.requests.DescribeBlackHeader).toBeUndefined();
    expect(emulator.stats().gaap.requests.InquiryPriceCreateProxy).toBeUndefined();
    // A change of bandwidth to a value not on sale is refused before ModifyProxyConfiguration.
    writeYaml(dir, 'edgeform.yaml', stack(150, 'X-Edge'));
    const refused = await runCli(['plan'], { cwd: dir, env });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('bandwidth 150 Mbps is not on sale');
    expect(refused.stderr).not.toContain('X-Edge');
    // drift and outputs only report: the refusable value is drift (exit 2), the outputs are listed.
    const drift = await runCli(['drift', '--format', 'json'], { cwd: dir, env });
    expect(drift.exitCode, drift.stderr).toBe(2);
    expect(drift.stdout).toContain('"bandwidth"');
    const outputs = await runCli(['outputs', '--format', 'json'], { cwd: dir, env });
    expect(outputs.exitCode, outputs.stderr).toBe(0);
    expect(outputs.stdout).toContain('accessDomain');
  });
});
