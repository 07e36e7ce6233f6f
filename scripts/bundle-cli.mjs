#!/usr/bin/env node
// Part of `npm run build`, after tsc and build-validators: bundles the CLI with esbuild.
//
// NOTE: start-up cost. Node loads an ES module graph file by file (resolve, read, compile, link):
// `edgeform plan` loaded ~170 modules of ours, ~100 ms of CPU on every run. The bundle is
// dist/cli/main.js plus chunks in dist/cli/chunks/, split at every dynamic import, so each
// command still loads only what it needs (the lazy imports of src/cli/main.ts stay lazy; the
// emulator stays in a chunk of its own). Packages (node_modules) are left out of the bundle and
// loaded by Node as before. The rest of dist/ (tsc's output) is the library (`exports`), and what
// the tests and the bench import.
//
// Writes dist/cli/bundle-inputs.json: for each output file, the source modules in it
// (test/cli/lazy-imports.test.ts reads it to tell which modules a command loaded).
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts', 'plan-pipeline': 'src/cli/plan-pipeline.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
  minifyWhitespace: true,
  minifySyntax: true,
});

// tsc's source maps of the two files the bundle replaced describe code that is no longer there.
for (const name of ['main', 'plan-pipeline']) rmSync(join(outdir, `${name}.js.map`), { force: true });

const inputs = {};
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  inputs[relative(root, join(root, out))] = Object.keys(meta.inputs).sort();
}
writeFileSync(join(outdir, 'bundle-inputs.json'), `${JSON.stringify(inputs, null, 2)}\n`);
