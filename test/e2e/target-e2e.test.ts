import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { runCli, scratchDir, writeYaml } from './cli-harness.js';

const B = 'baishan.domain["b.example.com"]';

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({
    baishanDomains: ['a.example.com', 'b.example.com', 'c.example.com'],
    rateWindowScale: 0.05,
  });
  env = {
    EDGEFORM_BAISHAN_ENDPOINT: emulator.baishan,
    BAISHAN_TOKEN: EMULATOR_DEFAULTS.baishanToken,
    EDGEFORM_RATE_WINDOW_SCALE: '0.05',
  };
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  dir = scratchDir('edgeform-target-');
  // Different values per domain: one POST each, so a target can keep exactly one step.
  writeYaml(
    dir,
    'edgeform.yaml',
    `version: 1
stack: targets
baishan:
  domains:
    - domain: a.example.com
      config: { timeout: { time: "11" } }
    - domain: b.example.com
      config: { timeout: { time: "22" } }
    - domain: c.example.com
      config: { timeout: { time: "33" } }
`,
  );
  for (const domain of ['a.example.com', 'b.example.com', 'c.example.com']) {
    await fetch(`${emulator.baishan}/_emulator/baishan/set-config`, {
      method: 'POST',
      body: JSON.stringify({ domain, config: { timeout: { time: '5' } } }),
    });
  }
});

async function liveTimeout(domain: string): Promise<unknown> {
  const q = new URLSearchParams({ token: EMULATOR_DEFAULTS.baishanToken, domains: domain });
  q.append('config[]', 'timeout');
  const res = await fetch(`${emulator.baishan}/v2/domain/config?${q}`);
  const body = (await res.json()) as { data: { config: { timeout?: { time: string } } }[] };
  return body.data[0]!.config.timeout?.time;
}

interface PlanJson {
  partial: boolean;
  targets: string[];
  changes: { address: string; kind: string }[];
  steps: { addresses: string[]; payload: { domains: string[] } }[];
}

describe('plan --target', () => {
  it('plans only the targeted object', async () => {
    const r = await runCli(['plan', '--target', B, '--format', 'json'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(plan.partial).toBe(true);
    expect(plan.targets).toEqual([B]);
    expect(plan.changes.map((c) => [c.address, c.kind])).toEqual([[B, 'update']]);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]!.addresses).toEqual([B]);
    expect(plan.steps[0]!.payload.domains).toEqual(['b.example.com']);

    // Without a target all three differ.
    const full = JSON.parse(
      (await runCli(['plan', '--format', 'json'], { cwd: dir, env })).stdout,
    ) as PlanJson;
    expect(full.partial).toBe(false);
    expect(full.steps).toHaveLength(3);
  });

  it('says in the text, and in the Markdown, that the plan is partial', async () => {
    const text = await runCli(['plan', '--target', B, '--detailed-exitcode'], { cwd: dir, env });
    expect(text.exitCode, text.stderr).toBe(2);
    expect(text.stdout).toContain(`This is a partial plan, limited to: ${B}`);
    expect(text.stdout).toContain('Objects outside the targets were not compared');
    expect(text.stdout).toContain('~ baishan_domain "b.example.com"');
    expect(text.stdout).not.toContain('a.example.com');
    expect(text.stdout).not.toContain('c.example.com');
    expect(text.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');

    const md = await runCli(['plan', '--target', B, '--format', 'markdown'], { cwd: dir, env });
    expect(md.exitCode, md.stderr).toBe(0);
    expect(md.stdout).toContain('**Partial plan**');
    expect(md.stdout).toContain(`\`${B}\``);
  });

  it('a target that matches nothing is an error, not "No changes"', async () => {
    const r = await runCli(['plan', '--target', 'baishan.domain["zzz.example.com"]', '--detailed-exitcode'], {
      cwd: dir,
      env,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'error[TARGET_NOT_FOUND]: --target baishan.domain["zzz.example.com"] matches no object',
    );
    expect(r.stderr).toContain('baishan.domain["a.example.com"]');
  });

  it('a target that is not an address is an error that shows the form', async () => {
    const r = await runCli(['plan', '--target', 'b.example.com'], { cwd: dir, env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error[TARGET_INVALID]: --target "b.example.com" is not an address');
    expect(r.stderr).toContain(`--target 'baishan.domain[`);
    expect(r.stderr).not.toContain('INTERNAL');
  });

  it('a target that is in sync plans "No changes" (it exists: that is an answer)', async () => {
    await runCli(['plan', '--target', B, '--out', 'p.json'], { cwd: dir, env });
    expect((await runCli(['apply', 'p.json'], { cwd: dir, env })).exitCode).toBe(0);
    const r = await runCli(['plan', '--target', B, '--detailed-exitcode'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('No changes.');
  });

  it('a saved plan with targets applies only its steps; the rest is still to do', async () => {
    const saved = await runCli(['plan', '--target', B, '--out', 'p.json'], { cwd: dir, env });
    expect(saved.exitCode, saved.stderr).toBe(0);
    const file = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')) as PlanJson;
    expect(file.targets).toEqual([B]);
    expect(file.steps).toHaveLength(1);

    emulator.resetStats();
    const applied = await runCli(['apply', 'p.json'], { cwd: dir, env });
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(emulator.stats().baishan.requests['POST domain/config']).toBe(1);
    expect(await liveTimeout('b.example.com')).toBe('22');
    expect(await liveTimeout('a.example.com')).toBe('5');
    expect(await liveTimeout('c.example.com')).toBe('5');

    const rest = JSON.parse(
      (await runCli(['plan', '--format', 'json'], { cwd: dir, env })).stdout,
    ) as PlanJson;
    expect(
      rest.changes
        .filter((c) => c.kind !== 'no-op')
        .map((c) => c.address)
        .sort(),
    ).toEqual(['baishan.domain["a.example.com"]', 'baishan.domain["c.example.com"]']);
  });
});
