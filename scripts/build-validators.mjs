#!/usr/bin/env node
// Part of `npm run build`, after tsc: generates from schemas/ what the loader uses at run time.
// - schemas/baishan-desired-config.schema.json: the derived Baishan config schema (for editors);
// - src/config/generated/desired-validator.{js,d.ts}: ajv standalone code of the desired-state
//   schema (no run compiles a schema), copied to dist/config/generated/ as tsc does not copy .js.
// Files are rewritten only when their content changes. test/config/generated-validator.test.ts
// fails when the committed files are not what this script would write.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { desiredValidatorModule, GENERATED_VALIDATOR_DTS } from '../dist/config/desired-schema-compile.js';
import {
  DESIRED_CONFIG_SCHEMA_FILE,
  desiredSchemaObjects,
  readSchemaSources,
} from '../dist/config/desired-schema-sources.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = readSchemaSources(join(root, 'schemas'));

function write(rel, text) {
  const path = join(root, rel);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  process.stderr.write(`wrote ${rel}\n`);
}

write(
  join('schemas', DESIRED_CONFIG_SCHEMA_FILE),
  `${JSON.stringify(desiredSchemaObjects(sources).baishanConfig, null, 2)}\n`,
);
write('src/config/generated/desired-validator.js', desiredValidatorModule(sources));
write('src/config/generated/desired-validator.d.ts', GENERATED_VALIDATOR_DTS);
mkdirSync(join(root, 'dist', 'config', 'generated'), { recursive: true });
for (const f of ['desired-validator.js', 'desired-validator.d.ts']) {
  copyFileSync(join(root, 'src', 'config', 'generated', f), join(root, 'dist', 'config', 'generated', f));
}
