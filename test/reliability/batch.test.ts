import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import {
  baishanAdmin,
  baishanState,
  changedAddresses,
  cliEnv,
  emulator,
  type PlanJson,
  report,
  runCli,
  scratchDir,
  stackYaml,
  writeYaml,
} from './harness.js';

// Ten domains with one identical config: one POST of 10 domains. Baishan refuses the whole call
// when one domain is offline; edgeform must still apply the nine others and name the tenth.
const domains = Array.from({ length: 10 }, (_, i) => `b${i}.batch.example.com`);
const BAD = domains[6]!;
const address = (d: string) => `baishan.domain["${d}"]`;

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await emulator({ baishanDomains: domains });
  await baishanAdmin(emu, 'domains', { domains: [BAD], status: 'offline' });
});
afterAll(async () => {
  await emu.close();
});

describe('a Baishan batch with one domain the API refuses', () => {
  it('applies the other nine, reports the bad one with its error code, exit 1', async () => {
    const dir = scratchDir('edgeform-batch-');
    writeYaml(
      dir,
      'edgeform.yaml',
      stackYaml(
        'batch',
        `baishan:\n  domains:\n    - domains: [${domains.join(', ')}]\n      config:\n        timeout: { time: "25" }\n        client_real_ip: { head: X-Real-IP }\n`,
      ),
    );
    const env = cliEnv(emu);

    const planned = await runCli(['plan', '--format', 'json'], { cwd: dir, env });
    expect(planned.exitCode, planned.stderr).toBe(0);
    expect((JSON.parse(planned.stdout) as PlanJson).steps).toHaveLength(1);

    emu.resetStats();
    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(1);
    expect(applied.stdout).toContain('Apply incomplete.');
    // The report says the batch was applied to the others, not just that the step failed.
    expect(applied.stdout).toContain('applied to 9 of 10; failed for:');
    const failureLines = applied.stdout.split('\n').filter((l) => l.includes('[BAISHAN_DOMAIN_OFFLINE]'));
    expect(failureLines, applied.stdout).toHaveLength(1);
    expect(failureLines[0]).toContain(address(BAD));
    // No other domain is named as failed.
    for (const d of domains.filter((x) => x !== BAD)) expect(failureLines[0]).not.toContain(address(d));
    expect(applied.stderr).toContain(BAD);
    const posts = emu.stats().baishan.requests['POST domain/config'] ?? 0;

    // The nine online domains carry the change; the offline one does not.
    const live = new Map((await baishanState(emu)).map((d) => [d.name, d.config]));
    for (const d of domains) {
      const config = live.get(d) ?? {};
      if (d === BAD) expect(config.timeout, d).toBeUndefined();
      else expect(config.timeout, d).toBeDefined();
    }

    // The next plan describes exactly what remains: the offline domain.
    const replan = await runCli(['plan', '--format', 'json'], { cwd: dir, env });
    expect(replan.exitCode, replan.stderr).toBe(0);
    expect(changedAddresses(JSON.parse(replan.stdout) as PlanJson)).toEqual([address(BAD)]);

    // Once the domain is back online, one apply finishes the job.
    await baishanAdmin(emu, 'domains', { domains: [BAD], status: 'online' });
    const finished = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(finished.exitCode, finished.stdout + finished.stderr).toBe(0);
    const done = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
    expect(done.exitCode, done.stdout).toBe(0);
    report('batch', { domains: domains.length, offline: 1, postsForTheBatch: posts });
  }, 120_000);
});
