/**
 * A record computed on first use: every read, key listing, `in`, spread, `JSON.stringify` or
 * write first fills it from `compute` (once), and from then on it behaves as the plain object
 * `compute` returned (same keys, same order). A plan's live fingerprints are one: an HMAC per
 * declared object, needed only when the plan is saved, printed as JSON or checked for staleness —
 * `edgeform plan` and `apply` without a saved plan never pay for them (issue 12).
 *
 * NOTE: a Proxy over its own plain target, which `compute`'s entries are copied into: the
 * handler forwards to that target (Reflect), so every Proxy invariant holds and `toEqual`, spread
 * and JSON see an ordinary object. Like any Proxy it cannot be passed to structuredClone; nothing
 * clones a plan. `util.inspect` shows the target, which is `{}` until the record is first used.
 */
export function lazyRecord<V>(compute: () => Record<string, V>): Record<string, V> {
  const target: Record<string, V> = {};
  let pending: (() => Record<string, V>) | undefined = compute;
  const fill = (): Record<string, V> => {
    if (pending) {
      const f = pending;
      pending = undefined;
      Object.assign(target, f());
    }
    return target;
  };
  return new Proxy(target, {
    get: (_t, key, receiver) => Reflect.get(fill(), key, receiver),
    has: (_t, key) => Reflect.has(fill(), key),
    ownKeys: () => Reflect.ownKeys(fill()),
    getOwnPropertyDescriptor: (_t, key) => Reflect.getOwnPropertyDescriptor(fill(), key),
    set: (_t, key, value) => Reflect.set(fill(), key, value),
    defineProperty: (_t, key, descriptor) => Reflect.defineProperty(fill(), key, descriptor),
    deleteProperty: (_t, key) => Reflect.deleteProperty(fill(), key),
  });
}
