import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The absolute path of a file of the edgeform package (`package.json`, `schemas/…`), found by
 * walking up from this module: it runs from src/core (tests), dist/core (the library build) and
 * from a chunk of the bundled CLI (dist/cli/chunks, scripts/bundle-cli.mjs), each at another depth.
 */
export function packageFile(relative: string): string {
  const here = fileURLToPath(import.meta.url);
  let dir = dirname(here);
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`cannot find ${relative} above ${here}`);
}
