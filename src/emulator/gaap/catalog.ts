import rawCatalog from '../../providers/gaap/gaap-catalog.json' with { type: 'json' };

/** One input or output parameter (or structure field) as the catalog records it. */
export interface CatalogParam {
  name: string;
  type: string;
  required?: boolean;
  array: boolean;
  description: string;
  deprecated?: boolean;
}

export interface CatalogAction {
  rateLimitPerSecond: number;
  deprecated?: boolean;
  input: CatalogParam[];
  output: CatalogParam[];
  errors?: string[];
}

export interface CatalogStructure {
  fields: CatalogParam[];
}

interface Catalog {
  version: string;
  service: string;
  actions: Record<string, CatalogAction>;
  structures: Record<string, CatalogStructure>;
  commonErrors: { code: string; kind: string }[];
}

export const catalog: Catalog = rawCatalog;

/** Parameter name as sent on the wire: the doc's `Name.N` array suffix is not part of the JSON key. */
export function wireName(p: CatalogParam): string {
  return p.name.endsWith('.N') ? p.name.slice(0, -2) : p.name;
}

const fieldMaps = new WeakMap<readonly CatalogParam[], ReadonlyMap<string, CatalogParam>>();

/**
 * An action's inputs or a structure's fields by wire name. Made once per list (the catalog does
 * not change): validation and coercion look every parameter of every request up in it.
 */
export function fieldsByWireName(fields: readonly CatalogParam[]): ReadonlyMap<string, CatalogParam> {
  let m = fieldMaps.get(fields);
  if (!m) {
    m = new Map(fields.map((f) => [wireName(f), f]));
    fieldMaps.set(fields, m);
  }
  return m;
}

/** `Array of TagPair` → `TagPair`; scalar type names pass through. */
export function baseType(p: CatalogParam): string {
  return p.type.startsWith('Array of ') ? p.type.slice('Array of '.length) : p.type;
}

export function isStructure(typeName: string): boolean {
  return Object.hasOwn(catalog.structures, typeName);
}

export function actionOf(name: string): CatalogAction | undefined {
  return Object.hasOwn(catalog.actions, name) ? catalog.actions[name] : undefined;
}

/** Every error code the doc defines; the emulator may only answer with these. */
export const KNOWN_ERROR_CODES: ReadonlySet<string> = new Set(catalog.commonErrors.map((e) => e.code));
