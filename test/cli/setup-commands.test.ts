import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundledDesiredSchema } from '../../src/config/schema-bundle.js';
import { EMULATOR_DEFAULTS } from '../../src/emulator/index.js';
import { initProject } from '../../src/workflow/init-project.js';
import { ROOT, runCli, scratchDir } from '../e2e/cli-harness.js';

const addFormats = (formatsPlugin as unknown as { default: typeof formatsPlugin.default }).default;

function compileBundle() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(bundledDesiredSchema());
}

describe('edgeform schema: one self-contained document', () => {
  it('has no reference to another file, and accepts every example', () => {
    const text = JSON.stringify(bundledDesiredSchema());
    const refs = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const r of refs) expect(r, r).toMatch(/^#/);
    const validate = compileBundle();
    const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));
    expect(examples.length).toBeGreaterThan(5);
    for (const f of examples) {
      const ok = validate(parse(readFileSync(join(ROOT, 'examples', f), 'utf8'), { merge: true }));
      expect(ok, `${f}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
    }
  });

  it('shows editors no maintainer notes: sources and what the code checks are $comment, not description', () => {
    const descriptions: string[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        for (const [k, v] of Object.entries(n)) {
          if (k === 'description' && typeof v === 'string') descriptions.push(v);
          else walk(v);
        }
      }
    };
    walk(bundledDesiredSchema());
    expect(descriptions.length).toBeGreaterThan(100);
    for (const d of descriptions)
      expect(d, d).not.toMatch(/\bseed\b|seed 00\d|check in code|NOTE:|\b00[0-3]'s\b/i);
  });

  it('checks what validate checks, inside a Baishan config too', () => {
    const validate = compileBundle();
    const doc = (config: unknown) => ({
      version: 1,
      stack: 's',
      baishan: { domains: [{ domain: 'a.example.com', config }] },
    });
    expect(validate(doc({ range_back_source: 'on' }))).toBe(true);
    expect(validate(doc({ range_back_source: 'maybe' }))).toBe(false);
    expect(validate(doc({ no_such_key: 1 }))).toBe(false);
    // A secret field takes an {env} reference: the reference back into the root resolves.
    expect(validate(doc({ visit_timestamp: { key: { env: 'K' } } }))).toBe(
      validate(doc({ visit_timestamp: { key: 'k' } })),
    );
  });
});

describe('edgeform init', () => {
  it('writes a starter that validates, and refuses to overwrite it without --force', async () => {
    const dir = scratchDir('edgeform-init-');
    const first = initProject({ dir, stack: 'starter', force: false });
    expect(first.written.sort()).toEqual(['.vscode/settings.json', 'edgeform.schema.json', 'edgeform.yaml']);
    const valid = await runCli(['validate'], { cwd: dir });
    expect(valid.exitCode, valid.stderr).toBe(0);
    expect(() => initProject({ dir, stack: 'starter', force: false })).toThrow(/INIT_FILE_EXISTS|exists/);
    const again = await runCli(['init'], { cwd: dir });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('error[INIT_FILE_EXISTS]');
    expect(again.stderr).toContain('--force');
  });

  it('keeps the other editor settings', () => {
    const dir = scratchDir('edgeform-init-');
    mkdirSync(join(dir, '.vscode'));
    writeFileSync(
      join(dir, '.vscode', 'settings.json'),
      JSON.stringify({ 'editor.tabSize': 2, 'yaml.schemas': { 'other.json': ['x.yaml'] } }),
    );
    initProject({ dir, stack: 'starter', force: false });
    expect(JSON.parse(readFileSync(join(dir, '.vscode', 'settings.json'), 'utf8'))).toEqual({
      'editor.tabSize': 2,
      'yaml.schemas': {
        'other.json': ['x.yaml'],
        './edgeform.schema.json': ['edgeform.yaml', '*.edgeform.yaml'],
      },
    });
  });

  it('refuses a stack name the schema would refuse', async () => {
    const dir = scratchDir('edgeform-init-');
    const r = await runCli(['init', '--stack', 'Not Valid'], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error[INIT_STACK_NAME_INVALID]');
  });
});

describe('edgeform completion', () => {
  it.each(['bash', 'zsh', 'fish'])('%s: names every command and the plan formats', async (shell) => {
    const r = await runCli(['completion', shell], { cwd: ROOT });
    expect(r.exitCode, r.stderr).toBe(0);
    for (const c of ['validate', 'plan', 'apply', 'drift', 'export', 'init', 'schema', 'completion']) {
      expect(r.stdout, c).toContain(c);
    }
    expect(r.stdout).toContain('detailed-exitcode');
    expect(r.stdout).toMatch(/text json markdown/);
  });

  it('bash: the script parses and completes commands and flags', async () => {
    const script = (await runCli(['completion', 'bash'], { cwd: ROOT })).stdout;
    const complete = (line: string) =>
      execFileSync(
        'bash',
        [
          '-c',
          `${script}\nCOMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _edgeform; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n');
    expect(complete('edgeform pl')).toEqual(['plan']);
    expect(complete('edgeform plan --deta')).toEqual(['--detailed-exitcode']);
    expect(complete('edgeform plan --format m')).toEqual(['markdown']);
    expect(complete('edgeform completion z')).toEqual(['zsh']);
  });

  it('refuses an unknown shell with exit 1', async () => {
    const r = await runCli(['completion', 'tcsh'], { cwd: ROOT });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('bash, zsh, fish');
  });
});

describe('docs', () => {
  it("the README documents the emulator's default credentials", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`TENCENTCLOUD_SECRET_ID=${EMULATOR_DEFAULTS.secretId}`);
    expect(readme).toContain(`TENCENTCLOUD_SECRET_KEY=${EMULATOR_DEFAULTS.secretKey}`);
    expect(readme).toContain(`BAISHAN_TOKEN=${EMULATOR_DEFAULTS.baishanToken}`);
    expect(readme).not.toMatch(/--gaap: not yet/);
  });
});

describe('--log-file -', () => {
  it('writes the JSON-line events to stderr and creates no file named "-"', async () => {
    const dir = scratchDir('edgeform-log-');
    initProject({ dir, stack: 'logs', force: false });
    const r = await runCli(['plan', '--sandbox', '--log-file', '-'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(dir)).not.toContain('-');
    const events = r.stderr.split('\n').filter((l) => l.startsWith('{"ts"'));
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(JSON.parse(e)).toHaveProperty('kind');
    expect(r.stdout).not.toContain('"ts"');
  });
});
