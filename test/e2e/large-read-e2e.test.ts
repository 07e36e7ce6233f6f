import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { startEmulator } from '../../src/emulator/index.js';
import { emulatorEnv, runCli, scratchDir, writeYaml } from './cli-harness.js';

// 600 domains: 60 GETs, twice what a Baishan minute allows, so 30 queue in the rate limiter at once,
// every one waiting on the run's one abort signal.
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ baishanAutoDomains: true, rateWindowScale: 0.001 });
});
afterAll(async () => {
  await emulator.close();
});

it('reading a large estate prints no listener-leak warning from Node', async () => {
  const dir = scratchDir();
  const domains = Array.from({ length: 600 }, (_, i) => `r${i}.large.example.com`);
  writeYaml(
    dir,
    'edgeform.yaml',
    `version: 1\nstack: large-read\nbaishan:\n  domains:\n    - domains: [${domains.join(', ')}]\n      config:\n        client_real_ip: { head: X-Client-IP }\n`,
  );
  const r = await runCli(['plan'], { cwd: dir, env: emulatorEnv(emulator, 0.001) });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout).toContain('600 baishan.domain objects will be updated in place');
  expect(r.stderr).not.toContain('MaxListenersExceededWarning');
  expect(r.stderr).not.toContain('Warning');
}, 120_000);
