import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { cliEnv, emulator, runCli, scratchDir, stackYaml, writeYaml } from './harness.js';

/** Inputs that used to be accepted, hang or crash: each is refused before any request. */
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await emulator({ baishanDomains: ['bi.example.com'] });
});
afterAll(async () => {
  await emu.close();
});

function requests(): number {
  const s = emu.stats();
  return s.gaap.total + s.baishan.total;
}

const PROXY = '{accessRegion: SouthChina, realServerRegion: NorthAmerica, bandwidth: 10, concurrent: 2}';

describe('bad input', () => {
  const tagged = {
    '!!omap': `gaap:\n  proxies: !!omap\n    - web: ${PROXY}\n`,
    '!!set': `gaap:\n  proxies: !!set\n    ? web\n`,
    '!!binary': `baishan:\n  domains:\n    - domain: bi.example.com\n      config: {range_back_source: !!binary b2Zm}\n`,
    '!!timestamp': `baishan:\n  domains:\n    - domain: bi.example.com\n      config: {range_back_source: !!timestamp 2001-12-14}\n`,
  };
  for (const [tag, section] of Object.entries(tagged)) {
    it(`refuses the YAML tag ${tag} with its location, 0 requests`, async () => {
      const dir = scratchDir('edgeform-bad-');
      writeYaml(dir, 'edgeform.yaml', stackYaml('bad', section));
      emu.resetStats();
      for (const command of ['validate', 'plan']) {
        const r = await runCli([command], { cwd: dir, env: cliEnv(emu) });
        expect(r.exitCode).toBe(1);
        expect(r.stderr).toContain(`the tag ${tag} is not allowed`);
        expect(r.stderr).toMatch(/edgeform\.yaml:\d+:\d+/);
        expect(r.stderr).not.toContain('INTERNAL');
      }
      expect(requests()).toBe(0);
    });
  }

  it('keeps explicit JSON tags (!!str) working', async () => {
    const dir = scratchDir('edgeform-bad-');
    writeYaml(
      dir,
      'edgeform.yaml',
      stackYaml(
        'bad',
        'baishan:\n  domains:\n    - domain: !!str bi.example.com\n      config: {range_back_source: "off"}\n',
      ),
    );
    const r = await runCli(['validate'], { cwd: dir, env: cliEnv(emu) });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('refuses a FIFO as -f at once instead of waiting for a writer', async () => {
    const dir = scratchDir('edgeform-bad-');
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const started = Date.now();
    const r = await runCli(['validate', '-f', 'pipe.yaml'], { cwd: dir, env: cliEnv(emu) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('not a regular file');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('reports plan --out into a missing directory as a user error', async () => {
    const dir = scratchDir('edgeform-bad-');
    writeYaml(
      dir,
      'edgeform.yaml',
      stackYaml(
        'bad',
        'baishan:\n  domains:\n    - domain: bi.example.com\n      config: {range_back_source: "off"}\n',
      ),
    );
    const r = await runCli(['plan', '--out', 'missing/plan.json'], { cwd: dir, env: cliEnv(emu) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error[PLAN_OUT_UNWRITABLE]');
    expect(r.stderr).not.toContain('INTERNAL');
  });

  for (const args of [
    ['--fault-rate', '2'],
    ['--drop-rate', '-0.1'],
    ['--latency-ms', '-5'],
    ['--gaap-port', '70000'],
    ['--rate-window-scale', '0'],
  ]) {
    it(`the emulator refuses ${args.join(' ')}`, async () => {
      const r = await runCli(['emulator', ...args], { cwd: scratchDir('edgeform-bad-'), env: {} });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('error[EMULATOR_OPTION_INVALID]');
      expect(r.stdout).toBe('');
    });
  }
});
