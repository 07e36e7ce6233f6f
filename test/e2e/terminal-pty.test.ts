import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { startEmulator } from '../../src/emulator/index.js';
import { CLI, type CliResult, emulatorEnv, ROOT, runCli, scratchDir, writeYaml } from './cli-harness.js';

/**
 * The CLI on a real terminal: `script` (util-linux) gives it a pty, so stdin and stderr are TTYs,
 * readline asks its question, and Ctrl-C arrives as the key it is (byte 0x03), not as a signal.
 */
const hasScript = spawnSync('script', ['--version']).status === 0;
const SGR = /\x1b\[[0-9;]*m/;
const ANY_ESCAPE = /\x1b\[/;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function onPty(
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; answer?: (output: string) => string | undefined },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, CLI, ...args].map(quote).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let answered = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      output += d;
      if (answered || !opts.answer) return;
      const reply = opts.answer(output);
      if (reply !== undefined) {
        answered = true;
        child.stdin.write(reply);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout: output, stderr: '' }));
  });
}

const PROMPT = "Only 'yes' will be accepted: ";
const at = (reply: string) => (out: string) => (out.includes(PROMPT) ? reply : undefined);

describe.skipIf(!hasScript)('on a terminal (pty)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = scratchDir('edgeform-pty-');
    expect((await runCli(['init', '--stack', 'pty'], { cwd: dir })).exitCode).toBe(0);
  });

  it('Ctrl-C at the approval prompt cancels: exit 130, nothing changed, no internal error', async () => {
    const r = await onPty(['apply', '--sandbox'], { cwd: dir, answer: at('\x03') });
    expect(r.exitCode, r.stdout).toBe(130);
    expect(r.stdout).toContain('Apply cancelled. Nothing was changed.');
    expect(r.stdout).not.toContain('INTERNAL');
    expect(r.stdout).not.toContain('bug');
    const after = await runCli(['plan', '--sandbox', '--detailed-exitcode'], { cwd: dir });
    expect(after.exitCode, after.stderr).toBe(2);
    expect(after.stdout).toContain('Plan: 3 to add, 1 to change, 0 to destroy.');
  });

  it('answering "no" exits 1 and changes nothing', async () => {
    const r = await onPty(['apply', '--sandbox'], { cwd: dir, answer: at('no\r') });
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stdout).toContain('Apply cancelled. Nothing was changed.');
    const after = await runCli(['plan', '--sandbox', '--detailed-exitcode'], { cwd: dir });
    expect(after.exitCode).toBe(2);
  });

  it('colours a terminal, but not with FORCE_COLOR=0, NO_COLOR or TERM=dumb', async () => {
    const coloured = await onPty(['plan', '--sandbox'], { cwd: dir });
    expect(coloured.exitCode).toBe(0);
    expect(coloured.stdout).toMatch(SGR);
    for (const env of [{ FORCE_COLOR: '0' }, { NO_COLOR: '1' }, { TERM: 'dumb' }]) {
      const r = await onPty(['plan', '--sandbox'], { cwd: dir, env });
      expect(r.exitCode, JSON.stringify(env)).toBe(0);
      expect(r.stdout, JSON.stringify(env)).toContain('Plan: 3 to add');
      expect(r.stdout, JSON.stringify(env)).not.toMatch(SGR);
    }
    // A dumb terminal gets no cursor movement either (no live progress line).
    const dumb = await onPty(['plan', '--sandbox'], { cwd: dir, env: { TERM: 'dumb' } });
    expect(dumb.stdout).not.toMatch(ANY_ESCAPE);
  });
});

describe.skipIf(!hasScript)('the live progress line through a rate-limit window (pty)', () => {
  // Baishan's 30 calls a minute, on a clock where a minute is 12 s: 40 domains with 40 different
  // configs are 4 reads and 40 writes, so the apply must wait out one window with nothing running.
  const SCALE = 0.2;
  const domains = Array.from({ length: 40 }, (_, i) => `p${i}.pty.example.com`);
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ baishanDomains: domains, rateWindowScale: SCALE });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('keeps ticking while it waits, says for which budget and how long, and its ETA is never before it', async () => {
    const dir = scratchDir('edgeform-pty-rate-');
    const blocks = domains.map(
      (d, i) => `    - domains: [${d}]\n      config:\n        client_real_ip: { head: X-Client-IP-${i} }\n`,
    );
    writeYaml(dir, 'edgeform.yaml', `version: 1\nstack: pty-rate\nbaishan:\n  domains:\n${blocks.join('')}`);
    const r = await onPty(['apply', '--auto-approve'], { cwd: dir, env: emulatorEnv(emulator, SCALE) });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('Apply complete!');
    // Every redraw of the status line, escape codes removed.
    const frames = r.stdout
      .split(/\r|\n/)
      .map((f) => f.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''))
      .filter((f) => /^\[\d+\/40\]/.test(f));
    const waits = frames
      .map((f) => ({ f, m: /baishan account rate limit: next in (\d+)s.*eta (\d+)s/.exec(f) }))
      .filter((x) => x.m !== null);
    // Redrawn on a timer through the window (not frozen on one frame), counting down.
    expect(waits.length, frames.join('\n')).toBeGreaterThanOrEqual(4);
    const nextIn = waits.map((x) => Number(x.m?.[1]));
    expect(Math.min(...nextIn)).toBeLessThan(Math.max(...nextIn));
    // The ETA never ends before the budget returns, and stays within the window (no `eta 370s`).
    for (const x of waits) {
      expect(Number(x.m?.[2]), x.f).toBeGreaterThanOrEqual(Number(x.m?.[1]));
      expect(Number(x.m?.[2]), x.f).toBeLessThanOrEqual(60);
    }
  }, 120_000);
});

describe('the demo', () => {
  it('writes no escape codes when its output goes to a file or a pipe', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'demo.mjs')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('Demo complete');
    expect(r.stdout + r.stderr).not.toMatch(ANY_ESCAPE);
  }, 180_000);
});
