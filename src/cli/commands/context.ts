import { resolve } from 'node:path';
import { type Colors, decideColor, makeColors } from '../colors.js';
import type { GlobalFlags } from '../global-flags.js';
import { createReporter } from '../progress.js';

export interface CommandContext {
  files: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: Colors;
  err: Colors;
  reporter: ReturnType<typeof createReporter>;
  ci: boolean;
  interactive: boolean;
}

/** Flags → the environment every command works in. The only reader of TTY and CI state. */
export function commandContext(flags: GlobalFlags & { file?: string[] }): CommandContext {
  const env = process.env;
  const cwd = process.cwd();
  const ci = Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
  const errColor = decideColor(process.stderr, env, flags.color);
  const err = makeColors(errColor);
  return {
    files: (flags.file?.length ? flags.file : ['edgeform.yaml']).map((f) => resolve(cwd, f)),
    cwd,
    env,
    out: makeColors(decideColor(process.stdout, env, flags.color)),
    err,
    reporter: createReporter({
      stream: process.stderr,
      colors: err,
      // A dumb terminal cannot redraw a line: progress is printed as plain lines there.
      live: Boolean(process.stderr.isTTY) && !ci && env.TERM !== 'dumb',
      verbose: Boolean(flags.verbose),
    }),
    ci,
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY) && !ci,
  };
}

export function writeOut(text: string): void {
  process.stdout.write(text);
}
