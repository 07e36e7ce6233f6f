import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { packageFile } from '../../core/package-files.js';

/**
 * The draft JSON Schema of a POST `config` object (schemas/baishan-config.schema.json), compiled once.
 * Read at run time from the package root (found from src/, dist/ and the bundled CLI alike).
 */
const SCHEMA_FILE = 'schemas/baishan-config.schema.json';

interface ConfigSchema {
  properties: Record<string, unknown>;
  $defs: { configKey: { enum: string[] } };
}

let cached: { validate: ValidateFunction; keys: readonly string[] } | undefined;

function load(): NonNullable<typeof cached> {
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(packageFile(SCHEMA_FILE), 'utf8')) as ConfigSchema;
  // verbose: keep the offending value on each error, so messages can quote it like [000]'s do.
  const ajv = new Ajv2020({ strict: true, allErrors: false, verbose: true });
  // ajv-formats is CommonJS: under NodeNext the plugin is its `default` property (set at run time too).
  addFormatsModule.default(ajv);
  cached = { validate: ajv.compile(schema), keys: schema.$defs.configKey.enum };
  return cached;
}

/** Validates a whole (already normalised) `config` object. */
export function configValidator(): ValidateFunction {
  return load().validate;
}

/** Every config key the documents name, in the schema's (= the documents') order. */
export function configKeys(): readonly string[] {
  return load().keys;
}
