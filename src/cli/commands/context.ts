import { resolve } from 'node:path';
import type { EventSink } from '../../core/event-types.js';
import { type Colors, decideColor, makeColors } from '../colors.js';
import type { GlobalFlags } from '../global-flags.js';
import { openLogFile } from '../log-file.js';
import { createReporter } from '../progress.js';

export interface CommandContext {
  files: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: Colors;
  err: Colors;
  reporter: EventSink & { finish(): void };
  /** A line for the operator on stderr (an `info` event with --events jsonl). */
  note(text: string): void;
  /** A warning on stderr (a `warning` event with --events jsonl). */
  warn(text: string): void;
  ci: boolean;
  interactive: boolean;
  /** --events jsonl: stderr carries JSON lines only, so nothing else may be written there. */
  jsonEvents: boolean;
}

/** Flags → the environment every command works in. The only reader of TTY and CI state. */
export function commandContext(flags: GlobalFlags & { file?: string[] }): CommandContext {
  const env = process.env;
  const cwd = process.cwd();
  const ci = Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
  const jsonEvents = flags.events === 'jsonl';
  const err = makeColors(jsonEvents ? false : decideColor(process.stderr, env, flags.color));
  const reporter = jsonEvents
    ? Object.assign(openLogFile('-', env).sink, { finish: () => {} })
    : createReporter({
        stream: process.stderr,
        colors: err,
        // A dumb terminal cannot redraw a line: progress is printed as plain lines there.
        live: Boolean(process.stderr.isTTY) && !ci && env.TERM !== 'dumb',
        verbose: Boolean(flags.verbose),
      });
  const say = (kind: 'info' | 'warning', text: string) => {
    if (jsonEvents) reporter({ kind, message: text });
    else process.stderr.write(`${kind === 'warning' ? `${err.yellow('warning')}: ` : ''}${text}\n`);
  };
  return {
    files: (flags.file?.length ? flags.file : ['edgeform.yaml']).map((f) => resolve(cwd, f)),
    cwd,
    env,
    out: makeColors(decideColor(process.stdout, env, flags.color)),
    err,
    reporter,
    note: (text) => say('info', text),
    warn: (text) => say('warning', text),
    ci,
    // Machine events mean a machine reads stderr: no prompt is written there.
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY) && !ci && !jsonEvents,
    jsonEvents,
  };
}

export function writeOut(text: string): void {
  process.stdout.write(text);
}
