/**
 * All-or-nothing writes at the cost of the change, not of the state.
 *
 * A write handler works on a view of the state (`begin`) in which every object it reaches is a
 * Proxy of the real one. Reads pass through; each assignment, deletion or definition of a property
 * first records the property's previous value in the journal. `rollback` replays the journal
 * backwards, so a write that fails half-way leaves the state exactly as it found it; `commit`
 * forgets the journal. A write costs what it reads and changes: no copy of the whole state (the
 * emulator used to `structuredClone` it before every write, which made an apply quadratic in the
 * size of the account).
 *
 * The state stays plain data: a value stored through the view is stripped of views first
 * (`plain`), so no Proxy ever lands in the state, in a snapshot or in a remembered answer.
 * `structuredClone` refuses proxies; handlers copy a record with `copyOf`.
 */

interface Entry {
  target: Record<PropertyKey, unknown>;
  key: PropertyKey;
  had: boolean;
  old: unknown;
}

/** View → the object it stands for (every journal's views). */
const targets = new WeakMap<object, object>();

/**
 * Told of each key of an object assigned, defined or deleted through a journal's view or undone
 * by a rollback (`key`), or that anything may have changed (`undefined`: `keysChanged`).
 */
export type KeyWatcher = (key: PropertyKey | undefined) => void;

/** Object → who follows its keys (state.ts `recordsWhere`: the indexes of a table). */
const keyWatchers = new WeakMap<object, KeyWatcher[]>();

/**
 * Calls `watcher` from now on with each key of `o` that a journal's view or a rollback touches, so
 * an index of a table's records (state.ts `recordsWhere`) updates only the records that changed
 * instead of being built again after every write that adds one.
 */
export function watchKeys(o: object, watcher: KeyWatcher): void {
  const r = rawOf(o);
  const list = keyWatchers.get(r);
  if (list) list.push(watcher);
  else keyWatchers.set(r, [watcher]);
}

/** Says that keys of `o` were added or removed outside any view (lazy clean-up, admin). */
export function keysChanged(o: object): void {
  touched(rawOf(o), undefined);
}

/** `key` of `target` was written, deleted or restored (undefined: any key may have changed). */
function touched(target: object, key: PropertyKey | undefined): void {
  const watchers = keyWatchers.get(target);
  if (watchers) for (const w of watchers) w(key);
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** The object behind a view (the value itself when it is not one). */
export function rawOf<T>(v: T): T {
  return (isObject(v) ? (targets.get(v) as T | undefined) : undefined) ?? v;
}

/** A deep copy of a state value, view or not (for drafts a handler checks before applying). */
export function copyOf<T>(v: T): T {
  return structuredClone(rawOf(v));
}

/**
 * Replaces views inside `v` (a value a handler built, possibly from pieces of the state) by the
 * objects they stand for, in place, and returns the result. Objects behind views hold no views
 * (everything stored through a view went through here), so the walk stops at them.
 */
export function plain<T>(v: T): T {
  if (!isObject(v)) return v;
  const t = targets.get(v);
  if (t) return t as T;
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const c = o[k];
    if (isObject(c)) {
      const u = plain(c);
      if (u !== c) o[k] = u;
    }
  }
  return v;
}

export class UndoJournal {
  #entries: Entry[] = [];
  /** Objects a key was deleted from in this write → their keys before. */
  #orders = new Map<Record<PropertyKey, unknown>, PropertyKey[]>();
  /** Object → its view, kept across writes (the state's objects outlive one request). */
  #views = new WeakMap<object, object>();
  readonly #handler: ProxyHandler<Record<PropertyKey, unknown>> = {
    get: (target, key) => {
      const v = Reflect.get(target, key);
      return isObject(v) ? this.#view(v) : v;
    },
    set: (target, key, value) => {
      this.#record(target, key);
      const done = Reflect.set(target, key, plain(value));
      touched(target, key);
      return done;
    },
    deleteProperty: (target, key) => {
      // A key deleted and put back would come last: the object's key order (which the state's
      // tables list their records in) is kept once per object and write, for a rollback.
      if (!Array.isArray(target) && Object.hasOwn(target, key) && !this.#orders.has(target))
        this.#orders.set(target, Reflect.ownKeys(target));
      this.#record(target, key);
      const done = Reflect.deleteProperty(target, key);
      touched(target, key);
      return done;
    },
    defineProperty: (target, key, desc) => {
      this.#record(target, key);
      const d = 'value' in desc ? { ...desc, value: plain(desc.value) } : desc;
      const done = Reflect.defineProperty(target, key, d);
      touched(target, key);
      return done;
    },
  };

  /** Starts a write: returns the view of `root` the handler must use. */
  begin<T extends object>(root: T): T {
    this.#entries = [];
    this.#orders.clear();
    return this.#view(root) as T;
  }

  /** Number of changes recorded since `begin` (tests). */
  get size(): number {
    return this.#entries.length;
  }

  /** Whether this write changed a property of one of these names, on any object. */
  changed(keys: ReadonlySet<PropertyKey>): boolean {
    return this.#entries.some((e) => keys.has(e.key));
  }

  /** Keeps the changes. */
  commit(): void {
    this.#entries = [];
    this.#orders.clear();
  }

  /** Undoes every change since `begin`, newest first. */
  rollback(): void {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const { target, key, had, old } = this.#entries[i]!;
      if (had) target[key] = old;
      else delete target[key];
      touched(target, key);
    }
    for (const [target, keys] of this.#orders) {
      for (const k of keys) {
        if (!Object.hasOwn(target, k)) continue; // added by this write, after the keys were kept
        const v = target[k];
        delete target[k];
        target[k] = v;
      }
    }
    this.#entries = [];
    this.#orders.clear();
  }

  /** Journals the key's value before a change. */
  #record(target: Record<PropertyKey, unknown>, key: PropertyKey): void {
    // Setting an array element past the end lengthens the array as a side effect, with no set of
    // `length` of its own to journal (push sets `length` too, but after the fact).
    if (Array.isArray(target) && key !== 'length' && Number(key) >= target.length) {
      this.#entries.push({ target, key: 'length', had: true, old: target.length });
    }
    const had = Object.hasOwn(target, key);
    this.#entries.push({ target, key, had, old: had ? target[key] : undefined });
  }

  #view(o: object): object {
    let v = this.#views.get(o);
    if (!v) {
      v = new Proxy(o as Record<PropertyKey, unknown>, this.#handler);
      this.#views.set(o, v);
      targets.set(v, o);
    }
    return v;
  }
}
