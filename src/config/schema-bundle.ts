import { isPlainObject } from '../core/json.js';
import {
  DESIRED_CONFIG_SCHEMA_FILE,
  desiredSchemaObjects,
  EDGEFORM_SCHEMA_FILE,
  readSchemaSources,
} from './desired-schema-sources.js';

type Schema = Record<string, unknown>;

/** Where the Baishan config schema sits inside the bundle. */
const CONFIG_DEF = 'baishanConfig';

/**
 * The desired-state JSON Schema as ONE self-contained document, for `edgeform schema` and
 * `edgeform init`: editors then need no second file and no path into this package.
 *
 * `schemas/edgeform.schema.json` refers to `baishan-desired-config.schema.json` by a relative
 * `$ref`, which resolves only next to the file. The bundle moves that schema under
 * `$defs.baishanConfig` and rewrites every reference into a local JSON pointer.
 * NOTE: an embedded resource with its own `$id` would be the 2020-12 way to bundle, but editor
 * language servers resolve embedded `$id`s unevenly; plain JSON pointers work everywhere.
 */
export function bundledDesiredSchema(): Schema {
  const { root, baishanConfig } = desiredSchemaObjects(readSchemaSources());
  const config = structuredClone(baishanConfig);
  delete config.$id;
  delete config.$schema;
  const inConfig = rewriteRefs(config, (ref) => {
    if (ref === '#') return `#/$defs/${CONFIG_DEF}`;
    if (ref.startsWith('#/')) return `#/$defs/${CONFIG_DEF}/${ref.slice(2)}`;
    if (ref.startsWith(`${EDGEFORM_SCHEMA_FILE}#`)) return ref.slice(EDGEFORM_SCHEMA_FILE.length);
    return ref;
  });
  const bundle = rewriteRefs(root, (ref) =>
    ref.startsWith(DESIRED_CONFIG_SCHEMA_FILE)
      ? `#/$defs/${CONFIG_DEF}${ref.slice(DESIRED_CONFIG_SCHEMA_FILE.length).replace(/^#\/?/, '/')}`.replace(
          /\/$/,
          '',
        )
      : ref,
  ) as Schema;
  bundle.$defs = { ...(bundle.$defs as Schema | undefined), [CONFIG_DEF]: inConfig };
  return bundle;
}

function rewriteRefs(node: unknown, rewrite: (ref: string) => string): unknown {
  if (Array.isArray(node)) return node.map((x) => rewriteRefs(x, rewrite));
  if (!isPlainObject(node)) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' ? rewrite(v) : rewriteRefs(v, rewrite);
  }
  return out;
}
