/**
 * A fast parser for the plain block YAML that desired-state files are made of, used before the
 * `yaml` package: on a 750 KB file it costs ~0.1 s of CPU where `parseDocument` + `toJS` cost
 * ~0.4 s (its CST parser and composer build a node, with source ranges, for every scalar; a
 * `Composer` on a CST, or `parse()`, do the same work; only its lexer alone is cheap).
 *
 * It returns the value exactly as `parseDocument(text, { merge: true }).toJS({ maxAliasCount })`
 * would, or `undefined` — "not sure" — for anything outside the subset it knows, and the caller
 * then uses the `yaml` package, which also reports every problem with its position. Whenever the
 * fast path is taken, source positions are computed only if a diagnostic needs one (yaml-source.ts).
 *
 * The subset: block mappings and sequences (compact `- key: value` items, nested sequences
 * included), plain scalars resolved by the YAML 1.2 core schema (the regular expressions of the
 * `yaml` package's core tags), single- and double-quoted scalars on one line (double-quoted with
 * the common escapes), one-line flow sequences and mappings, comments, a leading `---`, anchors
 * and aliases (an alias is the anchored value itself, as `toJS` makes it), and merge keys
 * `<<: *a` / `<<: [*a, *b]` / `<<: {…}` (earlier sources and the map's own keys win).
 * Declined, among others: tabs, block scalars (`|`, `>`), tags, multi-line scalars, several
 * documents, duplicate keys, keys that are not strings, anchors whose value holds an alias, an
 * anchor used more than `maxAliasCount` times, an undefined alias.
 */

import { MAX_NESTING, MAX_SCALAR_CHARS } from './input-limits.js';

// NOTE: a class of its own so any unexpected shape unwinds to the caller's fallback in one throw.
class Decline extends Error {}

const decline = (): never => {
  throw new Decline();
};

/** Over an input limit (input-limits.ts): the file is refused with this message, not read again. */
class OverLimit extends Error {}

const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT_RE = /^0o[0-7]+$/;
const INT_RE = /^[-+]?[0-9]+$/;
const INT_HEX_RE = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const MAYBE_NOT_STRING = new Set('~nNtTfF0123456789+-.');
/** Characters a plain scalar may not start with (YAML 1.2 §7.3.3), `-`, `?`, `:` handled apart. */
const INDICATORS = new Set(['[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);
const NAME_RE = /^[A-Za-z0-9_.-]+/;
const UNUSUAL_CHARS = /[\x00-\x09\x0b-\x1f\x7f\ufeff]/;

/** The YAML 1.2 core schema, in the order the `yaml` package tests its tags. */
export function resolvePlain(s: string): unknown {
  // Most scalars (names, hosts, paths) start with a character no null, boolean or number can
  // start with (`~`, n N t T f F, a digit, `+`, `-`, `.`): they are strings, without a test.
  if (s !== '' && !MAYBE_NOT_STRING.has(s[0]!)) return s;
  if (NULL_RE.test(s)) return null;
  if (BOOL_RE.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT_OCT_RE.test(s)) return Number.parseInt(s.slice(2), 8);
  if (INT_RE.test(s)) return Number.parseInt(s, 10);
  if (INT_HEX_RE.test(s)) return Number.parseInt(s.slice(2), 16);
  if (FLOAT_NAN_RE.test(s)) {
    if (s.slice(-3).toLowerCase() === 'nan') return Number.NaN;
    return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (FLOAT_EXP_RE.test(s) || FLOAT_RE.test(s)) return Number.parseFloat(s);
  return s;
}

interface Line {
  /** 1-based line number in the file. */
  no: number;
  indent: number;
  /** Without the indentation; never blank, never a comment. */
  text: string;
}

interface Anchor {
  value: unknown;
  uses: number;
  /** Levels of nesting inside the value. */
  levels: number;
}

export function fastParseYaml(text: string, maxAliasCount: number): { value: unknown } | undefined {
  const r = fastParseYamlAt(text, maxAliasCount);
  return 'value' in r ? r : undefined;
}

/**
 * As fastParseYaml, and when it declines, the line it was reading (1-based): where the file
 * first leaves the subset, or near it (the line of a multi-line construct that follows).
 */
export function fastParseYamlAt(
  text: string,
  maxAliasCount: number,
): { value: unknown } | { declinedLine: number; overLimit?: string } {
  const parser = new FastParser(text, maxAliasCount);
  try {
    return { value: parser.parse() };
  } catch (e) {
    if (e instanceof OverLimit) return { declinedLine: parser.line, overLimit: e.message };
    // A Decline, a RangeError (stack) or anything else: the yaml package decides.
    return { declinedLine: parser.line };
  }
}

class FastParser {
  readonly #lines: Line[] = [];
  #i = 0;
  /** The line being read, for a decline's position. */
  line = 1;
  /** Levels of collections open; the most reached since the innermost anchor began. */
  depth = 0;
  #deepest = 0;
  readonly #anchors = new Map<string, Anchor>();
  /** Set while a value that carries an anchor is parsed: an alias inside it declines. */
  #anchorDepth = 0;
  readonly #maxAliasCount: number;

  constructor(text: string, maxAliasCount: number) {
    this.#maxAliasCount = maxAliasCount;
    // Tabs, carriage returns, a byte-order mark, control characters: the yaml package decides.
    const unusual = UNUSUAL_CHARS.exec(text);
    if (unusual) {
      this.line = lineOf(text, unusual.index);
      return;
    }
    let first = true;
    let no = 0;
    // One pass over the text, line by line without splitting it: a line's content is sliced once.
    for (let start = 0; start <= text.length; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const lineStart = start;
      start = end + 1;
      no++;
      let at = lineStart;
      while (at < end && text.charCodeAt(at) === 32) at++;
      if (at === end) continue;
      const c = text[at];
      if (c === '#') continue;
      const indent = at - lineStart;
      let last = end;
      while (text.charCodeAt(last - 1) === 32) last--;
      const content = text.slice(at, last);
      if (indent === 0 && (content.startsWith('---') || content.startsWith('...') || c === '%')) {
        // One leading `---` (alone or before a comment) is a document start; anything else declines.
        if (first && (content === '---' || /^--- +#/.test(content))) continue;
        this.line = no;
        this.#lines.length = 0;
        return;
      }
      first = false;
      this.#lines.push({ no, indent, text: content });
    }
    this.#ready = true;
  }

  /** Whether the constructor took every line (else parse declines at `line`). */
  #ready = false;

  parse(): unknown {
    if (!this.#ready || this.#lines.length === 0) decline();
    const value = this.#block(0);
    if (this.#i < this.#lines.length) decline();
    return value;
  }

  /** A block node whose first line is the current one, indented at least `min`. */
  #block(min: number): unknown {
    const line = this.#lines[this.#i];
    if (!line || line.indent < min) return decline();
    if (isSeqItem(line.text)) return this.#seq(line.indent);
    return this.#map(line.indent);
  }

  /** Enters one more level of nesting. */
  enter(): void {
    this.depth++;
    if (this.depth > this.#deepest) this.#deepest = this.depth;
    if (this.depth > MAX_NESTING)
      throw new OverLimit(`the document nests more than ${MAX_NESTING} levels deep here`);
  }

  #seq(indent: number): unknown[] {
    const out: unknown[] = [];
    this.enter();
    for (;;) {
      const line = this.#lines[this.#i];
      // A line at the same indentation that is no item ends a sequence written under a key
      // (`domains:` then `- a` at the key's own indentation).
      if (!line || line.indent < indent || (line.indent === indent && !isSeqItem(line.text))) break;
      this.line = line.no;
      if (line.indent > indent) decline();
      const rest = trimStartSpaces(line.text.slice(1));
      const column = indent + (line.text.length - rest.length);
      if (rest === '' || rest.startsWith('#')) {
        this.#i++;
        out.push(this.#nested(indent, false));
        continue;
      }
      if (isSeqItem(rest) || looksLikeKey(rest)) {
        // Compact form: `- - a` or `- key: value` opens a block at the column of its content.
        this.#lines[this.#i] = { no: line.no, indent: column, text: rest };
        out.push(this.#block(column));
        continue;
      }
      this.#i++;
      out.push(this.#inline(rest, indent));
    }
    this.depth--;
    return out;
  }

  #map(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const explicit = new Set<string>();
    let merged = false;
    this.enter();
    for (;;) {
      const line = this.#lines[this.#i];
      if (!line || line.indent < indent) break;
      this.line = line.no;
      if (line.indent > indent || isSeqItem(line.text)) decline();
      const { key, rest, merge } = splitKey(line.text);
      this.#i++;
      if (merge) {
        if (merged) decline();
        merged = true;
        const source =
          rest === '' || rest.startsWith('#') ? this.#nested(indent, true) : this.#inline(rest, indent);
        const sources = Array.isArray(source) ? source : [source];
        for (const s of sources) {
          if (s === null || typeof s !== 'object' || Array.isArray(s)) decline();
          for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
            if (!Object.hasOwn(out, k)) out[k] = v;
          }
        }
        continue;
      }
      if (explicit.has(key)) decline();
      explicit.add(key);
      const value =
        rest === '' || rest.startsWith('#') ? this.#nested(indent, true) : this.#inline(rest, indent);
      // A key set by an earlier merge keeps its place, as in a JS object; the explicit value wins.
      out[key] = value;
    }
    this.depth--;
    return out;
  }

  /**
   * The value after `key:` or `-` with nothing else on the line: a block below (more indented, or
   * for a mapping value also a sequence at the key's own indentation), else null.
   */
  #nested(indent: number, mapValue: boolean): unknown {
    const next = this.#lines[this.#i];
    if (next && next.indent > indent) return this.#block(indent + 1);
    if (mapValue && next && next.indent === indent && isSeqItem(next.text)) return this.#seq(indent);
    return null;
  }

  /** A value written on the line of its key or dash (anchors, aliases, scalars, flow). */
  #inline(rest: string, indent: number): unknown {
    if (rest[0] === '&') {
      const name = NAME_RE.exec(rest.slice(1))?.[0] ?? decline();
      const after = rest.slice(1 + name.length);
      if (after !== '' && after[0] !== ' ') decline();
      const tail = trimSpaces(after);
      if (this.#anchors.has(name)) decline();
      this.#anchorDepth++;
      const outerDeepest = this.#deepest;
      this.#deepest = this.depth;
      let value: unknown;
      if (tail === '' || tail.startsWith('#')) {
        const next = this.#lines[this.#i];
        // `key: &a` followed by a block; an anchored null (nothing below) declines.
        if (!next || next.indent <= indent) decline();
        value = this.#block(indent + 1);
      } else {
        if (tail[0] === '&') decline();
        value = this.#inline(tail, indent);
      }
      this.#anchorDepth--;
      this.#anchors.set(name, { value, uses: 0, levels: this.#deepest - this.depth });
      this.#deepest = Math.max(outerDeepest, this.#deepest);
      return value;
    }
    if (rest[0] === '*') return this.#alias(rest);
    this.#noContinuation(indent);
    if (rest[0] === '[' || rest[0] === '{') {
      const flow = new FlowReader(rest, this);
      const value = flow.value();
      flow.end();
      return value;
    }
    if (rest[0] === '"' || rest[0] === "'") {
      const { value, end } = readQuoted(rest, 0);
      if (!isCommentOrEmpty(rest.slice(end))) decline();
      return value;
    }
    return resolvePlain(plainScalar(rest));
  }

  /** A scalar on a key's line must not go on over the next lines (a multi-line scalar). */
  #noContinuation(indent: number): void {
    const next = this.#lines[this.#i];
    if (next && next.indent > indent) decline();
  }

  alias(text: string): unknown {
    return this.#alias(text);
  }

  #alias(text: string): unknown {
    const name = NAME_RE.exec(text.slice(1))?.[0] ?? decline();
    if (!isCommentOrEmpty(text.slice(1 + name.length))) decline();
    return this.useAnchor(name);
  }

  useAnchor(name: string): unknown {
    if (this.#anchorDepth > 0) decline();
    const anchor = this.#anchors.get(name) ?? decline();
    // NOTE: the yaml package refuses an anchor used more than maxAliasCount times (resource
    // exhaustion); it decides that case, with its own message.
    anchor.uses++;
    if (anchor.uses > this.#maxAliasCount) decline();
    // A copy of the anchored value nests as deep as the value does, from here.
    if (this.depth + anchor.levels > MAX_NESTING)
      throw new OverLimit(
        `this alias nests the document more than ${MAX_NESTING} levels deep (each alias copies what its anchor holds)`,
      );
    return anchor.value;
  }
}

/** One-line flow collections: `[a, "b", *c]`, `{ env: NAME }`, nested. */
class FlowReader {
  #pos = 0;
  readonly #s: string;
  readonly #parser: FastParser;

  constructor(s: string, parser: FastParser) {
    this.#s = s;
    this.#parser = parser;
  }

  end(): void {
    if (!isCommentOrEmpty(this.#s.slice(this.#pos))) decline();
  }

  value(): unknown {
    this.#space();
    const c = this.#s[this.#pos];
    if (c === '[') return this.#seq();
    if (c === '{') return this.#map();
    if (c === '"' || c === "'") {
      const { value, end } = readQuoted(this.#s, this.#pos);
      this.#pos = end;
      return value;
    }
    if (c === '*') {
      const name = NAME_RE.exec(this.#s.slice(this.#pos + 1))?.[0] ?? decline();
      this.#pos += 1 + name.length;
      return this.#parser.useAnchor(name);
    }
    return resolvePlain(this.#plain());
  }

  #seq(): unknown[] {
    this.#pos++;
    const out: unknown[] = [];
    this.#space();
    if (this.#s[this.#pos] === ']') {
      this.#pos++;
      return out;
    }
    this.#parser.enter();
    for (;;) {
      out.push(this.value());
      this.#space();
      const c = this.#s[this.#pos++];
      if (c === ']') {
        this.#parser.depth--;
        return out;
      }
      if (c !== ',') decline();
      this.#space();
      // A trailing comma, or an implicit `key: value` pair inside a sequence: declined.
      if (this.#s[this.#pos] === ']') decline();
    }
  }

  #map(): Record<string, unknown> {
    this.#pos++;
    const out: Record<string, unknown> = {};
    this.#space();
    if (this.#s[this.#pos] === '}') {
      this.#pos++;
      return out;
    }
    this.#parser.enter();
    for (;;) {
      this.#space();
      const c = this.#s[this.#pos];
      let key: string;
      if (c === '"' || c === "'") {
        const q = readQuoted(this.#s, this.#pos);
        key = q.value;
        this.#pos = q.end;
      } else {
        const k = resolvePlain(this.#plain());
        if (typeof k !== 'string' || k === '<<') decline();
        key = k as string;
      }
      if (key === '__proto__') decline();
      this.#space();
      if (this.#s[this.#pos] !== ':') decline();
      this.#pos++;
      if (this.#s[this.#pos] !== ' ') decline();
      if (Object.hasOwn(out, key)) decline();
      out[key] = this.value();
      this.#space();
      const end = this.#s[this.#pos++];
      if (end === '}') {
        this.#parser.depth--;
        return out;
      }
      if (end !== ',') decline();
      this.#space();
      if (this.#s[this.#pos] === '}') decline();
    }
  }

  /** A plain scalar in flow context: ends at `,`, `]`, `}` or `: `; no indicator may start it. */
  #plain(): string {
    const start = this.#pos;
    const c = this.#s[start];
    if (
      c === undefined ||
      INDICATORS.has(c) ||
      ((c === '-' || c === '?' || c === ':') && isBlank(this.#s[start + 1]))
    )
      decline();
    let end = start;
    for (; end < this.#s.length; end++) {
      const ch = this.#s[end]!;
      if (ch === ',' || ch === ']' || ch === '}' || ch === '[' || ch === '{') break;
      if (ch === ':' && isBlank(this.#s[end + 1])) break;
      if (ch === '#' && this.#s[end - 1] === ' ') decline();
    }
    this.#pos = end;
    const out = trimEndSpaces(this.#s.slice(start, end));
    if (out === '') decline();
    tooLong(out.length);
    return out;
  }

  #space(): void {
    while (this.#s[this.#pos] === ' ') this.#pos++;
  }
}

function isBlank(c: string | undefined): boolean {
  return c === undefined || c === ' ';
}

export function isSeqItem(text: string): boolean {
  return text[0] === '-' && isBlank(text[1]);
}

function isCommentOrEmpty(s: string): boolean {
  const t = trimStartSpaces(s);
  return t === '' || (t[0] === '#' && s.length > t.length);
}

/** Whether `text` starts with a mapping key: `key:` then a space or the end of the line. */
export function looksLikeKey(text: string): boolean {
  const c = text[0];
  if (c === '"' || c === "'") {
    const end = quotedEnd(text, 0);
    return end > 0 && text[end] === ':' && isBlank(text[end + 1]);
  }
  if (c === '&' || c === '*' || c === '[' || c === '{' || c === '#') return false;
  return plainKeyEnd(text) >= 0;
}

/** Index of the `:` ending a plain key on this line, or -1. */
export function plainKeyEnd(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === ':' && isBlank(text[i + 1])) return i;
    if (ch === '#' && text[i - 1] === ' ') return -1;
  }
  return -1;
}

function splitKey(text: string): { key: string; rest: string; merge: boolean } {
  const c = text[0];
  let key: string;
  let colon: number;
  if (c === '"' || c === "'") {
    const q = readQuoted(text, 0);
    key = q.value;
    colon = q.end;
    if (text[colon] !== ':') decline();
  } else {
    if (c === undefined || INDICATORS.has(c) || c === '?' || (c === '-' && isBlank(text[1]))) decline();
    colon = plainKeyEnd(text);
    if (colon < 0) decline();
    const raw = trimEndSpaces(text.slice(0, colon));
    const resolved = raw === '<<' ? '<<' : resolvePlain(raw);
    // Keys that resolve to null, booleans or numbers are stringified by toJS in ways not worth
    // copying here.
    if (typeof resolved !== 'string' || raw.includes(': ')) decline();
    key = resolved as string;
  }
  if (!isBlank(text[colon + 1])) decline();
  // A quoted "<<" is an ordinary key; only the plain one merges.
  const merge = key === '<<' && c !== '"' && c !== "'";
  if (key === '__proto__') decline();
  return { key, rest: trimSpaces(text.slice(colon + 1)), merge };
}

/** A plain scalar after `key: ` or `- `: up to a comment; declined where YAML reads it otherwise. */
function plainScalar(rest: string): string {
  const c = rest[0]!;
  if (INDICATORS.has(c) || ((c === '-' || c === '?' || c === ':') && isBlank(rest[1]))) decline();
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (ch === '#' && rest[i - 1] === ' ') {
      end = i;
      break;
    }
    // `a: b: c` is an error in YAML (nested compact mapping).
    if (ch === ':' && isBlank(rest[i + 1])) decline();
  }
  tooLong(end);
  return trimEndSpaces(rest.slice(0, end));
}

export function quotedEnd(s: string, start: number): number {
  const q = s[start];
  for (let i = start + 1; i < s.length; i++) {
    if (q === '"' && s[i] === '\\') {
      i++;
      continue;
    }
    if (s[i] === q) {
      if (q === "'" && s[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return -1;
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
};

/** A quoted scalar closed on the same line. */
function readQuoted(s: string, start: number): { value: string; end: number } {
  const end = quotedEnd(s, start);
  if (end < 0) decline();
  tooLong(end - start - 2);
  const body = s.slice(start + 1, end - 1);
  if (s[start] === "'") return { value: body.replaceAll("''", "'"), end };
  if (!body.includes('\\')) return { value: body, end };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = body[++i]!;
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
      continue;
    }
    out += ESCAPES[e] ?? decline();
  }
  return { value: out, end };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function tooLong(chars: number): void {
  if (chars > MAX_SCALAR_CHARS)
    throw new OverLimit(
      `this value is ${chars} characters long; a value may have at most ${MAX_SCALAR_CHARS}`,
    );
}

// NOTE: YAML's white space here is the space (tabs are declined): JavaScript's trim() would also
// strip a no-break space or U+2028 that YAML keeps in a scalar ("a: x\u00a0" is "x\u00a0").
export function trimStartSpaces(s: string): string {
  let i = 0;
  while (s.charCodeAt(i) === 32) i++;
  return i === 0 ? s : s.slice(i);
}

export function trimEndSpaces(s: string): string {
  let j = s.length;
  while (j > 0 && s.charCodeAt(j - 1) === 32) j--;
  return j === s.length ? s : s.slice(0, j);
}

function trimSpaces(s: string): string {
  return trimEndSpaces(trimStartSpaces(s));
}
