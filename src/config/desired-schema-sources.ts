import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageFile } from '../core/package-files.js';
import { SECRET_FIELDS } from '../model/baishan-keys.js';
import { secretSteps } from './secret-fields.js';

/**
 * The desired-state schema: `schemas/edgeform.schema.json` (the file structure, what editors see)
 * plus a schema for the Baishan `config` object DERIVED at load time from
 * `schemas/baishan-config.schema.json` (the vendor's POST body, strict, shared with the emulator).
 *
 * Why derived rather than referenced as is: the desired state differs from a POST body in three
 * ways, and copying 70 KB to express them would let the two drift apart.
 * 1. Every top-level key may be `null` ("remove this key"; which keys allow it is a semantic rule,
 *    so that the message can say why).
 * 2. Secret fields (SECRET_FIELDS) also accept a `{env}` / `{file}` reference.
 * 3. The whole-object rules that JSON Schema expresses badly are left to named semantic rules with
 *    better messages: `minProperties` (an entry may get all its keys from `defaults`) and the
 *    `not` that forbids both IP lists (it must hold AFTER the defaults merge, so a per-object check
 *    is both too weak and too noisy).
 *
 * The derived schema takes the `$id` that `edgeform.schema.json`'s relative `$ref` resolves to, so
 * ajv validates the desired state against it; the same derivation is committed as
 * `schemas/baishan-desired-config.schema.json`, which is what editors resolve that `$ref` to.
 */

export const EDGEFORM_SCHEMA_FILE = 'edgeform.schema.json';
export const BAISHAN_CONFIG_SCHEMA_FILE = 'baishan-config.schema.json';
/**
 * The derived schema, also written to `schemas/` (by `npm run build`; a test keeps the file equal
 * to the derivation) so that editors following `edgeform.schema.json`'s `$ref` check the same
 * rules as `validate`.
 */
export const DESIRED_CONFIG_SCHEMA_FILE = 'baishan-desired-config.schema.json';

export type Schema = Record<string, unknown>;

/** The two files the desired-state validator is made from, as text. */
export interface SchemaSources {
  dir: string;
  root: string;
  vendor: string;
}

export function readSchemaSources(dir = findSchemasDir()): SchemaSources {
  return {
    dir,
    root: readFileSync(join(dir, EDGEFORM_SCHEMA_FILE), 'utf8'),
    vendor: readFileSync(join(dir, BAISHAN_CONFIG_SCHEMA_FILE), 'utf8'),
  };
}

/** Identifies the schema files a generated validator was made from. */
export function schemaSourcesHash(sources: SchemaSources): string {
  return createHash('sha256').update(sources.root).update('\0').update(sources.vendor).digest('hex');
}

/** The root schema and the derived Baishan config schema, as ajv is given them. */
export function desiredSchemaObjects(sources: SchemaSources): { root: Schema; baishanConfig: Schema } {
  const root = JSON.parse(sources.root) as Schema;
  const vendor = JSON.parse(sources.vendor) as Schema;
  const rootId = String(root.$id);
  const baishanConfig = deriveBaishanConfigSchema(
    vendor,
    new URL(DESIRED_CONFIG_SCHEMA_FILE, rootId).href,
    rootId,
  );
  return { root, baishanConfig };
}

/** The package's `schemas/` directory (core/package-files.ts). */
function findSchemasDir(): string {
  return dirname(packageFile(join('schemas', EDGEFORM_SCHEMA_FILE)));
}

/** See the module comment for the three differences. Pure: the input is not modified. */
export function deriveBaishanConfigSchema(vendor: Schema, id: string, rootId: string): Schema {
  const out = structuredClone(vendor);
  out.$id = id;
  out.description = `${String(vendor.description ?? '')} In edgeform's desired state any key may also be null (remove it; only keys with a documented off-form), and secret fields accept {env: NAME} or {file: path}.`;
  delete out.minProperties;
  delete out.not;
  const props = out.properties as Record<string, Schema>;
  for (const key of Object.keys(props)) props[key] = nullable(props[key]!);
  // Relative, so it resolves both for ajv (against the derived $id) and for an editor (next to
  // the file on disk).
  void rootId;
  const secretRef = { $ref: `${EDGEFORM_SCHEMA_FILE}#/$defs/secretRef` };
  for (const { key, path } of SECRET_FIELDS) {
    const holder = secretFieldHolder(props[key], path);
    if (!holder)
      throw new Error(`SECRET_FIELDS names ${key}.${path}, which the vendor schema does not define`);
    holder.props[holder.field] = secretOrString(holder.props[holder.field]!, secretRef);
  }
  return out;
}

function nullable(schema: Schema): Schema {
  const s = { ...schema };
  if (typeof s.type === 'string') s.type = [s.type, 'null'];
  else if (Array.isArray(s.type)) s.type = s.type.includes('null') ? s.type : [...s.type, 'null'];
  else if (Array.isArray(s.enum)) s.enum = [...s.enum, null];
  else return { description: s.description, anyOf: [{ type: 'null' }, schema] };
  return s;
}

/** A secret field stays a string for the POST body; the desired state may also reference it. */
function secretOrString(field: Schema, secretRef: Schema): Schema {
  // NOTE: `type: [string, object]` plus if/then rather than anyOf: a wrong value then gets one
  // precise error instead of a cascade from both branches.
  const { type: _type, ...rest } = field;
  return {
    ...rest,
    description: `${String(field.description ?? 'Secret.')} Secret: write {env: NAME} or {file: path} rather than the value itself.`,
    type: ['string', 'object'],
    if: { type: 'object' },
    // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, not a thenable
    then: secretRef,
  };
}

function secretFieldHolder(
  keySchema: Schema | undefined,
  path: string,
): { props: Record<string, Schema>; field: string } | undefined {
  let s: Schema | undefined = keySchema;
  const steps = secretSteps(path);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step === '[]') {
      s = s?.items as Schema | undefined;
      continue;
    }
    const props = s?.properties as Record<string, Schema> | undefined;
    if (!props || !(step in props)) return undefined;
    if (i === steps.length - 1) return { props, field: step };
    s = props[step];
  }
  return undefined;
}
