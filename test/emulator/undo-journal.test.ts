import { describe, expect, it } from 'vitest';
import { recordsWhere } from '../../src/emulator/gaap/state.js';
import {
  copyOf,
  keysChanged,
  plain,
  rawOf,
  UndoJournal,
  watchKeys,
} from '../../src/emulator/undo-journal.js';

/** How many times keys of `o` were touched through a view, a rollback or keysChanged, so far. */
function keyTouches(o: object): () => number {
  let n = 0;
  watchKeys(o, () => {
    n++;
  });
  return () => n;
}

interface Rec {
  id: string;
  tags: { k: string; v: string }[];
  busy?: { status: number; until: number };
  nested: { list: number[] };
}
interface State {
  seq: number;
  recs: Record<string, Rec>;
  other: Record<string, { n: number }>;
}

function bigState(n: number): State {
  const recs: Record<string, Rec> = {};
  for (let i = 0; i < n; i++)
    recs[`r${i}`] = { id: `r${i}`, tags: [{ k: 'a', v: String(i) }], nested: { list: [i, i + 1] } };
  return { seq: n, recs, other: { x: { n: 1 } } };
}

/** A write touching several records, arrays and tables, in the ways handlers do. */
function multiPartWrite(s: State): void {
  s.seq += 1;
  s.recs.early = { id: 'early', tags: [], nested: { list: [] } };
  const a = s.recs.r1!;
  a.tags.push({ k: 'b', v: 'new' });
  a.busy = { status: 3, until: 99 };
  a.nested.list.sort((x, y) => y - x);
  a.nested.list.splice(0, 1);
  const b = s.recs.r2!;
  b.tags = [...a.tags, { k: 'c', v: 'copied' }];
  delete s.recs.r3;
  s.recs.added = { id: 'added', tags: [...b.tags], nested: { list: [] } };
  Object.assign(s.other.x!, { n: 2, extra: true });
  delete s.other.x;
}

describe('UndoJournal: all-or-nothing writes at the cost of the change', () => {
  it('rolls back a multi-part write that fails half-way: the state is as before, deep', () => {
    const state = bigState(10);
    const before = structuredClone(state);
    const journal = new UndoJournal();
    const view = journal.begin(state);
    expect(() => {
      multiPartWrite(view);
      throw new Error('fails after every change');
    }).toThrow('fails after every change');
    journal.rollback();
    expect(state).toEqual(before);
    // Not only equal: the same objects are back in place (nothing was copied and swapped).
    expect(Object.keys(state.recs)).toEqual(Object.keys(before.recs));
  });

  it('commits a write, and the state holds no views afterwards', () => {
    const state = bigState(5);
    const journal = new UndoJournal();
    const view = journal.begin(state);
    multiPartWrite(view);
    journal.commit();
    // structuredClone refuses proxies: a view stored in the state would throw here.
    const copy = structuredClone(state);
    expect(copy.recs.added?.tags.map((t) => t.v)).toEqual(['1', 'new', 'copied']);
    expect(copy.recs.r1?.nested.list).toEqual([1]);
    expect(copy.recs.r3).toBeUndefined();
    expect(copy.other.x).toBeUndefined();
    expect(copy.seq).toBe(6);
    // A rollback after a commit changes nothing.
    journal.rollback();
    expect(structuredClone(state)).toEqual(copy);
  });

  it('records the change, not the state: a one-record write in 20,000 records journals a few entries', () => {
    const state = bigState(20_000);
    const journal = new UndoJournal();
    const view = journal.begin(state);
    // Reading everything (as a handler scanning a table does) records nothing.
    expect(Object.values(view.recs).filter((r) => r.tags.length > 1)).toHaveLength(0);
    expect(journal.size).toBe(0);
    const r = view.recs.r42!;
    r.busy = { status: 1, until: 5 };
    r.tags.push({ k: 'x', v: 'y' });
    expect(journal.size).toBe(4); // busy; tags.length, tags[1] and tags.length again (push)
    journal.rollback();
    expect(state.recs.r42).toEqual({ id: 'r42', tags: [{ k: 'a', v: '42' }], nested: { list: [42, 43] } });
  });

  it('copyOf and rawOf see through views; plain strips them from values built of views', () => {
    const state = bigState(3);
    const journal = new UndoJournal();
    const view = journal.begin(state);
    const rec = view.recs.r0!;
    expect(() => structuredClone(rec)).toThrow();
    const draft = copyOf(rec);
    draft.tags[0]!.v = 'changed on the draft';
    expect(state.recs.r0?.tags[0]?.v).toBe('0');
    expect(rawOf(rec)).toBe(state.recs.r0);
    const out = plain({ set: [rec, { inner: rec.nested }] });
    expect(out.set[0]).toBe(state.recs.r0);
    expect((out.set[1] as { inner: unknown }).inner).toBe(state.recs.r0?.nested);
    expect(() => structuredClone(out)).not.toThrow();
    journal.commit();
  });
});

describe('recordsWhere: a table index that follows the journal', () => {
  interface L {
    seq: number;
    id: string;
    parent: string;
  }
  const table = (): Record<string, L> => ({
    a: { seq: 1, id: 'a', parent: 'p1' },
    c: { seq: 3, id: 'c', parent: 'p2' },
    b: { seq: 2, id: 'b', parent: 'p1' },
  });
  const ids = (ls: L[]) => ls.map((l) => l.id);

  it('answers in creation order, and sees records a write adds, deletes or rolls back', () => {
    const state = { t: table() };
    expect(ids(recordsWhere(state.t, 'parent', 'p1'))).toEqual(['a', 'b']);
    const keysVersion = keyTouches(state.t);
    const before = keysVersion();

    const j = new UndoJournal();
    const v = j.begin(state);
    v.t.d = { seq: 4, id: 'd', parent: 'p1' };
    delete v.t.a;
    // Inside the write the index follows the view, and hands out views (journaled).
    const inWrite = recordsWhere(v.t, 'parent', 'p1');
    expect(ids(inWrite)).toEqual(['b', 'd']);
    expect(rawOf(inWrite[0]!)).not.toBe(inWrite[0]);
    j.rollback();
    expect(keysVersion()).not.toBe(before);
    expect(ids(recordsWhere(state.t, 'parent', 'p1'))).toEqual(['a', 'b']);

    const w = j.begin(state);
    w.t.e = { seq: 5, id: 'e', parent: 'p2' };
    j.commit();
    expect(ids(recordsWhere(state.t, 'parent', 'p2'))).toEqual(['c', 'e']);
    expect(recordsWhere(state.t, 'parent', 'p9')).toEqual([]);
  });

  it('is built again only when records are added or removed, not when a record changes', () => {
    const state = { t: table() };
    const keysVersion = keyTouches(state.t);
    const v0 = keysVersion();
    const j = new UndoJournal();
    const v = j.begin(state);
    v.t.a!.seq = 10;
    j.commit();
    expect(keysVersion()).toBe(v0);
    // Removed outside any view: keysChanged says so.
    delete state.t.b;
    keysChanged(state.t);
    expect(ids(recordsWhere(state.t, 'parent', 'p1'))).toEqual(['a']);
  });

  it('follows a record replaced through a view, and its rollback', () => {
    const state = { t: table() };
    expect(ids(recordsWhere(state.t, 'parent', 'p2'))).toEqual(['c']);
    const j = new UndoJournal();
    const v = j.begin(state);
    v.t.a = { seq: 1, id: 'a', parent: 'p2' };
    expect(ids(recordsWhere(v.t, 'parent', 'p2'))).toEqual(['a', 'c']);
    expect(ids(recordsWhere(v.t, 'parent', 'p1'))).toEqual(['b']);
    j.rollback();
    expect(ids(recordsWhere(state.t, 'parent', 'p2'))).toEqual(['c']);
    expect(ids(recordsWhere(state.t, 'parent', 'p1'))).toEqual(['a', 'b']);
    // Two fields of one table are indexed apart.
    expect(ids(recordsWhere(state.t, 'id', 'b'))).toEqual(['b']);
  });

  it('says whether a write changed a property of a given name', () => {
    const state = { t: table() };
    const j = new UndoJournal();
    const v = j.begin(state);
    v.t.a!.parent = 'p3';
    expect(j.changed(new Set(['parent']))).toBe(true);
    expect(j.changed(new Set(['stable']))).toBe(false);
    j.rollback();
  });
});
