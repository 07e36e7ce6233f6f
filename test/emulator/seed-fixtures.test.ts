import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { findSeedsDir } from '../../scripts/extract-seed-examples.mjs';

const script = fileURLToPath(new URL('../../scripts/extract-seed-examples.mjs', import.meta.url));
const seeds = findSeedsDir() as string | undefined;

/**
 * The committed seed fixtures (the GAAP examples and the emulator's region data) are derived from
 * the seed by a script; when the seed is reachable (shared/ beside the clone, EDGEFORM_SEEDS_DIR),
 * they must be what the script produces from it today.
 */
describe('seed-derived fixtures', () => {
  it.skipIf(!seeds)('are current with the seed documents', () => {
    expect(() =>
      execFileSync(process.execPath, [script, '--check', seeds!], { stdio: 'pipe' }),
    ).not.toThrow();
  });
});
