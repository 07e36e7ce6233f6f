import jsonpatch from 'fast-json-patch';
import { isPlainObject } from '../core/json.js';
import type { JsonValue } from '../core/json-types.js';
import type { AttributeChange, DisplayValue, JsonPatchOp, ResourceChange } from './plan-types.js';

// NOTE: fast-json-patch is CommonJS; on Node 20 only its default export is reliable from ESM.
const { compare } = jsonpatch;

const isContainer = (v: DisplayValue | undefined): v is JsonValue[] | { [k: string]: JsonValue } =>
  Array.isArray(v) || (isPlainObject(v) && !('$sensitive' in v) && !('$knownAfterApply' in v));

/**
 * RFC 6902 operations that turn `before` into `after`, when both are lists or both are objects: the
 * structural diff of what changed inside (`replace /0/weight 50`), for renderers and for machines
 * reading the JSON plan or drift report. Undefined for scalars and for an attribute added or removed
 * whole (`before`/`after` already say everything).
 */
export function attributePatch(
  before: DisplayValue | undefined,
  after: DisplayValue | undefined,
): JsonPatchOp[] | undefined {
  if (!isContainer(before) || !isContainer(after)) return undefined;
  if (Array.isArray(before) !== Array.isArray(after)) return undefined;
  return compare(before as object, after as object) as JsonPatchOp[];
}

/**
 * Each attribute change with its `patch`, where one applies. Pure: a change that gains a patch is
 * a new object; the others (every no-op of a plan that matches) are returned as they are.
 */
export function withPatches(changes: readonly ResourceChange[]): ResourceChange[] {
  return changes.map((c) => {
    let attributes: AttributeChange[] | undefined;
    c.attributes.forEach((a, i) => {
      const patched = withPatch(a);
      if (patched === a) return;
      attributes ??= [...c.attributes];
      attributes[i] = patched;
    });
    return attributes ? { ...c, attributes } : c;
  });
}

function withPatch(a: AttributeChange): AttributeChange {
  const patch = attributePatch(a.before, a.after);
  return patch === undefined || patch.length === 0 ? a : { ...a, patch };
}
