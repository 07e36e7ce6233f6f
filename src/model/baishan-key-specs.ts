/**
 * The vocabulary of Baishan `domain/config` value specs (the Baishan domain/config documents' key
 * tables): for every field its kind, documented default and when it is ineffective, and small builders
 * that keep the key catalog (`baishan-keys.ts`) readable. `normalize.ts` and `write-forms.ts` walk these
 * specs.
 */

/** A read-only view of an object that is being normalised (fields already canonical). */
export type Fields = Readonly<Record<string, unknown>>;

export type ScalarSpec =
  /** §5.3 rule 1: digit strings parse to integers; `""` is absent. */
  | { kind: 'int'; default?: number }
  /** §5.3 rule 2: numbers the table types as strings; compared as canonical decimal strings. */
  | { kind: 'strnum'; default?: string }
  | { kind: 'onoff'; default?: 'on' | 'off' }
  | { kind: 'yesno'; default?: 'yes' | 'no' }
  | { kind: 'bool'; default?: boolean }
  /** Case-sensitive enum (§5.3 rule 9). Values are advisory: an unknown value is kept so it diffs. */
  | { kind: 'enum'; values: readonly string[]; default?: string }
  /** `ci`: host or header name, compared case-insensitively, written in the user's case. */
  | { kind: 'string'; default?: string; ci?: boolean }
  /** Write-only secret (C43): desired holds a SecretValue, live may come back masked. */
  | { kind: 'secret' }
  /** referer.type: named enum in the canonical form, 1/2 on the wire per settings (C1). */
  | { kind: 'refererType' };

/** §5.3 rule 7: a set, given as an array or as a separated string. */
export interface SetSpec {
  kind: 'set';
  item: 'string' | 'int' | 'errorCode';
  /** Host / header names: compared case-insensitively. */
  ci?: boolean;
  /** How the wire carries it: a JSON array, a comma string, or a newline string. */
  wire: 'array' | 'comma' | 'lines';
}

/** A `pattern` that is a comma set for some match types and one regex/string for others. */
export interface PatternSpec {
  kind: 'pattern';
  isList: (parent: Fields) => boolean;
  default?: (parent: Fields) => string | undefined;
}

export interface ObjectSpec {
  kind: 'object';
  fields: Readonly<Record<string, FieldSpec>>;
  /** Defaults that depend on other fields (applied after the static ones). */
  derived?: (obj: Fields) => Readonly<Record<string, unknown>>;
  /** §5.3 rule 6: fields dropped before comparing (and never written). */
  ineffective?: (obj: Fields) => readonly string[];
  /** Fields whose omission from the desired state means "leave unchanged" (https.ocsp). */
  unchangedWhenOmitted?: readonly string[];
}

export interface ListSpec {
  kind: 'list';
  item: FieldSpec;
  /** §5.3 rule 8: in order, as a multiset, or sorted by a numeric field. */
  order: 'ordered' | 'multiset' | { sortBy: string };
}

export type FieldSpec = ScalarSpec | SetSpec | PatternSpec | ObjectSpec | ListSpec;

// ---- small builders (keep the table readable) -------------------------------------------------

export const int = (d?: number): ScalarSpec =>
  d === undefined ? { kind: 'int' } : { kind: 'int', default: d };
export const strnum = (): ScalarSpec => ({ kind: 'strnum' });
export const onoff = (d?: 'on' | 'off'): ScalarSpec =>
  d === undefined ? { kind: 'onoff' } : { kind: 'onoff', default: d };
export const yesno = (d?: 'yes' | 'no'): ScalarSpec =>
  d === undefined ? { kind: 'yesno' } : { kind: 'yesno', default: d };
export const bool = (d?: boolean): ScalarSpec =>
  d === undefined ? { kind: 'bool' } : { kind: 'bool', default: d };
export const oneOf = (values: readonly string[], d?: string): ScalarSpec =>
  d === undefined ? { kind: 'enum', values } : { kind: 'enum', values, default: d };
export const str = (opts: { default?: string; ci?: boolean } = {}): ScalarSpec => ({
  kind: 'string',
  ...opts,
});
export const host = (): ScalarSpec => ({ kind: 'string', ci: true });
export const secret = (): ScalarSpec => ({ kind: 'secret' });
export const set = (item: SetSpec['item'], wire: SetSpec['wire'], ci = false): SetSpec =>
  ci ? { kind: 'set', item, wire, ci } : { kind: 'set', item, wire };
export const obj = (
  fields: Record<string, FieldSpec>,
  extra: Omit<ObjectSpec, 'kind' | 'fields'> = {},
): ObjectSpec => ({
  kind: 'object',
  fields,
  ...extra,
});
export const list = (item: FieldSpec, order: ListSpec['order']): ListSpec => ({ kind: 'list', item, order });
export const pattern = (isList: PatternSpec['isList'], d?: PatternSpec['default']): PatternSpec =>
  d === undefined ? { kind: 'pattern', isList } : { kind: 'pattern', isList, default: d };
