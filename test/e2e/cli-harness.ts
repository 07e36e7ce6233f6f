import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMULATOR_DEFAULTS } from '../../src/emulator/index.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a process. Asynchronous on purpose: the emulator the tests start lives in
 * this process and must keep answering while the CLI runs.
 */
export function runCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', ...opts.env },
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
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
  });
}

export function scratchDir(prefix = 'edgeform-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeYaml(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The environment that points the CLI at an in-process emulator, with its credentials and clock. */
export function emulatorEnv(
  emulator: { gaap: string; baishan: string },
  rateWindowScale: number,
): NodeJS.ProcessEnv {
  return {
    EDGEFORM_GAAP_ENDPOINT: emulator.gaap,
    EDGEFORM_BAISHAN_ENDPOINT: emulator.baishan,
    TENCENTCLOUD_SECRET_ID: EMULATOR_DEFAULTS.secretId,
    TENCENTCLOUD_SECRET_KEY: EMULATOR_DEFAULTS.secretKey,
    BAISHAN_TOKEN: EMULATOR_DEFAULTS.baishanToken,
    EDGEFORM_RATE_WINDOW_SCALE: String(rateWindowScale),
  };
}
