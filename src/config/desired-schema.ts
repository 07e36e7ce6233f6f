import type { ValidateFunction } from 'ajv';
import { compileDesiredValidator } from './desired-schema-compile.js';
import {
  desiredSchemaObjects,
  readSchemaSources,
  type Schema,
  type SchemaSources,
  schemaSourcesHash,
} from './desired-schema-sources.js';
import * as generated from './generated/desired-validator.js';

export {
  BAISHAN_CONFIG_SCHEMA_FILE,
  DESIRED_CONFIG_SCHEMA_FILE,
  deriveBaishanConfigSchema,
  EDGEFORM_SCHEMA_FILE,
} from './desired-schema-sources.js';

export interface DesiredSchema {
  validate: ValidateFunction;
  /** Whether `validate` is the generated standalone code (true unless schemas/ changed since the build). */
  precompiled: boolean;
  /** `edgeform.schema.json`, parsed on first use (error messages only). */
  readonly root: Schema;
  /** The derived Baishan config schema (what `config` and `defaults` are validated against), on first use. */
  readonly baishanConfig: Schema;
}

let cached: DesiredSchema | undefined;

/**
 * The desired-state validator: the standalone code `npm run build` generated from schemas/
 * (src/config/generated/desired-validator.js), loaded in ~20 ms where compiling the schema with
 * ajv costs ~0.6 s of CPU. Its hash of the schema files is checked against the files on disk;
 * should they differ (schemas/ edited without a rebuild), the schema is compiled at run time
 * instead, so validation always follows schemas/ (a test keeps the generated file current).
 */
export function desiredSchema(): DesiredSchema {
  if (cached) return cached;
  cached = selectValidator(readSchemaSources(), generated);
  return cached;
}

export function selectValidator(
  sources: SchemaSources,
  pre: { SCHEMA_SOURCES_SHA256: string; validate: ValidateFunction },
): DesiredSchema {
  const precompiled = pre.SCHEMA_SOURCES_SHA256 === schemaSourcesHash(sources);
  const validate = precompiled ? pre.validate : compileDesiredValidator(sources);
  let objects: { root: Schema; baishanConfig: Schema } | undefined;
  const schemaObjects = () => {
    objects ??= desiredSchemaObjects(sources);
    return objects;
  };
  return {
    validate,
    precompiled,
    get root() {
      return schemaObjects().root;
    },
    get baishanConfig() {
      return schemaObjects().baishanConfig;
    },
  };
}
