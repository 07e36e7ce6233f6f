import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../e2e/cli-harness.js';

const HOOK = join(ROOT, 'test', 'fixtures', 'trace-imports', 'register.mjs');
const EXAMPLE = join(ROOT, 'examples', 'baishan-image-cdn.yaml');

/**
 * The CLI is bundled (scripts/bundle-cli.mjs): dist/cli/main.js and chunks, each holding some
 * source modules, listed in dist/cli/bundle-inputs.json. A file loaded stands for its modules.
 */
function bundleInputs(): Record<string, string[]> {
  return JSON.parse(readFileSync(join(ROOT, 'dist', 'cli', 'bundle-inputs.json'), 'utf8'));
}

/**
 * Runs the built CLI and returns the modules it loaded: source files (`src/…`) for the bundle's
 * files, package names (`pkg:…`) for node_modules, paths relative to the repository otherwise.
 */
function loadedModules(args: string[]): { status: number | null; modules: string[] } {
  const trace = join(mkdtempSync(join(tmpdir(), 'edgeform-trace-')), 'imports.txt');
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(HOOK).href, CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', EDGEFORM_TRACE_IMPORTS: trace },
    encoding: 'utf8',
  });
  const root = `${pathToFileURL(ROOT).href}/`;
  const bundle = bundleInputs();
  const modules = readFileSync(trace, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith('file:') && !u.includes('/test/fixtures/trace-imports/'))
    .flatMap((u) => {
      const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
      if (pkg) return [`pkg:${pkg[1]}`];
      const file = u.replace(root, '');
      return bundle[file] ?? [file];
    });
  return { status: run.status, modules: [...new Set(modules)].sort() };
}

const HEAVY = ['pkg:undici', 'pkg:fast-json-patch'];
const isEmulator = (m: string) => m.startsWith('src/emulator/') && m !== 'src/emulator/emulator-defaults.ts';

// Start-up cost: every command is imported when it runs (see the NOTE in src/cli/main.ts).
describe('the CLI loads only what the command it runs needs (built CLI)', () => {
  // emulator-defaults.ts: three constants without imports, so `emulator --help` can print them.
  // jit-tuning.ts: one V8 flag, set once a command's modules are loaded.
  const ENTRY = [
    'src/cli/jit-tuning.ts',
    'src/cli/main.ts',
    'src/core/package-files.ts',
    'src/emulator/emulator-defaults.ts',
    'src/version.ts',
  ];

  it.each([
    ['--help'],
    ['plan', '--help'],
    ['no-such-command'],
  ])('`edgeform %s` loads the entry point, the version and commander, nothing else', (...args) => {
    const { modules } = loadedModules(args);
    expect(modules).toEqual(['pkg:commander', ...ENTRY]);
  });

  it('`edgeform --version` (and -V) loads the entry point and the version, not even commander', () => {
    for (const flag of ['--version', '-V']) {
      const { status, modules } = loadedModules([flag]);
      expect(status).toBe(0);
      expect(modules).toEqual(ENTRY);
    }
  });

  it('`validate` loads the loader but no HTTP client, no emulator, no planner', () => {
    const { status, modules } = loadedModules(['validate', '-f', EXAMPLE]);
    expect(status).toBe(0);
    expect(modules).toContain('src/cli/commands/validate.ts');
    expect(
      modules.filter((m) => m === 'pkg:undici' || isEmulator(m) || m.startsWith('src/planner/')),
    ).toEqual([]);
    expect(modules.filter((m) => m.startsWith('src/cli/commands/'))).toEqual([
      'src/cli/commands/context.ts',
      'src/cli/commands/validate.ts',
    ]);
  });

  it('`plan` without --sandbox does not load the emulator', () => {
    // No credentials: the run fails after loading the workflow, before any call.
    const { modules } = loadedModules(['plan', '-f', EXAMPLE]);
    expect(modules).toContain('src/workflow/session.ts');
    expect(modules.filter(isEmulator)).toEqual([]);
    // undici is loaded with the first connection pool (transport/http-pool.ts), and no call was made.
    expect(modules).toContain('src/transport/http-pool.ts');
    expect(modules).not.toContain('pkg:undici');
  });

  it('the heavy packages are named right (the checks above would pass vacuously otherwise)', () => {
    const { modules } = loadedModules(['plan', '--sandbox', '-f', EXAMPLE, '--format', 'json']);
    expect(modules.filter(isEmulator).length).toBeGreaterThan(0);
    expect(modules).toEqual(expect.arrayContaining(HEAVY));
  });

  it('the CLI runs from the bundle: no module of the library build (dist/) is loaded', () => {
    const { modules } = loadedModules(['plan', '--sandbox', '-f', EXAMPLE, '--format', 'json']);
    expect(modules.filter((m) => m.startsWith('dist/'))).toEqual([]);
  });

  it('the yaml package is loaded only for a file the fast parser declines (positions of the others come from yaml-positions.ts)', () => {
    const valid = loadedModules(['validate', '-f', EXAMPLE]);
    expect(valid.status).toBe(0);
    expect(valid.modules).not.toContain('pkg:yaml');
    const dir = mkdtempSync(join(tmpdir(), 'edgeform-trace-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(EXAMPLE, 'utf8').replace(/^stack: .*$/m, 'stack: 42'));
    const invalid = loadedModules(['validate', '-f', bad]);
    expect(invalid.status).not.toBe(0);
    expect(invalid.modules).not.toContain('pkg:yaml');
    // A block scalar is outside the fast parser's subset.
    writeFileSync(bad, readFileSync(EXAMPLE, 'utf8').replace(/^stack: .*$/m, 'stack: |\n  42'));
    const declined = loadedModules(['validate', '-f', bad]);
    expect(declined.status).not.toBe(0);
    expect(declined.modules).toContain('pkg:yaml');
  });
});
