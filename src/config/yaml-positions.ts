import type { PathSegment } from './path.js';
import {
  isSeqItem,
  looksLikeKey,
  plainKeyEnd,
  quotedEnd,
  trimEndSpaces,
  trimStartSpaces,
} from './yaml-fast-path.js';

/**
 * Source positions for a file the fast parser (yaml-fast-path.ts) took, without the `yaml`
 * package: that package reads about 0.7 MB of YAML per second of CPU, so the first position a
 * diagnostic asked of a 6 MB file cost 9 s. One pass over the lines builds a tree of positions
 * (no values), about as fast as the fast parser itself; `locate` then answers as yaml-source.ts's
 * nodeOffset does on the yaml package's Document: the start of the value (after its anchor), an
 * alias where it is written and its anchor's value below it, merge keys followed to where a key
 * was written, an empty value just after its `:` or `-` and the spaces that follow.
 *
 * It knows only the fast parser's subset (block mappings and sequences, compact items, one-line
 * flow collections and quoted scalars, anchors, aliases, merge keys, comments, a leading `---`)
 * and is used only for files the fast parser took; anything else makes it give up (undefined).
 * test/config/yaml-positions.test.ts compares it with the yaml package on every path of the
 * examples and of generated files.
 */

export interface Position {
  line: number;
  column: number;
}

interface PosNode {
  at: Position;
  /** A mapping: each key's position and its value. */
  keys?: Map<string, { key: Position; value: PosNode }>;
  /** A mapping's merge sources (`<<: *a`, `<<: [*a, *b]`), in order. */
  merges?: PosNode[];
  /** A sequence's items. */
  items?: PosNode[];
  /** An alias: the anchor it names. */
  alias?: string;
}

interface Line {
  no: number;
  indent: number;
  /** Without the indentation and trailing spaces. */
  text: string;
  /** Length of the line as written (an empty value at its end is placed there). */
  raw: number;
}

class GiveUp extends Error {}

const giveUp = (): never => {
  throw new GiveUp();
};

export type Locate = (path: readonly PathSegment[], target?: 'value' | 'key') => Position;

/** A `locate` for `text`, or undefined when the text is outside the subset. */
export function fastPositions(text: string): Locate | undefined {
  let reader: PositionReader;
  let root: PosNode;
  try {
    reader = new PositionReader(text);
    root = reader.parse();
  } catch {
    return undefined;
  }
  const anchors = reader.anchors;
  const deref = (n: PosNode | undefined): PosNode | undefined => {
    let node = n;
    for (let i = 0; i < 100 && node?.alias !== undefined; i++) node = anchors.get(node.alias);
    return node;
  };
  const findPair = (
    map: PosNode,
    key: string,
    depth: number,
  ): { key: Position; value: PosNode } | undefined => {
    if (depth > 20) return undefined;
    const direct = map.keys?.get(key);
    if (direct) return direct;
    for (const m of map.merges ?? []) {
      const source = deref(m);
      const found = source?.keys ? findPair(source, key, depth + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  };
  return (path, target = 'value') => {
    let node: PosNode | undefined = root;
    let best = root.at;
    let keyAt: Position | undefined;
    for (const seg of path) {
      node = deref(node);
      keyAt = undefined;
      let next: PosNode | undefined;
      if (node?.keys) {
        const pair = findPair(node, String(seg), 0);
        if (pair) {
          keyAt = pair.key;
          next = pair.value;
        }
      } else if (node?.items && typeof seg === 'number') next = node.items[seg];
      if (next === undefined) return best;
      best = next.at;
      node = next;
    }
    return target === 'key' && keyAt !== undefined ? keyAt : best;
  };
}

class PositionReader {
  readonly #lines: Line[] = [];
  #i = 0;
  readonly anchors = new Map<string, PosNode>();

  constructor(text: string) {
    let no = 0;
    let first = true;
    for (const raw of text.split('\n')) {
      no++;
      let indent = 0;
      while (raw.charCodeAt(indent) === 32) indent++;
      if (indent === raw.length || raw[indent] === '#') continue;
      const content = trimEndSpaces(raw.slice(indent));
      if (first && indent === 0 && (content === '---' || /^--- +#/.test(content))) continue;
      first = false;
      this.#lines.push({ no, indent, text: content, raw: raw.length });
    }
  }

  parse(): PosNode {
    const root = this.#block(0);
    if (this.#i < this.#lines.length) giveUp();
    return root;
  }

  #block(min: number): PosNode {
    const line = this.#lines[this.#i] ?? giveUp();
    if (line.indent < min) giveUp();
    return isSeqItem(line.text) ? this.#seq(line.indent) : this.#map(line.indent);
  }

  #seq(indent: number): PosNode {
    const first = this.#lines[this.#i]!;
    const node: PosNode = { at: { line: first.no, column: indent + 1 }, items: [] };
    for (;;) {
      const line = this.#lines[this.#i];
      if (!line || line.indent < indent || (line.indent === indent && !isSeqItem(line.text))) break;
      if (line.indent > indent) giveUp();
      const rest = trimStartSpaces(line.text.slice(1));
      const column = indent + (line.text.length - rest.length);
      if (rest === '' || rest.startsWith('#')) {
        this.#i++;
        node.items!.push(this.#nested(line, indent, 0, false));
        continue;
      }
      if (isSeqItem(rest) || looksLikeKey(rest)) {
        this.#lines[this.#i] = { no: line.no, indent: column, text: rest, raw: line.raw };
        node.items!.push(this.#block(column));
        continue;
      }
      this.#i++;
      node.items!.push(this.#inline(line, rest, indent));
    }
    return node;
  }

  #map(indent: number): PosNode {
    const first = this.#lines[this.#i]!;
    const node: PosNode = { at: { line: first.no, column: indent + 1 }, keys: new Map() };
    for (;;) {
      const line = this.#lines[this.#i];
      if (!line || line.indent < indent) break;
      if (line.indent > indent || isSeqItem(line.text)) giveUp();
      const { key, colon, merge } = splitKey(line.text);
      const rest = trimStartSpaces(line.text.slice(colon + 1));
      this.#i++;
      const value =
        rest === '' || rest.startsWith('#')
          ? this.#nested(line, indent, colon, true)
          : this.#inline(line, rest, indent);
      if (merge) {
        node.merges ??= [];
        node.merges.push(...(value.items ?? [value]));
      } else if (!node.keys!.has(key)) {
        node.keys!.set(key, { key: { line: line.no, column: indent + 1 }, value });
      }
    }
    return node;
  }

  /**
   * The value after `key:` or `-` with nothing else on its line (`indicator` is the index of the
   * `:` or `-` in the line's text): a block below, or an empty value placed after the indicator
   * and the spaces that follow it, as the yaml package places it.
   */
  #nested(line: Line, indent: number, indicator: number, mapValue: boolean): PosNode {
    const next = this.#lines[this.#i];
    if (next && next.indent > indent) return this.#block(indent + 1);
    if (mapValue && next && next.indent === indent && isSeqItem(next.text)) return this.#seq(indent);
    const after = line.text.slice(indicator + 1);
    const comment = trimStartSpaces(after);
    const column =
      comment === '' ? line.raw + 1 : line.indent + indicator + 2 + (after.length - comment.length);
    return { at: { line: line.no, column } };
  }

  /** A value on the line of its key or dash; `rest` is a suffix of the line's text. */
  #inline(line: Line, rest: string, indent: number): PosNode {
    const column = line.indent + (line.text.length - rest.length) + 1;
    if (rest[0] === '&') {
      const name = /^&([^\s,[\]{}]+)/.exec(rest)?.[1] ?? giveUp();
      const tail = trimStartSpaces(rest.slice(1 + name.length));
      const value =
        tail === '' || tail.startsWith('#') ? this.#block(indent + 1) : this.#inline(line, tail, indent);
      this.anchors.set(name, value);
      return value;
    }
    if (rest[0] === '*') {
      const name = /^\*([^\s,[\]{}]+)/.exec(rest)?.[1] ?? giveUp();
      return { at: { line: line.no, column }, alias: name };
    }
    if (rest[0] === '[' || rest[0] === '{') return new FlowPositions(rest, line.no, column).value();
    return { at: { line: line.no, column } };
  }
}

/** One-line flow collections, with the column of each value and key. */
class FlowPositions {
  #pos = 0;
  readonly #s: string;
  readonly #line: number;
  /** Column of the string's first character. */
  readonly #column: number;

  constructor(s: string, line: number, column: number) {
    this.#s = s;
    this.#line = line;
    this.#column = column;
  }

  #here(): Position {
    return { line: this.#line, column: this.#column + this.#pos };
  }

  value(): PosNode {
    this.#space();
    const at = this.#here();
    const c = this.#s[this.#pos];
    if (c === '[') {
      this.#pos++;
      const items: PosNode[] = [];
      this.#space();
      while (this.#s[this.#pos] !== ']') {
        items.push(this.value());
        this.#space();
        if (this.#s[this.#pos] === ',') this.#pos++;
        else if (this.#s[this.#pos] !== ']') giveUp();
        this.#space();
      }
      this.#pos++;
      return { at, items };
    }
    if (c === '{') {
      this.#pos++;
      const keys = new Map<string, { key: Position; value: PosNode }>();
      this.#space();
      while (this.#s[this.#pos] !== '}') {
        const keyAt = this.#here();
        const key = this.#scalar();
        this.#space();
        if (this.#s[this.#pos] !== ':') giveUp();
        this.#pos++;
        this.#space();
        const ch = this.#s[this.#pos];
        // An empty value (`{k: }`) sits where the next token starts.
        const value = ch === ',' || ch === '}' ? { at: this.#here() } : this.value();
        if (!keys.has(key)) keys.set(key, { key: keyAt, value });
        this.#space();
        if (this.#s[this.#pos] === ',') this.#pos++;
        else if (this.#s[this.#pos] !== '}') giveUp();
        this.#space();
      }
      this.#pos++;
      return { at, keys };
    }
    if (c === '*') {
      const name = /^\*([^\s,[\]{}]+)/.exec(this.#s.slice(this.#pos))?.[1] ?? giveUp();
      this.#pos += 1 + name.length;
      return { at, alias: name };
    }
    this.#scalar();
    return { at };
  }

  /** Skips a quoted or plain scalar; returns its text (a key's name). */
  #scalar(): string {
    const start = this.#pos;
    const c = this.#s[start];
    if (c === '"' || c === "'") {
      const end = quotedEnd(this.#s, start);
      if (end < 0) giveUp();
      this.#pos = end;
      return unquote(this.#s.slice(start, end));
    }
    let end = start;
    for (; end < this.#s.length; end++) {
      const ch = this.#s[end];
      if (ch === ',' || ch === ']' || ch === '}' || ch === '[' || ch === '{') break;
      if (ch === ':' && (this.#s[end + 1] === ' ' || this.#s[end + 1] === undefined)) break;
    }
    if (end === start) giveUp();
    this.#pos = end;
    return trimEndSpaces(this.#s.slice(start, end));
  }

  #space(): void {
    while (this.#s[this.#pos] === ' ') this.#pos++;
  }
}

function splitKey(text: string): { key: string; colon: number; merge: boolean } {
  const c = text[0];
  if (c === '"' || c === "'") {
    const end = quotedEnd(text, 0);
    if (end < 0 || text[end] !== ':') giveUp();
    return { key: unquote(text.slice(0, end)), colon: end, merge: false };
  }
  const colon = plainKeyEnd(text);
  if (colon < 0) giveUp();
  const key = trimEndSpaces(text.slice(0, colon));
  return { key, colon, merge: key === '<<' };
}

/** A quoted key's name (double-quoted escapes read as JSON reads them, the common ones). */
function unquote(quoted: string): string {
  if (quoted[0] === "'") return quoted.slice(1, -1).replaceAll("''", "'");
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return giveUp();
  }
}
