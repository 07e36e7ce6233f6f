import { basename } from 'node:path';
import { EdgeformError } from '../../core/errors.js';
import { initProject } from '../../workflow/init-project.js';
import type { GlobalFlags } from '../global-flags.js';
import { commandContext } from './context.js';

export interface InitFlags extends GlobalFlags {
  stack?: string;
  force?: boolean;
}

const STACK_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `edgeform init`: a starter edgeform.yaml and editor settings in the current directory. */
export async function runInit(flags: InitFlags): Promise<void> {
  const ctx = commandContext(flags);
  const stack = flags.stack ?? stackNameFrom(basename(ctx.cwd));
  if (!STACK_NAME.test(stack)) {
    throw new EdgeformError({
      code: 'INIT_STACK_NAME_INVALID',
      message: `"${stack}" is not a valid stack name`,
      resolution: "use lower-case letters, digits and '-' (at most 63), e.g. --stack media-prod",
    });
  }
  const result = initProject({ dir: ctx.cwd, stack, force: Boolean(flags.force) });
  const err = (s: string) => ctx.note(s);
  for (const p of result.written) err(`${ctx.err.green('wrote')} ${p}`);
  for (const k of result.kept) err(`${ctx.err.yellow('kept')} ${k.path}: ${k.why}`);
  err(`\nStack ${stack}. Next: edgeform plan --sandbox   (the embedded emulator; no account needed)`);
}

/** The directory name as a stack name, or `my-stack` when nothing usable is left. */
function stackNameFrom(dir: string): string {
  const name = dir
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return STACK_NAME.test(name) ? name : 'my-stack';
}
