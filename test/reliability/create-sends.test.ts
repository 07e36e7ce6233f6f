import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { MAX_CREATE_SENDS } from '../../src/providers/gaap/gaap-step-runner.js';
import {
  cliEnv,
  emulator,
  gaapCounts,
  gaapDuplicates,
  gaapL4Estate,
  gaapState,
  type LossVerdict,
  type LossyProxy,
  lossyGaapProxy,
  runCli,
  scratchDir,
  stackYaml,
  writeYaml,
} from './harness.js';

/**
 * The CI rehearsal failure of faults seed 1, replayed: CreateUDPListeners answered InternalError
 * five times and then lost its connection after sending. Every one of those sends was looked up
 * (DescribeUDPListeners by port) and found absent, so each resend was safe — but the step gave up
 * after six sends with the last attempt's "it was not repeated". A create is now sent up to
 * MAX_CREATE_SENDS times while each failure is followed by a lookup that finds nothing.
 */
let emu: RunningEmulator | undefined;
let proxy: LossyProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await emu?.close();
  proxy = undefined;
  emu = undefined;
});

async function applyL4(stack: string, lose: (action: string, n: number) => LossVerdict) {
  emu = await emulator({ asyncDelayMs: 20 });
  proxy = await lossyGaapProxy(emu.gaap, lose);
  const dir = scratchDir('edgeform-create-sends-');
  writeYaml(dir, 'edgeform.yaml', stackYaml(stack, gaapL4Estate(1)));
  const env = cliEnv(emu, { EDGEFORM_GAAP_ENDPOINT: proxy.url });
  const applied = await runCli(['apply', '--auto-approve', '--verbose'], { cwd: dir, env });
  return { applied, dir, env };
}

describe('a create whose sends fail uncommitted, each looked up and found absent', () => {
  it('five InternalErrors then a connection lost after sending (faults seed 1): converges on the first apply', async () => {
    const { applied, dir, env } = await applyL4('sends-seed1', (action, n) =>
      action !== 'CreateUDPListeners' ? false : n <= 5 ? 'internal-error' : n === 6 ? 'drop' : false,
    );
    expect(applied.exitCode, `${applied.stdout}\n${applied.stderr}`).toBe(0);
    expect(proxy?.lost.get('CreateUDPListeners')).toBe(6);
    // Each failed send was looked for before the next one went out.
    for (let send = 1; send <= 6; send++) {
      const failure = send <= 5 ? 'InternalError' : 'UND_ERR_SOCKET';
      expect(applied.stderr).toMatch(
        new RegExp(
          `retry gaap CreateUDPListeners \\(attempt ${send + 1}\\) in [\\d.]+s: ${failure}, and the object does not exist`,
        ),
      );
    }
    const replan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
    expect(replan.exitCode, `${replan.stdout}\n${replan.stderr}`).toBe(0);
    const state = await gaapState(emu!);
    expect(gaapDuplicates(state)).toEqual([]);
    expect(gaapCounts(state)).toEqual({ proxies: 1, realServers: 4, listeners: 3 });
  }, 120_000);

  it(`every one of ${MAX_CREATE_SENDS} sends failing: the step fails saying each was looked up, and nothing exists`, async () => {
    const { applied } = await applyL4('sends-all', (action) =>
      action === 'CreateUDPListeners' ? 'drop' : false,
    );
    expect(applied.exitCode).toBe(1);
    expect(proxy?.lost.get('CreateUDPListeners')).toBe(MAX_CREATE_SENDS);
    expect(applied.stderr).toContain(
      `GAAP CreateUDPListeners failed after ${MAX_CREATE_SENDS} attempts: UND_ERR_SOCKET: ${MAX_CREATE_SENDS} sends failed, and after each one DescribeUDPListeners found no such object`,
    );
    // The last attempt's own words would be false of the step: it was sent again, 9 times.
    expect(applied.stderr).not.toContain('it was not repeated');
    const listeners = Object.values((await gaapState(emu!)).listeners);
    expect(listeners.filter((l) => l.Protocol === 'UDP')).toEqual([]);
  }, 180_000);
});
