import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isPlainObject } from '../core/json.js';
import type { SourceLocation } from '../model/source-location.js';
import type { Diagnostic } from './diagnostic-types.js';
import { formatPath, type PathSegment } from './path.js';
import { resolvePlain } from './yaml-fast-path.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

/**
 * Variables: one base stack shared by several stages. A stack file declares `vars:` (names and
 * default values); `${var.NAME}` in any string of the files is replaced by the value; each stage
 * gives its values with `--var-file stage.yaml` (a map of names to values) and `--var NAME=VALUE`.
 *
 *   edgeform plan -f edgeform.yaml --var-file stages/prod.yaml
 *
 * Precedence: `--var` over `--var-file` (later files over earlier ones) over the defaults in
 * `vars:`. A string that is exactly `${var.NAME}` takes the value's type (`bandwidth:
 * ${var.bandwidth}` is a number); inside a longer string the value is written as text. `$${var.x}`
 * is a literal `${var.x}`. Values are scalars (string, number, boolean) and are never secret: they
 * appear in plans. Secrets still come only from `{env: NAME}` / `{file: PATH}`, and a variable
 * used where a secret goes is an inline secret (INLINE_SECRET), as a literal would be.
 */
export interface VariableInput {
  /** `--var NAME=VALUE`, in order (the value is read as a YAML scalar: `20` is a number). */
  vars?: readonly string[];
  /** `--var-file FILE`, in order; relative to the working directory. */
  varFiles?: readonly string[];
}

export type VarValue = string | number | boolean;

/** `--var` / `--var-file` flags as the loader takes them. */
export function variableInput(flags: { var?: string[]; varFile?: string[] }): VariableInput {
  return { vars: flags.var ?? [], varFiles: flags.varFile ?? [] };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REFERENCE = /\$?\$\{var\.([^}]*)\}/g;

interface Definition {
  value: VarValue;
  /** Where the value was given, for messages (`file:line`; a position is computed only when asked for). */
  from: () => string;
}

export interface StackSourceFile {
  file: string;
  source: YamlSource;
}

/**
 * Collects the variables of the files, the var files and the flags, then replaces every
 * `${var.NAME}` in the files' values. Every problem is a located diagnostic.
 */
export function applyVariables(
  files: readonly StackSourceFile[],
  input: VariableInput,
  cwd: string,
): { values: unknown[]; diagnostics: Diagnostic[]; substituted: Set<string>[] } {
  const diagnostics: Diagnostic[] = [];
  const defined = new Map<string, Definition>();

  // Defaults: `vars:` of the stack files. Two files may not give one variable two defaults.
  for (const { file, source } of files) {
    const vars = isPlainObject(source.value) ? source.value.vars : undefined;
    if (vars === undefined) continue;
    for (const [name, value, loc] of entries(vars, source, ['vars'], diagnostics)) {
      const earlier = defined.get(name);
      if (earlier && earlier.value !== value) {
        diagnostics.push({
          severity: 'error',
          code: 'DUPLICATE_VARIABLE',
          ...loc(),
          path: `vars.${name}`,
          message: `variable ${name} already has the default ${JSON.stringify(earlier.value)} (${earlier.from()})`,
          fix: 'give each variable its default in one file; set stage values with --var-file or --var',
        });
        continue;
      }
      defined.set(name, { value, from: () => `${file}:${loc().line}` });
    }
  }

  // A stage's values: var files, then flags.
  const stage = new Map<string, Definition>();
  for (const f of input.varFiles ?? []) {
    const source = readVarFile(f, cwd, diagnostics);
    if (!source) continue;
    for (const [name, value, loc] of entries(source.value, source, [], diagnostics)) {
      stage.set(name, { value, from: () => `${f}:${loc().line}` });
    }
  }
  for (const flag of input.vars ?? []) {
    const eq = flag.indexOf('=');
    const name = eq < 0 ? flag : flag.slice(0, eq);
    if (eq < 0 || !NAME.test(name)) {
      diagnostics.push({
        severity: 'error',
        code: 'INVALID_VARIABLE',
        file: '--var',
        line: 1,
        column: 1,
        path: '',
        message: `--var ${flag}: expected NAME=VALUE with NAME made of letters, digits and _`,
        fix: 'write it as --var stage=prod (quote the whole argument if the value has spaces)',
      });
      continue;
    }
    stage.set(name, { value: scalar(flag.slice(eq + 1)), from: () => `--var ${name}` });
  }
  for (const [name, d] of stage) {
    if (!defined.has(name)) {
      const [file] = files;
      const from = d.from();
      diagnostics.push({
        severity: 'error',
        code: 'UNKNOWN_VARIABLE',
        file: from.startsWith('--var') ? '--var' : from.slice(0, from.lastIndexOf(':')),
        line: from.startsWith('--var') ? 1 : Number(from.slice(from.lastIndexOf(':') + 1)),
        column: 1,
        path: name,
        message: `variable ${name} is not declared in vars: of ${files.length === 1 && file ? file.file : 'any stack file'}`,
        fix: `declare it with a default (vars: { ${name}: ... }) or correct the name`,
      });
      continue;
    }
    defined.set(name, d);
  }

  const substituted = files.map(() => new Set<string>());
  const values = files.map(({ source }, i) => {
    if (!isPlainObject(source.value)) return source.value;
    const { vars, ...rest } = source.value;
    const walk = { source, defined, diagnostics, substituted: substituted[i]! };
    const replaced = substitute(rest, [], walk) as Record<string, unknown>;
    return vars === undefined ? replaced : { vars, ...replaced };
  });
  return { values, diagnostics, substituted };
}

/** The `name: scalar` pairs of a map, each with its location; anything else is a diagnostic. */
function entries(
  map: unknown,
  source: YamlSource,
  at: PathSegment[],
  diagnostics: Diagnostic[],
): [string, VarValue, () => SourceLocation][] {
  if (!isPlainObject(map)) {
    diagnostics.push({
      severity: 'error',
      code: 'INVALID_VARIABLE',
      ...source.locate(at),
      path: formatPath(at),
      message: 'expected a map of variable names to values',
      fix: 'write one `name: value` a line, e.g. `stage: prod`',
    });
    return [];
  }
  const out: [string, VarValue, () => SourceLocation][] = [];
  for (const [name, value] of Object.entries(map)) {
    // Computed when a message needs it: a position costs a full parse of the file.
    const loc = () => source.locate([...at, name], NAME.test(name) ? 'value' : 'key');
    if (!NAME.test(name)) {
      diagnostics.push({
        severity: 'error',
        code: 'INVALID_VARIABLE',
        ...loc(),
        path: formatPath([...at, name]),
        message: `${JSON.stringify(name)} is not a variable name`,
        fix: 'use letters, digits and _ (not starting with a digit), e.g. origin_host',
      });
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      diagnostics.push({
        severity: 'error',
        code: 'INVALID_VARIABLE',
        ...loc(),
        path: formatPath([...at, name]),
        message: `variable ${name} is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : 'a map'}; a variable is a string, a number or a boolean`,
        fix: 'give it a scalar value; declare lists and maps in the stack file itself',
      });
      continue;
    }
    out.push([name, value, loc]);
  }
  return out;
}

interface Walk {
  source: YamlSource;
  defined: ReadonlyMap<string, Definition>;
  diagnostics: Diagnostic[];
  /** Paths (formatPath) whose value a variable made: a secret may not come from one. */
  substituted: Set<string>;
  /** ` (declared: a, b)` for messages, made once. */
  declared?: string;
}

/** The declared names for a message, the first ten (a file may declare thousands). */
function declaredList(defined: ReadonlyMap<string, Definition>): string {
  if (defined.size === 0) return '';
  const names = [...defined.keys()];
  const more = names.length > 10 ? `, and ${names.length - 10} more` : '';
  return ` (declared: ${names.slice(0, 10).join(', ')}${more})`;
}

function substitute(value: unknown, path: PathSegment[], w: Walk): unknown {
  if (typeof value === 'string') return substituteString(value, path, w);
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, [...path, i], w));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, [...path, k], w);
    return out;
  }
  return value;
}

function substituteString(s: string, path: PathSegment[], w: Walk): unknown {
  if (!s.includes('${var.')) return s;
  const { source, defined, diagnostics } = w;
  w.substituted.add(formatPath(path));
  const lookup = (ref: string): VarValue | undefined => {
    const d = NAME.test(ref) ? defined.get(ref) : undefined;
    if (d) return d.value;
    w.declared ??= declaredList(defined);
    diagnostics.push({
      severity: 'error',
      code: 'UNKNOWN_VARIABLE',
      ...source.locate(path),
      path: formatPath(path),
      message: `\${var.${ref}} names no declared variable${w.declared}`,
      fix: `declare it under vars: with a default, or correct the name`,
    });
    return undefined;
  };
  const whole = /^\$\{var\.([^}]*)\}$/.exec(s);
  if (whole) return lookup(whole[1]!) ?? s;
  return s.replace(REFERENCE, (match, ref: string) => {
    if (match.startsWith('$$')) return match.slice(1);
    const v = lookup(ref);
    return v === undefined ? match : String(v);
  });
}

function readVarFile(file: string, cwd: string, diagnostics: Diagnostic[]): YamlSource | undefined {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    diagnostics.push({
      severity: 'error',
      code: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
      file,
      line: 1,
      column: 1,
      path: '',
      message: `cannot read the variables file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      fix: 'check the --var-file path; relative paths are resolved from the current directory',
    });
    return undefined;
  }
  const source = parseYamlSource(file, text);
  diagnostics.push(...source.diagnostics);
  return source.value === undefined ? undefined : source;
}

/** A --var value read as a YAML scalar: `20` a number, `true` a boolean, anything else a string. */
function scalar(text: string): VarValue {
  const v = resolvePlain(text);
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : text;
}
