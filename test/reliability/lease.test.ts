import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import type { GaapState } from '../../src/emulator/gaap/state.js';
import {
  cliEnv,
  emulator,
  gaapDuplicates,
  gaapState,
  report,
  runCli,
  scratchDir,
  spawnCli,
  stackYaml,
  writeYaml,
} from './harness.js';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';

/**
 * The run lease: two applies of one stack at once never interleave writes — one waits or is
 * refused with a clear message, and no object exists twice — and a saved plan applies at most
 * once. Certificates are the sharpest probe: no ClientToken and no unique alias, so two runs that
 * both planned "create" would leave two.
 */
const CERT_A = readFileSync(new URL('../fixtures/gaap/site-a.pem', import.meta.url), 'utf8');
const KEY_A = readFileSync(new URL('../fixtures/gaap/site-a.key', import.meta.url), 'utf8');
const CERT_B = readFileSync(new URL('../fixtures/gaap/site-b.pem', import.meta.url), 'utf8');
const KEY_B = readFileSync(new URL('../fixtures/gaap/site-b.key', import.meta.url), 'utf8');

const YAML = stackYaml(
  'leased',
  `gaap:
  certificates:
    site-a: { type: server, content: { file: a.pem }, key: { file: a.key } }
    site-b: { type: server, content: { file: b.pem }, key: { file: b.key } }
  realServers:
    origin: { address: 203.0.113.77 }
  proxies:
    edge:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
      listeners:
        - protocol: TCP
          port: 8443
          realServers:
            - { realServer: origin, port: 443 }
`,
);

function stackDir(): string {
  const dir = scratchDir('edgeform-lease-');
  writeYaml(dir, 'edgeform.yaml', YAML);
  writeYaml(dir, 'a.pem', CERT_A);
  writeYaml(dir, 'a.key', KEY_A);
  writeYaml(dir, 'b.pem', CERT_B);
  writeYaml(dir, 'b.key', KEY_B);
  return dir;
}

/** Every duplicate the harness knows of, plus certificates by alias. */
function duplicates(state: GaapState): string[] {
  const aliases = Object.values(state.certificates).map((c) => c.CertificateAlias);
  const twice = aliases.filter((a, i) => aliases.indexOf(a) !== i).map((a) => `certificate ${a}`);
  return [...gaapDuplicates(state), ...twice];
}

/** Resolves once the child printed `needle` on stdout (the plan is printed while the lease is held). */
async function until(run: ReturnType<typeof spawnCli>, needle: string): Promise<void> {
  for (let i = 0; i < 600 && !run.stdout().includes(needle); i++) {
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(run.stdout()).toContain(needle);
}

const APPLY = ['apply', '--auto-approve'];

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 120_000);
afterAll(() => {
  pg?.stop();
});

// Slow asynchronous states keep the first run inside its lease long enough for the second to meet it.
const emu = () => emulator({ asyncDelayMs: 1_500, latencyMs: 5 });

for (const backend of ['postgres', 'local'] as const) {
  describe(`run lease (${backend})`, () => {
    let em: RunningEmulator;
    beforeAll(async () => {
      em = await emu();
    });
    afterAll(async () => {
      await em.close();
    });
    const env = (extra: NodeJS.ProcessEnv = {}) =>
      cliEnv(em, { ...(backend === 'postgres' ? { EDGEFORM_LEASE: pg.url } : {}), ...extra });

    it('refuses a second apply -f while the first holds the lease, and leaves no duplicate', async () => {
      const dir = stackDir();
      const first = spawnCli(APPLY, { cwd: dir, env: env() });
      await until(first, 'Plan:');
      const second = await runCli(APPLY, { cwd: dir, env: env({ EDGEFORM_LEASE_WAIT: '0' }) });
      const a = await first.done;
      expect(a.exitCode, a.stderr).toBe(0);
      expect(second.exitCode).toBe(1);
      expect(second.stderr).toMatch(/stack leased is being applied by run [0-9a-f]{12} \(/);
      expect(second.stderr).toContain('nothing was read or changed by this run');
      expect(second.stderr).not.toContain('INTERNAL');
      const state = await gaapState(em);
      expect(duplicates(state)).toEqual([]);
      expect(Object.keys(state.certificates)).toHaveLength(2);
      report(`lease ${backend} refuse`, {
        certificates: Object.keys(state.certificates).length,
        duplicates: 0,
      });
    }, 120_000);

    it('makes a second apply -f wait, then plan against what the first left', async () => {
      const dir = stackDir();
      writeYaml(dir, 'edgeform.yaml', YAML.replace('bandwidth: 10', 'bandwidth: 20'));
      const both = [
        spawnCli(APPLY, { cwd: dir, env: env({ EDGEFORM_LEASE_WAIT: '120' }) }),
        spawnCli(APPLY, { cwd: dir, env: env({ EDGEFORM_LEASE_WAIT: '120' }) }),
      ];
      const results = await Promise.all(both.map((r) => r.done));
      for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
      const waited = results.filter((r) =>
        r.stderr.includes('waiting up to 120 s for the run lease of stack leased'),
      );
      expect(waited).toHaveLength(1);
      expect(waited[0]?.stdout).toContain('No changes');
      expect(duplicates(await gaapState(em))).toEqual([]);
    }, 120_000);

    it('runs one of two concurrent `apply PLAN` of one saved plan, refuses the other, and refuses it again later', async () => {
      const dir = stackDir();
      writeYaml(
        dir,
        'edgeform.yaml',
        YAML.replace('bandwidth: 10', 'bandwidth: 50').replace('port: 8443', 'port: 9443'),
      );
      const made = await runCli(['plan', '--out', 'plan.json'], { cwd: dir, env: env() });
      expect(made.exitCode, made.stderr).toBe(0);
      const both = [
        spawnCli(['apply', 'plan.json'], { cwd: dir, env: env({ EDGEFORM_LEASE_WAIT: '120' }) }),
        spawnCli(['apply', 'plan.json'], { cwd: dir, env: env({ EDGEFORM_LEASE_WAIT: '120' }) }),
      ];
      const results = await Promise.all(both.map((r) => r.done));
      const ok = results.filter((r) => r.exitCode === 0);
      const refused = results.filter((r) => r.exitCode === 1);
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(1);
      // With a shared ledger the refusal says why; the local lease refuses it as stale (the live
      // state moved under the first run).
      const why =
        backend === 'postgres'
          ? /PLAN_ALREADY_APPLIED|already applied by run/
          : /PLAN_STALE|live state changed/;
      expect(refused[0]?.stderr).toMatch(why);
      const again = await runCli(['apply', 'plan.json'], { cwd: dir, env: env() });
      expect(again.exitCode).toBe(1);
      expect(again.stderr).toMatch(why);
      expect(duplicates(await gaapState(em))).toEqual([]);
    }, 180_000);

    it('breaks the lease of a run that was killed, without waiting', async () => {
      const dir = stackDir();
      writeYaml(dir, 'edgeform.yaml', YAML.replace('bandwidth: 10', 'bandwidth: 100'));
      const victim = spawnCli(APPLY, { cwd: dir, env: env() });
      await until(victim, 'Plan:');
      victim.child.kill('SIGKILL');
      await victim.done;
      const next = await runCli(APPLY, { cwd: dir, env: env({ EDGEFORM_LEASE_WAIT: '10' }) });
      expect(next.exitCode, next.stderr).toBe(0);
      if (backend === 'local')
        expect(next.stderr).toMatch(
          /broke the stale run lease of stack leased \(run [0-9a-f]{12}: pid \d+ is gone\)/,
        );
      expect(duplicates(await gaapState(em))).toEqual([]);
    }, 120_000);
  });
}

it('refuses an unusable lease setting before any call, without a stack trace', async () => {
  const em = await emulator();
  try {
    const dir = stackDir();
    const bad = await runCli(APPLY, { cwd: dir, env: cliEnv(em, { EDGEFORM_LEASE: 'redis://x' }) });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('EDGEFORM_LEASE is neither a postgres:// URL');
    // A server that is not there: refused, the password not printed.
    const down = await runCli(APPLY, {
      cwd: dir,
      env: cliEnv(em, { EDGEFORM_LEASE: 'postgres://u:pw-not-printed@127.0.0.1:1/db' }),
    });
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toContain('cannot take the run lease at postgres://u@127.0.0.1:1/db');
    expect(down.stderr).not.toContain('pw-not-printed');
    expect(Object.keys((await gaapState(em)).certificates)).toHaveLength(0);
  } finally {
    await em.close();
  }
}, 60_000);
