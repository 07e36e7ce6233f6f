import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { DESIRED_CONFIG_SCHEMA_FILE, desiredSchema } from '../../src/config/desired-schema.js';

const schemas = new URL('../../schemas/', import.meta.url);
const read = (name: string) =>
  JSON.parse(readFileSync(new URL(name, schemas), 'utf8')) as Record<string, unknown>;

it('the committed desired-config schema is exactly what the loader derives (regenerate: npm run build)', () => {
  expect(read(DESIRED_CONFIG_SCHEMA_FILE)).toEqual(desiredSchema().baishanConfig);
});

it('an editor following the files on disk accepts the examples, null removals and secret references', () => {
  // What a YAML language server does: load the schema files by their relative references.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (formatsPlugin as unknown as { default: (a: Ajv2020) => void }).default(ajv);
  ajv.addSchema(read(DESIRED_CONFIG_SCHEMA_FILE));
  const validate = ajv.compile(read('edgeform.schema.json'));
  for (const example of [
    'baishan-key-removal.yaml',
    'baishan-signed-urls.yaml',
    'edge-estate.yaml',
    'gaap-https-site.yaml',
  ]) {
    const doc = parse(readFileSync(new URL(`../../examples/${example}`, import.meta.url), 'utf8'), {
      merge: true,
    });
    expect(validate(doc), `${example}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  }
});
