import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { desiredSchema, selectValidator } from '../../src/config/desired-schema.js';
import { desiredValidatorModule, GENERATED_VALIDATOR_DTS } from '../../src/config/desired-schema-compile.js';
import { readSchemaSources, schemaSourcesHash } from '../../src/config/desired-schema-sources.js';
import * as generated from '../../src/config/generated/desired-validator.js';
import { ROOT } from '../e2e/cli-harness.js';

const GENERATED = join(ROOT, 'src', 'config', 'generated');
const sources = readSchemaSources(join(ROOT, 'schemas'));

describe('the precompiled desired-state validator', () => {
  it('is exactly what `npm run build` generates from schemas/ today (regenerate: npm run build, then commit src/config/generated/)', () => {
    expect(readFileSync(join(GENERATED, 'desired-validator.js'), 'utf8')).toBe(
      desiredValidatorModule(sources),
    );
    expect(readFileSync(join(GENERATED, 'desired-validator.d.ts'), 'utf8')).toBe(GENERATED_VALIDATOR_DTS);
    expect(generated.SCHEMA_SOURCES_SHA256).toBe(schemaSourcesHash(sources));
  });

  it('is the one the loader uses', () => {
    const schema = desiredSchema();
    expect(schema.precompiled).toBe(true);
    expect(schema.validate).toBe(generated.validate);
  });

  it('is replaced by a run-time compile when schemas/ changed after the build (never a stale validator)', () => {
    const edited = {
      ...sources,
      root: sources.root.replace('"required": ["version"]', '"required": ["version", "baishan"]'),
    };
    expect(edited.root).not.toBe(sources.root);
    const schema = selectValidator(edited, generated);
    expect(schema.precompiled).toBe(false);
    expect(schema.validate).not.toBe(generated.validate);
    // It validates with the edited schema: `baishan` is now required.
    expect(schema.validate({ version: 1, stack: 'x' })).toBe(false);
    expect(generated.validate({ version: 1, stack: 'x' })).toBe(true);
  });

  it('answers every example and its errors as a run-time compile does', () => {
    const compiled = selectValidator({ ...sources, root: `${sources.root}\n` }, generated);
    expect(compiled.precompiled).toBe(false);
    const docs: unknown[] = ['baishan-image-cdn.yaml', 'edge-estate.yaml', 'gaap-https-site.yaml'].map((f) =>
      parse(readFileSync(join(ROOT, 'examples', f), 'utf8'), { merge: true }),
    );
    docs.push(
      {
        version: 1,
        stack: 'Bad Name',
        baishan: { domains: [{ domain: 'a.example.com', config: { nope: 1 } }] },
      },
      { version: 2, extra: true },
    );
    for (const doc of docs) {
      const a = generated.validate(doc);
      const errorsA = generated.validate.errors;
      const b = compiled.validate(doc);
      expect(a).toBe(b);
      expect(JSON.stringify(errorsA)).toBe(JSON.stringify(compiled.validate.errors));
    }
  });

  it('gathers the errors of sub-schemas by appending, in the order and number a run-time compile gives', () => {
    // ajv's own `vErrors.concat` copies every earlier error per failing sub-schema (quadratic).
    expect(readFileSync(join(GENERATED, 'desired-validator.js'), 'utf8')).not.toMatch(/vErrors\.concat/);
    const compiled = selectValidator({ ...sources, root: `${sources.root}\n` }, generated);
    const doc = {
      version: 1,
      baishan: {
        domains: Array.from({ length: 3000 }, (_, i) => ({
          domain: `d${i}.example.com`,
          config: { [`bogus${i}`]: 1, referer: { type: 9 } },
        })),
      },
      gaap: { proxies: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`p${i}`, 1])) },
    };
    expect(generated.validate(doc)).toBe(false);
    const errors = generated.validate.errors ?? [];
    expect(errors.length).toBe(9000);
    expect(compiled.validate(doc)).toBe(false);
    expect(JSON.stringify(errors)).toBe(JSON.stringify(compiled.validate.errors));
  });

  it('a CLI run compiles no schema: validate, valid or not, loads no ajv compiler (built CLI)', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { loadStack } = await import(${JSON.stringify(join(ROOT, 'dist', 'config', 'load-stack.js'))});
      const ok = loadStack([${JSON.stringify(join(ROOT, 'examples', 'edge-estate.yaml'))}], { cwd: process.cwd(), env: {} });
      const bad = loadStack([${JSON.stringify(join(ROOT, 'test', 'fixtures', 'trace-imports', 'register.mjs'))}], { cwd: process.cwd(), env: {} });
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ ok: !!ok.stack, bad: bad.diagnostics.length, compiler: cache.filter((k) => /ajv[\\\\/]dist[\\\\/](core|2020|compile)/.test(k)) }));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, bad: expect.any(Number), compiler: [] });
    expect(JSON.parse(run.stdout).bad).toBeGreaterThan(0);
  });
});
