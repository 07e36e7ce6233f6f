import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { GaapClient } from '../../src/providers/gaap/gaap-client.js';
import { emulatorEnv, ROOT, runCli, scratchDir } from './cli-harness.js';

// Asynchronous states last 10 s: long enough to run drift while a proxy is still ADJUSTING, even
// on a loaded machine where starting the CLI and reading the estate takes several seconds.
let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  emulator = await startEmulator({ asyncDelayMs: 10_000, baishanAutoDomains: true, rateWindowScale: 0.1 });
  env = emulatorEnv(emulator, 0.1);
});
afterAll(async () => {
  await emulator.close();
});

it('reports an object in a transitional state as busy, not as drift; real drift exits 2 with the field', async () => {
  const dir = scratchDir();
  const file = join(ROOT, 'examples', 'edge-estate.yaml');
  expect((await runCli(['apply', '--auto-approve', '-f', file], { cwd: dir, env })).exitCode).toBe(0);
  expect((await runCli(['drift', '-f', file], { cwd: dir, env })).exitCode).toBe(0);

  // Someone resizes the proxy in the console: it is ADJUSTING for a while.
  const client = new GaapClient({
    credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
    endpoint: emulator.gaap,
  });
  const proxies = await client.call('DescribeProxies', { Limit: 100 });
  const proxy = proxies.ProxySet.find((p) => p.ProxyName === 'app-east')!;
  await client.call('ModifyProxyConfiguration', { ProxyId: proxy.ProxyId, Bandwidth: 20 });

  const during = await runCli(['drift', '--format', 'json', '-f', file], { cwd: dir, env });
  const busyReport = JSON.parse(during.stdout) as {
    inSync: boolean;
    busy: { address: string; state: string }[];
  };
  expect(during.exitCode, during.stderr).toBe(0);
  expect(busyReport.busy).toEqual([{ address: 'gaap.proxy["app-east"]', state: 'ADJUSTING' }]);

  // Once it settles, the resize is drift: exit 2, naming the object and the field.
  await new Promise((r) => setTimeout(r, 10_500));
  await client.close();
  const after = await runCli(['drift', '--format', 'json', '-f', file], { cwd: dir, env });
  expect(after.exitCode).toBe(2);
  const report = JSON.parse(after.stdout) as {
    drifted: { address: string; fields: { path: string; live?: unknown; desired?: unknown }[] }[];
  };
  expect(report.drifted).toEqual([
    {
      address: 'gaap.proxy["app-east"]',
      type: 'gaap_proxy',
      kind: 'update',
      fields: [{ path: 'bandwidth', live: 20, desired: 10 }],
    },
  ]);
}, 180_000);
