import { afterAll, beforeAll, expect } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { GaapClient } from '../../src/providers/gaap/gaap-client.js';
import { emulatorEnv, runCli, writeYaml } from './cli-harness.js';

/** What the e2e tests of GAAP settings share: one emulator per file, the CLI's environment, a client. */
export interface GaapSuite {
  emulator: RunningEmulator;
  env: NodeJS.ProcessEnv;
  client: GaapClient;
}

/**
 * Starts an emulator for the test file (asynchronous states of 200 ms, a tenth of the rate window)
 * and a GAAP client on it; `ready` runs once both are up. Stopped after the file's tests.
 */
export function gaapSuite(ready?: (suite: GaapSuite) => Promise<void>): GaapSuite {
  const suite = {} as GaapSuite;
  beforeAll(async () => {
    suite.emulator = await startEmulator({ asyncDelayMs: 200, rateWindowScale: 0.1 });
    suite.env = emulatorEnv(suite.emulator, 0.1);
    suite.client = new GaapClient({
      endpoint: suite.emulator.gaap,
      credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
    });
    await ready?.(suite);
  });
  afterAll(async () => {
    await suite.client.close();
    await suite.emulator.close();
  });
  return suite;
}

/** The parts of `plan --format json` these tests read. */
export interface PlanJson {
  changes: { address: string; kind: string; attributes: { path: string }[] }[];
  steps: { id: string; action: string; addresses: string[]; dependsOn: string[] }[];
}

/** Writes the stack file, plans it (exit 0) and returns the plan. */
export async function planJson(suite: GaapSuite, dir: string, yaml: string): Promise<PlanJson> {
  writeYaml(dir, 'edgeform.yaml', yaml);
  const r = await runCli(['plan', '--format', 'json'], { cwd: dir, env: suite.env });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as PlanJson;
}

/** Applies the stack file with nothing failed or skipped, then re-plans to `No changes.`. */
export async function applyAndConverge(suite: GaapSuite, dir: string): Promise<void> {
  const r = await runCli(['apply', '--auto-approve'], { cwd: dir, env: suite.env });
  expect(r.exitCode, r.stderr + r.stdout).toBe(0);
  expect(r.stdout).toMatch(/Apply complete! \d+ done, 0 failed, 0 skipped/);
  const replan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: suite.env });
  expect(replan.exitCode, replan.stdout + replan.stderr).toBe(0);
  expect(replan.stdout).toContain('No changes.');
}
