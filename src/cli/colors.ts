import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Colour only on a TTY. NO_COLOR and --no-color turn it off, FORCE_COLOR turns it on.
 * NOTE: picocolors' own detection enables colour when CI=true even when piped; we decide here.
 */
export function decideColor(
  stream: NodeJS.WriteStream,
  env: NodeJS.ProcessEnv,
  flag: boolean | undefined,
): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return Boolean(stream.isTTY);
}

export function makeColors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}
