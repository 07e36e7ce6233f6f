import { baseType, type CatalogParam, catalog, isStructure } from './catalog.js';
import type { Output } from './state.js';

/**
 * A well-formed success body for actions that are validated but not modelled (deprecated or
 * informational ones): every catalog output field with an empty value of its type.
 */
export function defaultOutput(action: string): Output {
  const def = catalog.actions[action];
  const out: Output = {};
  for (const p of def?.output ?? []) if (p.name !== 'RequestId') out[p.name] = emptyValue(p, 0);
  return out;
}

function emptyValue(p: CatalogParam, depth: number): unknown {
  if (p.array) return [];
  const type = baseType(p);
  if (isStructure(type)) {
    if (depth > 2) return null;
    const o: Output = {};
    for (const f of catalog.structures[type]!.fields) o[f.name] = emptyValue(f, depth + 1);
    return o;
  }
  switch (type) {
    case 'Integer':
    case 'Float':
      return 0;
    case 'Boolean':
      return false;
    default:
      return '';
  }
}
