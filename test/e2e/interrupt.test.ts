import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { CLI, runCli, scratchDir, writeYaml } from './cli-harness.js';

// 200 ms per call: an apply of 20 different domain configs takes seconds, long enough to interrupt.
let emulator: RunningEmulator;
const domains = Array.from({ length: 20 }, (_, i) => `i${i}.interrupt.example.com`);
beforeAll(async () => {
  emulator = await startEmulator({ baishanDomains: domains, latencyMs: 200, rateWindowScale: 0.05 });
});
afterAll(async () => {
  await emulator.close();
});

it('Ctrl-C stops scheduling, lets calls in flight finish, reports both, and the next apply completes', async () => {
  const dir = scratchDir();
  // Every domain gets its own timeout value: 20 separate POSTs.
  const entries = domains
    .map((d, i) => `    - domain: ${d}\n      config: { timeout: { time: "${10 + i}" } }\n`)
    .join('');
  writeYaml(dir, 'edgeform.yaml', `version: 1\nstack: interrupt\nbaishan:\n  domains:\n${entries}`);
  const env = {
    PATH: process.env.PATH,
    CI: 'true',
    NO_COLOR: '1',
    EDGEFORM_BAISHAN_ENDPOINT: emulator.baishan,
    BAISHAN_TOKEN: EMULATOR_DEFAULTS.baishanToken,
    EDGEFORM_RATE_WINDOW_SCALE: '0.05',
  };
  const child = spawn(process.execPath, [CLI, 'apply', '--auto-approve'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderr += d;
    // Interrupt once the first POST is done: others are in flight, most not started.
    if (/done {2}POST/.test(stderr) && !child.killed) child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

  expect(code).toBe(1);
  expect(stderr).toContain('SIGINT: finishing the calls in flight, starting no new ones');
  expect(stdout).toContain('Interrupted: steps not started were skipped.');
  const summary = /Apply incomplete\. (\d+) done, (\d+) failed, (\d+) skipped/.exec(stdout);
  expect(summary, stdout).not.toBeNull();
  const [done, failed, skipped] = summary!.slice(1).map(Number) as [number, number, number];
  expect(failed).toBe(0);
  expect(done).toBeGreaterThan(0);
  expect(skipped).toBeGreaterThan(0);
  expect(done + skipped).toBe(20);
  // Skipped steps are summarised, not listed one a line once there are more than 5.
  const skippedLines = stdout.split('\n').filter((l) => l.startsWith('Skipped'));
  if (skipped > 5) {
    expect(skippedLines).toEqual([
      `Skipped: ${skipped} steps (interrupted before they started): ${skipped} × POST domain/config`,
    ]);
  } else expect(skippedLines).toHaveLength(skipped);

  // Nothing is left that the next plan cannot describe: exactly the skipped domains remain.
  const plan = await runCli(['plan', '--format', 'json'], { cwd: dir, env });
  const changes = (JSON.parse(plan.stdout) as { changes: { kind: string }[] }).changes.filter(
    (c) => c.kind !== 'no-op',
  );
  expect(changes).toHaveLength(skipped);
  const again = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
  expect(again.exitCode, again.stderr).toBe(0);
  expect((await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env })).exitCode).toBe(0);
});
