import type { GaapApiOptions } from '../api-options.js';
import type { AsyncKind } from '../emulator-types.js';
import { rawOf, watchKeys } from '../undo-journal.js';
import type { CrossRule, ValueRule } from './validation-rules.js';

/**
 * Everything the GAAP emulator knows, as plain JSON so snapshot()/restore() are trivial.
 * Transitional states are stored as `busy: { status, until }` and evaluated lazily against the
 * clock on every read (no timers), so tests can fake time through `opts.now`.
 *
 * This file is the generic core: each resource kind is one module of `resources/` that owns its
 * record type, its table (it adds the table to `GaapTables`), its actions, its relations and its
 * validation rules (`ResourceModule`); `resources/registry.ts` lists the modules.
 */
export interface Busy<S> {
  status: S;
  until: number;
}

export interface TagPair {
  TagKey: string;
  TagValue: string;
}

/** A real server bound to a listener or rule (BindListenerRealServers, BindRuleRealServers). */
export interface Binding {
  RealServerId: string;
  RealServerIP: string;
  RealServerPort: number;
  RealServerWeight: number;
  RealServerFailoverRole?: string;
}

export interface TaskRec {
  TaskId: string;
  until: number;
}

/** A ClientToken already used: the answer is replayed for an identical request. */
export interface TokenRec {
  fingerprint: string;
  output: Record<string, unknown>;
}

/**
 * The tables of the resource kinds, one per kind, keyed as the kind says (`ResourceModule.key`).
 * Each module of `resources/` adds its own table here (`declare module '../state.js'`), so the
 * state is typed without this file knowing the kinds.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from resources/*.ts
export interface GaapTables {}

export interface GaapState extends GaapTables {
  seq: number;
  tasks: Record<string, TaskRec>;
  clientTokens: Record<string, TokenRec>;
}

export type TableName = keyof GaapTables;
export type RecordOf<T extends TableName> = GaapTables[T][string];

export type Params = Record<string, unknown>;
export type Output = Record<string, unknown>;

/** What a handler sees: the state, the request's clock reading and helpers. */
export interface Ctx {
  state: GaapState;
  /** ms, from opts.now() once per request. */
  now: number;
  opts: GaapApiOptions;
  /** This request's RequestId (DescribeTaskStatus accepts it as a TaskId). */
  requestId: string;
  /** Relations between the kinds' records, from the modules' declarations (relations.ts). */
  rel: Relations;
  newId(prefix: string): string;
  nextSeq(): number;
}

export type Handler = (ctx: Ctx, p: Params) => Output;

/**
 * Where a record hangs: the parent's table and the fields of the record that hold the parent's
 * key (joined with `|`, as the parent's table is keyed). A record with several possible parents
 * (a listener on a proxy or a group) names each; the first whose fields are all set is its parent.
 */
export interface ParentLink {
  readonly table: TableName;
  readonly fields: readonly string[];
}

/**
 * One resource kind of the emulator: its table, its actions and what the generic parts need to
 * know about it. Adding a kind is one module of `resources/` and one line in its registry.
 */
export interface ResourceModule<T extends TableName = TableName> {
  readonly table: T;
  /** What ResourceNotFound calls it ("proxy group"). */
  readonly noun: string;
  /** The fields of a record that make its key in the table (joined with `|`). */
  readonly key: readonly string[];
  /** Its keys are IDs from `ctx.newId`, drawn from the one ID space the ID-keyed tables share. */
  readonly ownIds?: boolean;
  /** Its actions (each action belongs to exactly one module). */
  readonly actions: Readonly<Record<string, Handler>>;
  /** What it hangs off: deleting the parent removes it, a parent's new key moves it. */
  readonly parents?: readonly ParentLink[];
  /** Other kinds' records it uses, by field path (`bindings.RealServerId` reads every binding). */
  readonly references?: Readonly<Partial<Record<TableName, readonly string[]>>>;
  /** Its current status (ProxyStatus, ListenerStatus, ...). */
  status?(ctx: Ctx, rec: RecordOf<T>): string | number;
  /**
   * A taggable root: its resource prefix in the Tag API's six-segment names (tags.ts) and, if
   * DescribeResourcesByTag lists it, its ResourceType there.
   */
  readonly tags?: { readonly prefix: string; readonly resourceType?: string };
  /** The name admin `set-busy` knows it by; `finish-transitions` ends its transitions. */
  readonly busyName?: string;
  /** A record with this stable value is dropped once its transition is over (lazily). */
  readonly goneWhen?: { readonly field: string; readonly value: string };
  /** Fields of the state besides its table that it owns, with their initial values. */
  readonly extraState?: () => Partial<GaapState>;
  /** Value rules of its parameters, in the vocabulary of validation-rules.ts. */
  readonly valueRules?: Readonly<Record<string, ValueRule>>;
  /** Cross-field rules of its actions (validation-rules.ts). */
  readonly crossRules?: readonly CrossRule[];
  /** Fields of a record that hold secrets: never shown or stored in clear (secret-keeper.ts). */
  secretFields?(rec: RecordOf<T>): readonly string[];
}

/** The relations of records across kinds, answered from the modules' declarations. */
export interface Relations {
  /** The record of `table` under `key`, or ResourceNotFound naming its kind. */
  get<T extends TableName>(table: T, key: string): RecordOf<T>;
  /** Its module's current status of a record. */
  status<T extends TableName>(table: T, rec: RecordOf<T>): string | number;
  /** Records of `table` whose parent is the record of `parentTable` under `parentKey`. */
  children<T extends TableName>(table: T, parentTable: TableName, parentKey: string): RecordOf<T>[];
  /** Removes the records of `table` under `keys` and everything that hangs off them. */
  remove(table: TableName, keys: readonly string[]): void;
  /** Removes everything that hangs off these records of `table`, but not the records. */
  removeChildren(table: TableName, keys: readonly string[]): void;
  /** The record of `table` under `from` is now under `to`: its children follow it. */
  moveChildren(table: TableName, from: string, to: string): void;
  /** Records of kind `table` that use the record `id` of `target`, in registry order. */
  referrers<T extends TableName>(table: T, target: TableName, id: string): RecordOf<T>[];
  /** The first record (in registry order) that uses the record `id` of `target`, and its kind. */
  firstUser(target: TableName, id: string): { table: TableName; rec: object } | undefined;
  /**
   * Whether any record under the records of `table` under `keys` (or, with `self`, those
   * records) uses a record of `target`: "a real server is still bound".
   */
  usesBelow(table: TableName, keys: readonly string[], target: TableName, self: boolean): boolean;
  /** The record of `ancestor` that `rec` (of `table`) hangs under, or `rec` itself. */
  ancestor<A extends TableName>(table: TableName, rec: object, ancestor: A): RecordOf<A> | undefined;
}

/** Current status of anything with a stable value and an optional transition. */
export function current<S, B>(rec: { busy?: Busy<B> | undefined }, stable: S, now: number): S | B {
  return rec.busy && now < rec.busy.until ? rec.busy.status : stable;
}

/** A transitional state of an object of this kind, for the kind's asynchronous delay. */
export function startBusy<B>(ctx: Ctx, status: B, kind: AsyncKind): Busy<B> {
  return { status, until: ctx.now + (ctx.opts.asyncDelayByKindMs?.[kind] ?? ctx.opts.asyncDelayMs) };
}

export const secondsOf = (ms: number) => Math.floor(ms / 1000);

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `prefix-` + 8 lowercase alphanumerics, like `link-nphqtout`. */
export function randomId(prefix: string, random: () => number): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return `${prefix}-${s}`;
}

/** Records of a table in creation order. */
export function ordered<T extends { seq: number }>(table: Record<string, T>): T[] {
  return Object.values(table).sort((a, b) => a.seq - b.seq);
}

/**
 * The IDs of a table's records by the value of one field. It follows the table's keys
 * (undo-journal.ts `watchKeys`): a record added, replaced or removed through a journal's view is
 * re-read at the next query, and only it; after `keysChanged` (a change outside any view) the
 * whole table is read again. A table grows by one record per create, so rebuilding the index on
 * every change made an apply quadratic in the listeners or rules under one account (200 proxies:
 * ~0.5 s of the emulator's CPU).
 */
class FieldIndex {
  readonly #raw: object;
  readonly #field: string;
  readonly #byValue = new Map<unknown, Set<string>>();
  readonly #valueOf = new Map<string, unknown>();
  readonly #dirty = new Set<string>();
  #whole = true;

  constructor(raw: object, field: string) {
    this.#raw = raw;
    this.#field = field;
    watchKeys(raw, (key) => {
      if (key === undefined) this.#whole = true;
      else if (!this.#whole && typeof key === 'string') this.#dirty.add(key);
    });
  }

  ids(value: string): Iterable<string> {
    if (this.#whole) {
      this.#whole = false;
      this.#dirty.clear();
      this.#byValue.clear();
      this.#valueOf.clear();
      for (const id of Object.keys(this.#raw)) this.#add(id);
    } else if (this.#dirty.size > 0) {
      for (const id of this.#dirty) {
        if (this.#valueOf.has(id)) {
          const old = this.#valueOf.get(id);
          const ids = this.#byValue.get(old)!;
          ids.delete(id);
          if (ids.size === 0) this.#byValue.delete(old);
          this.#valueOf.delete(id);
        }
        if (Object.hasOwn(this.#raw, id)) this.#add(id);
      }
      this.#dirty.clear();
    }
    return this.#byValue.get(value) ?? [];
  }

  #add(id: string): void {
    const rec: unknown = Reflect.get(this.#raw, id);
    const v: unknown = typeof rec === 'object' && rec !== null ? Reflect.get(rec, this.#field) : undefined;
    this.#valueOf.set(id, v);
    const ids = this.#byValue.get(v);
    if (ids) ids.add(id);
    else this.#byValue.set(v, new Set([id]));
  }
}
const fieldIndexes = new WeakMap<object, Map<string, FieldIndex>>();

/**
 * The records of `table` whose `field` equals `value`, in creation order, without a scan of the
 * table (FieldIndex), so a request's cost does not grow with the account. Records come through
 * `table` itself, so a write handler gets the journal's views of them. NOTE: only for a field a
 * record keeps for its whole life (a listener's ProxyId or GroupId, a domain's or rule's
 * ListenerId); a record whose field changed in place is not returned under its old value, nor
 * found under its new one.
 */
export function recordsWhere<T extends { seq: number }>(
  table: Record<string, T>,
  field: keyof T & string,
  value: string,
): T[] {
  const raw = rawOf(table);
  let byField = fieldIndexes.get(raw);
  if (!byField) {
    byField = new Map();
    fieldIndexes.set(raw, byField);
  }
  let index = byField.get(field);
  if (!index) {
    index = new FieldIndex(raw, field);
    byField.set(field, index);
  }
  const out: T[] = [];
  for (const id of index.ids(value)) {
    const rec = table[id];
    if (rec !== undefined && rec[field] === value) out.push(rec);
  }
  return out.sort((a, b) => a.seq - b.seq);
}

export function page<T>(items: T[], p: Params, defaultLimit = 20): T[] {
  const offset = typeof p.Offset === 'number' ? p.Offset : 0;
  const limit = typeof p.Limit === 'number' ? p.Limit : defaultLimit;
  return items.slice(offset, offset + limit);
}

// Typed accessors for already-validated parameters.
export const str = (p: Params, k: string): string | undefined =>
  typeof p[k] === 'string' ? p[k] : undefined;
export const num = (p: Params, k: string): number | undefined =>
  typeof p[k] === 'number' ? p[k] : undefined;
export const bool = (p: Params, k: string): boolean | undefined =>
  typeof p[k] === 'boolean' ? p[k] : undefined;
export function list<T = string>(p: Params, k: string): T[] | undefined {
  return Array.isArray(p[k]) ? (p[k] as T[]) : undefined;
}
export const has = (p: Params, k: string): boolean => p[k] !== undefined && p[k] !== null;

/** Tag filter semantics of every Describe* with TagSet: a resource matches if it has any one tag. */
export function matchesAnyTag(tags: TagPair[], wanted: TagPair[] | undefined): boolean {
  if (!wanted || wanted.length === 0) return true;
  return wanted.some((w) => tags.some((t) => t.TagKey === w.TagKey && t.TagValue === w.TagValue));
}
