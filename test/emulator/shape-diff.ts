type Kind = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';
const kindOf = (v: unknown): Kind =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as 'object' | 'string' | 'number' | 'boolean');

/**
 * Differences in shape between the documented answer and the emulator's: every documented field
 * present with the same JSON type, recursively; array elements against the first documented one.
 * A documented `null` only says the field exists (the tables mark such fields nullable).
 */
export function shapeDiff(doc: unknown, got: unknown, path = 'Response', unchecked: string[] = []): string[] {
  const dk = kindOf(doc);
  const gk = kindOf(got);
  if (dk === 'null') return got === undefined ? [`${path}: missing`] : [];
  if (got === undefined) return [`${path}: missing`];
  if (dk !== gk && !(gk === 'null')) return [`${path}: documented ${dk}, got ${gk}`];
  if (gk === 'null') return [];
  if (dk === 'array') {
    const d = doc as unknown[];
    const g = got as unknown[];
    if (d.length === 0) return [];
    if (g.length === 0) unchecked.push(path);
    return g.flatMap((x, i) => shapeDiff(d[0], x, `${path}[${i}]`, unchecked));
  }
  if (dk === 'object') {
    const d = doc as Record<string, unknown>;
    const g = got as Record<string, unknown>;
    return Object.keys(d).flatMap((k) => shapeDiff(d[k], g[k], `${path}.${k}`, unchecked));
  }
  return [];
}
