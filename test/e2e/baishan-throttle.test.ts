import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { runCli, scratchDir, writeYaml } from './cli-harness.js';

// The emulator allows 2 calls per (scaled) minute while the client believes the documented 30.
// Reading 25 domains sends 3 GETs at once, before any X-Ratelimit header can slow the client
// down: the third is a 429, which the client must wait out and absorb.
const SCALE = 0.02;
let emulator: RunningEmulator;
const domains = Array.from({ length: 25 }, (_, i) => `t${i}.throttle.example.com`);

beforeAll(async () => {
  emulator = await startEmulator({
    baishanDomains: domains,
    baishanRateLimitPerMinute: 2,
    rateWindowScale: SCALE,
  });
});
afterAll(async () => {
  await emulator.close();
});

it('a throttled answer never fails an apply', async () => {
  const dir = scratchDir();
  writeYaml(
    dir,
    'edgeform.yaml',
    `version: 1\nstack: throttle\nbaishan:\n  domains:\n    - domains: [${domains.join(', ')}]\n      config:\n        client_real_ip: { head: X-Client-IP }\n`,
  );
  const env = {
    EDGEFORM_BAISHAN_ENDPOINT: emulator.baishan,
    BAISHAN_TOKEN: EMULATOR_DEFAULTS.baishanToken,
    EDGEFORM_RATE_WINDOW_SCALE: String(SCALE),
  };
  const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
  expect(applied.exitCode, applied.stderr).toBe(0);
  expect(applied.stdout).toContain('Apply complete!');
  expect(emulator.stats().baishan.throttled).toBeGreaterThan(0);
  expect(applied.stderr).toContain('throttled');
  expect(applied.stderr).not.toContain('error[');
  const replan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
  expect(replan.exitCode, replan.stderr).toBe(0);
});
