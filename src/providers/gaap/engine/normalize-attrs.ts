import { stableStringify } from '../../../core/json.js';

/** A set compared regardless of order: sorted by its JSON form. */
export function asSet<T>(items: readonly T[] | undefined): T[] {
  return [...(items ?? [])].sort((a, b) => (stableStringify(a) < stableStringify(b) ? -1 : 1));
}
