#!/usr/bin/env node
// The README's first command: plan, apply and re-plan an example against the embedded emulator
// (--sandbox), in a fresh scratch directory so the demo always starts from an empty account.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'main.js');
// One stack with a GAAP proxy and two Baishan domains: one plan, one apply, both vendors.
const example = join(root, 'examples', 'edge-estate.yaml');
const work = mkdtempSync(join(tmpdir(), 'edgeform-demo-'));

// Bold command lines only where colour is wanted: never escape codes into a file or a pipe (the
// same rule as the CLI: a TTY that is not TERM=dumb, NO_COLOR off, FORCE_COLOR=0 off).
const env = process.env;
const force = env.FORCE_COLOR;
const color =
  !(env.NO_COLOR ?? '') &&
  (force !== undefined && force !== ''
    ? force !== '0' && force !== 'false'
    : Boolean(process.stderr.isTTY) && env.TERM !== 'dumb');
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);

function run(args) {
  const shown = args.map((a) => (a.startsWith('/') ? relative(process.cwd(), a) || a : a)).join(' ');
  process.stderr.write(`\n${bold(`$ edgeform ${shown}`)}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: work,
    stdio: 'inherit',
    env: { ...process.env },
  });
  return r.status ?? 1;
}

let failed = false;
try {
  failed ||= run(['validate', '-f', example]) !== 0;
  failed ||= run(['plan', '--sandbox', '-f', example]) !== 0;
  failed ||= run(['apply', '--sandbox', '--auto-approve', '-f', example]) !== 0;
  // After the apply the live state matches: exit 0 here means "no changes".
  failed ||= run(['plan', '--sandbox', '--detailed-exitcode', '-f', example]) !== 0;
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stderr.write(
  failed ? '\nDemo failed.\n' : '\nDemo complete: planned, applied, and re-planned to no changes.\n',
);
process.exitCode = failed ? 1 : 0;
