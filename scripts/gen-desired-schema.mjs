#!/usr/bin/env node
// Writes schemas/baishan-desired-config.schema.json from the vendor schema, the way the loader
// derives it (run after `npm run build`; test/config/desired-schema-file.test.ts checks it).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DESIRED_CONFIG_SCHEMA_FILE, desiredSchema } from '../dist/config/desired-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(
  join(root, 'schemas', DESIRED_CONFIG_SCHEMA_FILE),
  `${JSON.stringify(desiredSchema().baishanConfig, null, 2)}\n`,
);
process.stderr.write(`wrote schemas/${DESIRED_CONFIG_SCHEMA_FILE}\n`);
