import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Colour only on a TTY that is not `TERM=dumb`. NO_COLOR and --no-color turn it off; FORCE_COLOR
 * turns it on, and FORCE_COLOR=0 off.
 * NOTE: picocolors' own detection enables colour when CI=true even when piped; we decide here.
 */
export function decideColor(
  stream: NodeJS.WriteStream,
  env: NodeJS.ProcessEnv,
  flag: boolean | undefined,
): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  // FORCE_COLOR=0 / false turns colour off even on a TTY (the convention chalk and Node follow).
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.TERM === 'dumb') return false;
  return Boolean(stream.isTTY);
}

export function makeColors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}
