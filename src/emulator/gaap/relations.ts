import { keysChanged } from '../undo-journal.js';
import { notFound } from './errors.js';
import type { Ctx, GaapState, ParentLink, RecordOf, Relations, ResourceModule, TableName } from './state.js';

/**
 * The relations between records of different kinds, worked out from what each kind's module
 * declares (`parents`, `references`, `key`), so no kind's module knows the kinds below it: a
 * listener's deletion removes its domains, a domain's its rules and error pages, each kind saying
 * only what it hangs off. Every walk scans each table it concerns at most once per level.
 */

interface ChildLink {
  readonly module: ResourceModule;
  readonly links: readonly ParentLink[];
}

interface Referrer {
  readonly module: ResourceModule;
  readonly paths: readonly string[];
}

/** The registry's modules, indexed once for the relations' walks. */
export class ResourceIndex {
  readonly #byTable = new Map<TableName, ResourceModule>();
  readonly #children = new Map<TableName, ChildLink[]>();
  readonly #referrers = new Map<TableName, Referrer[]>();
  /** Tables keyed by IDs from ctx.newId (one ID space). */
  readonly idTables: readonly TableName[];
  /** Modules whose finished records are dropped lazily (settle). */
  readonly #settled: ResourceModule[];
  /** The fields whose going-away value (`goneWhen`) makes a record due for settle. */
  readonly goneFields: ReadonlySet<string>;

  constructor(readonly modules: readonly ResourceModule[]) {
    for (const m of modules) {
      if (this.#byTable.has(m.table)) throw new Error(`emulator bug: two modules own table ${m.table}`);
      this.#byTable.set(m.table, m);
    }
    for (const m of modules) {
      const byParent = new Map<TableName, ParentLink[]>();
      for (const link of m.parents ?? []) {
        if (!this.#byTable.has(link.table))
          throw new Error(`emulator bug: ${m.table} hangs off unknown table ${link.table}`);
        byParent.set(link.table, [...(byParent.get(link.table) ?? []), link]);
      }
      for (const [parent, links] of byParent) {
        this.#children.set(parent, [...(this.#children.get(parent) ?? []), { module: m, links }]);
      }
      for (const [target, paths] of Object.entries(m.references ?? {})) {
        const t = target as TableName;
        if (!this.#byTable.has(t)) throw new Error(`emulator bug: ${m.table} refers to unknown table ${t}`);
        if (paths) this.#referrers.set(t, [...(this.#referrers.get(t) ?? []), { module: m, paths }]);
      }
    }
    this.idTables = modules.filter((m) => m.ownIds).map((m) => m.table);
    this.#settled = modules.filter((m) => m.goneWhen);
    this.goneFields = new Set(this.#settled.map((m) => m.goneWhen!.field));
  }

  module(table: TableName): ResourceModule {
    const m = this.#byTable.get(table);
    if (!m) throw new Error(`emulator bug: no module owns table ${table}`);
    return m;
  }

  childLinks(table: TableName): readonly ChildLink[] {
    return this.#children.get(table) ?? [];
  }

  referrersOf(table: TableName): readonly Referrer[] {
    return this.#referrers.get(table) ?? [];
  }

  /**
   * Lazy garbage collection: records whose going-away transition is over disappear. Returns when
   * the next one still going away is due (Infinity when none is).
   */
  settle(state: GaapState, now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const m of this.#settled) {
      const gone = m.goneWhen!;
      const table = tableOf(state, m.table);
      for (const [id, rec] of Object.entries(table)) {
        if (Reflect.get(rec, gone.field) !== gone.value) continue;
        const busy: unknown = Reflect.get(rec, 'busy');
        const until = typeof busy === 'object' && busy !== null ? Reflect.get(busy, 'until') : undefined;
        if (typeof until === 'number' && now < until) next = Math.min(next, until);
        else {
          delete table[id];
          keysChanged(table);
        }
      }
    }
    return next;
  }
}

export function tableOf<T extends TableName>(state: GaapState, table: T): Record<string, RecordOf<T>> {
  return state[table] as Record<string, RecordOf<T>>;
}

/** A record's key in its kind's table: its key fields, joined with `|`. */
export function keyOf(fields: readonly string[], rec: object): string {
  if (fields.length === 1) return String(Reflect.get(rec, fields[0]!));
  return fields.map((f) => String(Reflect.get(rec, f))).join('|');
}

const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';

/** The parent a record hangs off: the first of its module's links whose fields are all set. */
function parentOf(m: ResourceModule, rec: object): { table: TableName; key: string } | undefined {
  for (const link of m.parents ?? []) {
    if (link.fields.every((f) => isSet(Reflect.get(rec, f)))) {
      return { table: link.table, key: keyOf(link.fields, rec) };
    }
  }
  return undefined;
}

/** Every value at a field path; arrays on the way are walked (`bindings.RealServerId`). */
function valuesAt(rec: object, path: string): string[] {
  let current: unknown[] = [rec];
  for (const seg of path.split('.')) {
    const next: unknown[] = [];
    for (const v of current) {
      if (typeof v !== 'object' || v === null) continue;
      const x: unknown = Reflect.get(v, seg);
      if (Array.isArray(x)) next.push(...x);
      else next.push(x);
    }
    current = next;
  }
  return current.filter(isSet).map(String);
}

const uses = (r: Referrer, rec: object, id?: string) =>
  r.paths.some((p) => {
    const values = valuesAt(rec, p);
    return id === undefined ? values.length > 0 : values.includes(id);
  });

/** The relations of one request, on its view of the state. */
export class RequestRelations implements Relations {
  constructor(
    private readonly index: ResourceIndex,
    private readonly ctx: Ctx,
  ) {}

  get<T extends TableName>(table: T, key: string): RecordOf<T> {
    const t = tableOf(this.ctx.state, table);
    const rec = Object.hasOwn(t, key) ? t[key] : undefined;
    if (!rec) notFound(this.index.module(table).noun, key);
    return rec;
  }

  status<T extends TableName>(table: T, rec: RecordOf<T>): string | number {
    const m = this.index.module(table);
    if (!m.status) throw new Error(`emulator bug: ${table} has no status`);
    return m.status(this.ctx, rec);
  }

  children<T extends TableName>(table: T, parentTable: TableName, parentKey: string): RecordOf<T>[] {
    const m = this.index.module(table);
    return Object.values(tableOf(this.ctx.state, table)).filter((rec) => {
      const p = parentOf(m, rec);
      return p !== undefined && p.table === parentTable && p.key === parentKey;
    });
  }

  remove(table: TableName, keys: readonly string[]): void {
    const t = tableOf(this.ctx.state, table);
    for (const k of keys) delete t[k];
    this.removeChildren(table, keys);
  }

  removeChildren(table: TableName, keys: readonly string[]): void {
    this.#walkDown(table, keys, (_m, t, key) => {
      delete t[key];
      return false;
    });
  }

  moveChildren(table: TableName, from: string, to: string): void {
    const values = to.split('|');
    for (const { module: m, links } of this.index.childLinks(table)) {
      const link = links[0]!;
      if (link.fields.some((f) => m.key.includes(f)))
        throw new Error(`emulator bug: ${m.table} is keyed by its parent and cannot follow it`);
      for (const rec of Object.values(tableOf(this.ctx.state, m.table))) {
        const p = parentOf(m, rec);
        if (p?.table !== table || p.key !== from) continue;
        link.fields.forEach((f, i) => {
          Reflect.set(rec, f, values[i]);
        });
      }
    }
  }

  referrers<T extends TableName>(table: T, target: TableName, id: string): RecordOf<T>[] {
    const r = this.index.referrersOf(target).find((x) => x.module.table === table);
    if (!r) return [];
    return Object.values(tableOf(this.ctx.state, table)).filter((rec) => uses(r, rec, id));
  }

  firstUser(target: TableName, id: string): { table: TableName; rec: object } | undefined {
    for (const r of this.index.referrersOf(target)) {
      const t: Record<string, object> = tableOf(this.ctx.state, r.module.table);
      for (const rec of Object.values(t)) if (uses(r, rec, id)) return { table: r.module.table, rec };
    }
    return undefined;
  }

  usesBelow(table: TableName, keys: readonly string[], target: TableName, self: boolean): boolean {
    if (self) {
      const r = this.index.referrersOf(target).find((x) => x.module.table === table);
      const t = tableOf(this.ctx.state, table);
      if (r && keys.some((k) => Object.hasOwn(t, k) && uses(r, t[k]!))) return true;
    }
    const referrers = this.index.referrersOf(target);
    return this.#walkDown(table, keys, (m, t, key) => {
      const r = referrers.find((x) => x.module === m);
      return r !== undefined && uses(r, t[key]!);
    });
  }

  ancestor<A extends TableName>(table: TableName, rec: object, ancestor: A): RecordOf<A> | undefined {
    let t = table;
    let r: object | undefined = rec;
    while (r) {
      if (t === ancestor) return tableOf(this.ctx.state, ancestor)[keyOf(this.index.module(t).key, r)];
      const p = parentOf(this.index.module(t), r);
      if (!p) return undefined;
      const parents: Record<string, object> = tableOf(this.ctx.state, p.table);
      t = p.table;
      r = Object.hasOwn(parents, p.key) ? parents[p.key] : undefined;
    }
    return undefined;
  }

  /**
   * Visits every record under the records of `table` under `keys`, level by level (one scan of
   * each child table per level); stops at the first visit that returns true.
   */
  #walkDown(
    table: TableName,
    keys: readonly string[],
    visit: (m: ResourceModule, t: Record<string, object>, key: string) => boolean,
  ): boolean {
    const frontier: [TableName, Set<string>][] = keys.length > 0 ? [[table, new Set(keys)]] : [];
    while (frontier.length > 0) {
      const [parentTable, parentKeys] = frontier.pop()!;
      for (const { module: m } of this.index.childLinks(parentTable)) {
        const t: Record<string, object> = tableOf(this.ctx.state, m.table);
        const found: string[] = [];
        for (const [key, rec] of Object.entries(t)) {
          const p = parentOf(m, rec);
          if (p?.table === parentTable && parentKeys.has(p.key)) found.push(key);
        }
        for (const key of found) if (visit(m, t, key)) return true;
        if (found.length > 0) frontier.push([m.table, new Set(found)]);
      }
    }
    return false;
  }
}
