import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { startEmulator } from '../../src/emulator/index.js';
import { emulatorEnv, runCli, scratchDir, writeYaml } from './cli-harness.js';

// A proxy stays CREATING for 12 s: the apply spends that long waiting, with nothing else to report.
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ asyncDelayMs: 12_000, rateWindowScale: 0.1 });
});
afterAll(async () => {
  await emulator.close();
});

it('in CI, an apply that waits prints a timestamped progress line at least every 10 s, with what it waits for', async () => {
  const dir = scratchDir();
  writeYaml(
    dir,
    'edgeform.yaml',
    `version: 1
stack: ci-progress
gaap:
  realServers:
    app: { address: 198.51.100.91 }
  proxies:
    slow:
      accessRegion: EastChina
      realServerRegion: SouthChina
      bandwidth: 10
      concurrent: 2
      listeners:
        - protocol: TCP
          port: 443
          realServers: [{ realServer: app, port: 443 }]
`,
  );
  const started = Date.now();
  const r = await runCli(['apply', '--auto-approve'], { cwd: dir, env: emulatorEnv(emulator, 0.1) });
  const seconds = (Date.now() - started) / 1000;
  expect(r.exitCode, r.stderr).toBe(0);
  const progress = r.stderr.split('\n').filter((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z \[\d+\/\d+\] /.test(l));
  // One line when the apply starts, then one per 10 s of waiting at most: never silent for long.
  expect(progress.length, r.stderr).toBeGreaterThanOrEqual(Math.max(2, Math.floor(seconds / 10)));
  expect(
    progress.some((l) => / 1 waiting for ready/.test(l)),
    progress.join('\n'),
  ).toBe(true);
  // No redrawn status line outside a terminal.
  expect(r.stderr).not.toContain('\r');
  expect(r.stderr).not.toContain('\x1b[');
}, 120_000);
