import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/ (docs/ARCHITECTURE.md draws them): each top-level folder (or root file) and
 * the folders it may import besides itself. Anything not listed here may not be imported.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  'version.ts': ['core'],
  core: [],
  model: ['core'],
  transport: ['core'],
  config: ['core', 'model'],
  planner: ['core', 'model', 'version.ts'],
  providers: ['core', 'model', 'transport', 'planner'],
  executor: ['core', 'model', 'planner'],
  // The emulator is the vendors' side of the wire: it shares only the vendor's published signing
  // algorithm and action catalog with the client.
  emulator: ['core', 'providers'],
  workflow: [
    'core',
    'model',
    'transport',
    'config',
    'planner',
    'providers',
    'executor',
    'emulator',
    'version.ts',
  ],
  'index.ts': [
    'core',
    'model',
    'config',
    'planner',
    'providers',
    'executor',
    'workflow',
    'emulator',
    'version.ts',
  ],
  cli: ['core', 'model', 'config', 'planner', 'executor', 'workflow', 'emulator', 'version.ts'],
};

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Relative imports of one file (static, type-only, re-exports and dynamic), as src-relative paths. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'))
    .filter((path) => !path.startsWith('..')); // package.json
}

function layerOf(path: string): string {
  return path.split('/')[0] ?? path;
}

/** Every cycle's members, found with Tarjan's strongly connected components. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const members: string[] = [];
      for (;;) {
        const w = stack.pop() as string;
        onStack.delete(w);
        members.push(w);
        if (w === v) break;
      }
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (members.length > 1 || selfLoop) cycles.push(members.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

const graph = new Map(sourceFiles(SRC).map((file) => [relative(SRC, file), importsOf(file)] as const));

describe('architecture of src/', () => {
  it('sees the whole tree and its imports', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('cli/main.ts')).toContain('cli/commands/export.ts'); // a dynamic import
    for (const file of graph.keys()) expect(Object.keys(MAY_IMPORT)).toContain(layerOf(file));
  });

  it('has no import circle', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('imports only from the same or a lower layer', () => {
    const forbidden: string[] = [];
    for (const [file, imports] of graph) {
      const from = layerOf(file);
      for (const target of imports) {
        const to = layerOf(target);
        if (to !== from && !MAY_IMPORT[from]?.includes(to)) forbidden.push(`${file} -> ${target}`);
      }
    }
    expect(forbidden).toEqual([]);
  });

  it('casts nothing through unknown, and *-types.ts files define no functions', () => {
    const casts: string[] = [];
    const typeFilesWithCode: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const path = relative(SRC, file);
      const text = readFileSync(file, 'utf8');
      if (text.includes('as unknown as')) casts.push(path);
      // Generated files (the vendor catalog's types) are exempt: they are not written by hand.
      if (path.endsWith('-types.ts') && !text.startsWith('// GENERATED')) {
        if (/^export (async )?function |^(export )?const \w+(: [^=]+)? = (async )?\(/m.test(text)) {
          typeFilesWithCode.push(path);
        }
      }
    }
    expect(casts).toEqual([]);
    expect(typeFilesWithCode).toEqual([]);
  });

  it('finds a circle and a forbidden import when there is one', () => {
    const bad = new Map([
      ['config/a.ts', ['providers/b.ts']],
      ['providers/b.ts', ['config/a.ts']],
      ['core/c.ts', ['core/c.ts']],
      ['model/d.ts', []],
    ]);
    expect(importCycles(bad)).toEqual([['config/a.ts', 'providers/b.ts'], ['core/c.ts']]);
    expect(MAY_IMPORT.config).not.toContain('providers');
    expect(MAY_IMPORT.providers).not.toContain('config');
    expect(MAY_IMPORT.providers).not.toContain('workflow');
    expect(MAY_IMPORT.planner).not.toContain('providers');
    for (const [layer, allowed] of Object.entries(MAY_IMPORT)) {
      if (layer !== 'cli') expect(allowed).not.toContain('cli');
    }
  });

  it('lets a kind import only kinds listed before it in its registry (a new kind touches no other)', () => {
    const registries = {
      'emulator/gaap/resources/registry.ts': 'GAAP_RESOURCES',
      'providers/gaap/kinds/registry.ts': 'GAAP_KINDS',
    };
    const late: string[] = [];
    for (const [registry, list] of Object.entries(registries)) {
      const order = kindFilesInOrder(registry, list);
      expect(order.length, registry).toBeGreaterThan(10);
      order.forEach((file, i) => {
        for (const target of graph.get(file) ?? []) {
          const j = order.indexOf(target);
          if (j > i) late.push(`${file} -> ${target}`);
        }
      });
    }
    expect(late).toEqual([]);
  });
});

/** The files of a registry's kinds, in the order of its list (read from its imports and its array). */
function kindFilesInOrder(registry: string, list: string): string[] {
  const text = readFileSync(join(SRC, registry), 'utf8');
  const fileOf = new Map<string, string>();
  for (const m of text.matchAll(/import \{ (\w+) \} from '(\.\/[\w-]+)\.js';/g)) {
    fileOf.set(m[1]!, relative(SRC, resolve(dirname(join(SRC, registry)), `${m[2]}.ts`)));
  }
  const body = new RegExp(`${list}[^=]*= \\[([^\\]]*)\\]`).exec(text)?.[1] ?? '';
  return [...body.matchAll(/(\w+),/g)].map((m) => fileOf.get(m[1]!) ?? `unknown ${m[1]}`);
}
