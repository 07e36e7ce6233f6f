import { baseType, type CatalogParam, catalog, fieldsByWireName, isStructure } from './catalog.js';
import type { Params } from './state.js';

/**
 * GET requests carry parameters in the query string, flattened the doc's way
 * (`ProxyIds.0=link-1`, `Filters.0.Values.1=x`). They are rebuilt into the JSON shape and the
 * scalar strings converted to the catalog's types, so one validator serves both transports.
 */
export function paramsFromQuery(input: CatalogParam[], query: URLSearchParams): Params {
  const root: Record<string, unknown> = {};
  for (const [key, value] of query) {
    const parts = key.split('.');
    let cur: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        cur[part] = value;
        return;
      }
      cur[part] ??= {};
      cur = cur[part] as Record<string, unknown>;
    });
  }
  return coerceObject(input, root, true);
}

/**
 * NOTE: about a quarter of the seed's examples send integers as JSON strings (`"ProjectId": "0"`,
 * `"Limit": "20"`) in POST bodies, so a JSON body goes through the same conversion as a query
 * string: a decimal string where the catalog says Integer or Float becomes a number (and then
 * still has to pass the type check, so `"1.5"` for an Integer is refused).
 */
export function coerceParams(input: CatalogParam[], obj: Record<string, unknown>): Params {
  return coerceObject(input, obj, false);
}

function coerceObject(fields: CatalogParam[], obj: Record<string, unknown>, query: boolean): Params {
  const out: Params = {};
  const byName = fieldsByWireName(fields);
  for (const [k, v] of Object.entries(obj)) {
    const f = byName.get(k);
    out[k] = f ? coerce(f, v, query) : v;
  }
  return out;
}

function coerce(f: CatalogParam, v: unknown, query: boolean): unknown {
  if (f.array) {
    if (Array.isArray(v)) return v.map((x) => coerceScalar(baseType(f), x, query));
    // `{ "0": a, "1": b }` → [a, b], in a query string only
    if (!query || typeof v !== 'object' || v === null) return v;
    const items = Object.entries(v as Record<string, unknown>)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, x]) => x);
    return items.map((x) => coerceScalar(baseType(f), x, query));
  }
  return coerceScalar(baseType(f), v, query);
}

function coerceScalar(type: string, v: unknown, query: boolean): unknown {
  if (isStructure(type)) {
    return typeof v === 'object' && v !== null
      ? coerceObject(catalog.structures[type]!.fields, v as Record<string, unknown>, query)
      : v;
  }
  if (typeof v !== 'string') return v;
  if ((type === 'Integer' || type === 'Float') && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  if (type === 'Boolean' && (v === 'true' || v === 'false')) return v === 'true';
  return v;
}
