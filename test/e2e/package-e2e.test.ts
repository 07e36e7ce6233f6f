import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, ROOT, scratchDir } from './cli-harness.js';

/**
 * From `npm pack` to a working command in a directory with no repository around it.
 *
 * NOTE: `npm install --offline ./edgeform-*.tgz` cannot work on a machine that has only run
 * `npm ci`: npm 11 resolves the tarball's version ranges from full registry documents, and `npm ci`
 * caches only the abbreviated ones (and the dependency tarballs). So the test gives npm a lockfile
 * for the install — the repository's own resolutions of the production dependencies, the very
 * versions `npm ci` put in the cache — and `npm ci --offline` installs the tarball and its
 * dependencies with no network, as a user's project with edgeform in its lockfile would.
 *
 * NOTE: `npm install -g ./edgeform-*.tgz` reads no lockfile: it resolves every range from registry
 * documents. The test serves those documents itself (a registry of the lockfile's production
 * entries, on loopback) and installs with --prefer-offline, so each dependency tarball comes from
 * the npm cache, found by the lockfile's integrity — the exact path a user's `npm install -g` takes,
 * without the network.
 */
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
  scripts: Record<string, string>;
};
interface LockEntry {
  version?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  engines?: Record<string, string>;
  bin?: Record<string, string>;
}
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

let work: string;
let bin: string;
let projectBin: string;
let files: string[];
let registry: Server | undefined;

function edgeform(args: string[], cwd: string, command = bin): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: process.env.PATH, HOME: work, CI: 'true', NO_COLOR: '1' },
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

beforeAll(async () => {
  work = scratchDir('edgeform-pack-');
  // `prepack` runs the build; `npm test` has just built, so the test packs without scripts.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: ROOT,
      encoding: 'utf8',
    }),
  ) as { filename: string; files: { path: string }[] }[];
  const tarball = packed[0]!.filename;
  files = packed[0]!.files.map((f) => f.path);

  const project = join(work, 'project');
  mkdirSync(project);
  const packages: Record<string, unknown> = {
    '': { name: 'install-test', dependencies: { [pkg.name]: `file:../${tarball}` } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: `file:../${tarball}`,
      license: 'MIT',
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.startsWith('node_modules/') && !entry.dev && !entry.link) packages[path] = entry;
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify(packages['']));
  writeFileSync(
    join(project, 'package-lock.json'),
    JSON.stringify({ name: 'install-test', lockfileVersion: 3, requires: true, packages }),
  );
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: project,
    stdio: 'pipe',
  });
  projectBin = join(project, 'node_modules', '.bin', 'edgeform');

  // `npm install -g` of the same tarball into a prefix of its own.
  registry = await serveLockfileRegistry();
  const prefix = join(work, 'prefix');
  const { port } = registry.address() as AddressInfo;
  await promisify(execFile)(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--registry',
      `http://127.0.0.1:${port}/`,
      '--prefer-offline',
    ].concat(['--no-audit', '--no-fund', '--ignore-scripts', '--fetch-retries', '0', `./${tarball}`]),
    { cwd: work },
  );
  bin = join(prefix, 'bin', 'edgeform');
}, 300_000);

afterAll(() => {
  registry?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Registry documents for the production packages of package-lock.json (tarballs: the npm cache). */
function serveLockfileRegistry(): Promise<Server> {
  const docs = new Map<
    string,
    { name: string; 'dist-tags': { latest: string }; versions: Record<string, unknown> }
  >();
  for (const [path, e] of Object.entries(lock.packages) as [string, LockEntry][]) {
    if (!path.startsWith('node_modules/') || e.dev || e.link || !e.version) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const doc = docs.get(name) ?? { name, 'dist-tags': { latest: e.version }, versions: {} };
    doc.versions[e.version] = {
      name,
      version: e.version,
      dependencies: e.dependencies ?? {},
      optionalDependencies: e.optionalDependencies ?? {},
      peerDependencies: e.peerDependencies ?? {},
      peerDependenciesMeta: e.peerDependenciesMeta ?? {},
      engines: e.engines ?? {},
      bin: e.bin ?? {},
      dist: {
        tarball: `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${e.version}.tgz`,
        integrity: e.integrity,
      },
    };
    docs.set(name, doc);
  }
  const server = createServer((req, res) => {
    const doc = docs.get(decodeURIComponent((req.url ?? '/').slice(1)));
    res.writeHead(doc ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc ?? { error: 'not found' }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the npm package', () => {
  it('builds before packing and holds the built CLI, schemas, docs, LICENSE and README', () => {
    expect(pkg.scripts.prepack).toBe('npm run build');
    for (const f of [
      'dist/cli/main.js',
      'dist/index.js',
      'schemas/edgeform.schema.json',
      'schemas/baishan-desired-config.schema.json',
      'docs/desired-state.md',
      'docs/gitops.md',
      'LICENSE',
      'README.md',
    ]) {
      expect(files, f).toContain(f);
    }
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);
  });

  it('installs into a project from its lockfile (npm ci, offline) too', async () => {
    const v = await edgeform(['--version'], work, projectBin);
    expect(v.exitCode, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
  });

  it('installed with npm install -g, works in an empty directory: init, plan, show, apply, outputs, re-plan', async () => {
    // A real installation, not a link back into this repository.
    expect(realpathSync(bin).startsWith(realpathSync(join(work, 'prefix')))).toBe(true);
    expect(realpathSync(bin).startsWith(ROOT)).toBe(false);

    const dir = join(work, 'empty');
    mkdirSync(dir);

    const none = await edgeform(['plan', '--sandbox'], dir);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('error[FILE_NOT_FOUND]');
    expect(none.stderr).toContain('edgeform init');
    expect(none.stderr).not.toContain('INTERNAL');

    const init = await edgeform(['init', '--stack', 'starter'], dir);
    expect(init.exitCode, init.stderr).toBe(0);
    const yaml = readFileSync(join(dir, 'edgeform.yaml'), 'utf8');
    expect(yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=./edgeform.schema.json');
    expect(existsSync(join(dir, 'edgeform.schema.json'))).toBe(true);
    const settings = JSON.parse(readFileSync(join(dir, '.vscode', 'settings.json'), 'utf8'));
    expect(settings['yaml.schemas']).toEqual({
      './edgeform.schema.json': ['edgeform.yaml', '*.edgeform.yaml'],
    });
    for (const f of ['edgeform.yaml', '.vscode/settings.json']) {
      expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/node_modules|\/tmp\/|[A-Z]:\\/);
    }

    const plan = await edgeform(['plan', '--sandbox', '--out', 'plan.json'], dir);
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Plan: 3 to add, 1 to change, 0 to destroy.');

    const shown = await edgeform(['show', 'plan.json'], dir);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toBe(plan.stdout);

    const applied = await edgeform(['apply', '--sandbox', 'plan.json'], dir);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Apply complete!');

    // The new proxy's access domain: the CNAME target a user puts in DNS.
    const outputs = await edgeform(['outputs', '--sandbox'], dir);
    expect(outputs.exitCode, outputs.stderr).toBe(0);
    expect(outputs.stdout).toMatch(/gaap\.proxy\["[^"]+"\][\s\S]*accessDomain\s+= "[a-z0-9-]+\.[a-z0-9.-]+"/);

    const again = await edgeform(['plan', '--sandbox', '--detailed-exitcode'], dir);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes.');
  });

  it('prints the same self-contained schema that init wrote', async () => {
    const dir = join(work, 'empty');
    const schema = await edgeform(['schema'], dir);
    expect(schema.exitCode, schema.stderr).toBe(0);
    expect(schema.stdout).toBe(readFileSync(join(dir, 'edgeform.schema.json'), 'utf8'));
    expect(schema.stdout).not.toContain('baishan-desired-config.schema.json');
  });
});
