import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { type Diagnostic, type LoadStackResult, loadStack } from '../../src/config/load-stack.js';

/** Writes files (name → text) into a fresh temp dir and returns the dir. */
export function fixtureDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeform-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Loads `names` (default: every fixture ending in .yaml) from a fresh fixture dir. */
export function loadFixture(
  files: Record<string, string>,
  opts: { names?: string[]; env?: NodeJS.ProcessEnv } = {},
): LoadStackResult & { dir: string } {
  const dir = fixtureDir(files);
  const names = opts.names ?? Object.keys(files).filter((n) => n.endsWith('.yaml'));
  return { dir, ...loadStack(names, { cwd: dir, env: opts.env ?? {} }) };
}

/** 1-based line and column of the `occurrence`-th `needle` in `text`. */
export function pos(text: string, needle: string, occurrence = 1): { line: number; column: number } {
  let idx = -1;
  for (let i = 0; i < occurrence; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`fixture has no occurrence ${occurrence} of ${JSON.stringify(needle)}`);
  }
  const before = text.slice(0, idx).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

export function errors(diags: Diagnostic[]): Diagnostic[] {
  return diags.filter((d) => d.severity === 'error');
}

/** Exactly one diagnostic with this code; returns it. */
export function only(diags: Diagnostic[], code: string): Diagnostic {
  const found = diags.filter((d) => d.code === code);
  expect(found, JSON.stringify(diags, null, 2)).toHaveLength(1);
  return found[0]!;
}

export function expectAt(d: Diagnostic, file: string, at: { line: number; column: number }): void {
  expect({ file: d.file, line: d.line, column: d.column }).toEqual({ file, ...at });
}

export const HEADER = 'version: 1\nstack: media-test\n';
