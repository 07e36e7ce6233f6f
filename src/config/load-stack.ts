import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isPlainObject } from '../core/json.js';
import type { LoadedStack } from '../model/stack-types.js';
import { buildStack } from './build-stack.js';
import type { DesiredFileV1 } from './desired-file-types.js';
import { desiredSchema } from './desired-schema.js';
import type { Diagnostic } from './diagnostic-types.js';
import { hasErrors, listedDiagnostics } from './diagnostics.js';
import { formatPath } from './path.js';
import { SEMANTIC_RULES } from './rules/index.js';
import { diagnosticAt } from './rules/rule-helpers.js';
import { type KnownPattern, knownPatterns, schemaDiagnostics } from './schema-errors.js';
import { secretSlots } from './secret-fields.js';
import type { StackFile } from './stack-file.js';
import { buildRuleContext } from './stack-model.js';
import { applyVariables, type VariableInput } from './variables.js';
import { parseYamlSource } from './yaml-source.js';

export type { Diagnostic, DiagnosticCode, DiagnosticSeverity } from './diagnostic-types.js';
export { hasErrors } from './diagnostics.js';

export interface LoadStackOptions {
  /** Relative file names are resolved against it. */
  cwd: string;
  /** For `{env: NAME}` secrets. */
  env: NodeJS.ProcessEnv;
  /** `--var` and `--var-file`: values of the `vars:` the files declare (variables.ts). */
  variables?: VariableInput;
}

export interface LoadStackResult {
  /** Present only when there is no error diagnostic. */
  stack?: LoadedStack;
  /** Errors and warnings, ordered by file (as given), line, column. */
  diagnostics: Diagnostic[];
}

/**
 * Loads and validates desired-state files into one stack. Never throws for bad input and makes no
 * network call: every problem becomes a Diagnostic with file:line:column, path, message and fix.
 *
 * Phase 1, per file: YAML syntax, then the JSON Schema. Phase 2, only when every file passed
 * phase 1 (a rule over half-valid input would report noise, and cross-file rules such as the stack
 * name would report false positives): the named semantic rules of `rules/`. Then the stack is built
 * (defaults merged, one entry per domain, secrets resolved).
 */
export function loadStack(files: readonly string[], opts: LoadStackOptions): LoadStackResult {
  const diagnostics: Diagnostic[] = [];
  if (files.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: 'NO_FILES',
      file: '(none)',
      line: 1,
      column: 1,
      path: '',
      message: 'no desired-state file was given',
      fix: 'name at least one file with -f (the CLI defaults to edgeform.yaml)',
    });
    return { diagnostics };
  }

  const schema = desiredSchema();
  const valid: StackFile[] = [];
  const parsed: (Omit<StackFile, 'doc'> & { mentionsVars: boolean })[] = [];
  const seen = new Map<string, string>();
  let phase1Failed = false;

  for (const file of files) {
    const abs = resolve(opts.cwd, file);
    const at = { file, line: 1, column: 1, path: '' };
    const earlier = seen.get(abs);
    if (earlier !== undefined) {
      diagnostics.push({
        severity: 'warning',
        code: 'DUPLICATE_FILE',
        ...at,
        message: `the file was already given as ${earlier}; it is read once`,
        fix: 'name each file once',
      });
      continue;
    }
    seen.set(abs, file);

    const read = readText(abs);
    if (read.kind === 'error') {
      diagnostics.push({ severity: 'error', ...at, ...read.diagnostic });
      phase1Failed = true;
      continue;
    }
    const source = parseYamlSource(file, read.text);
    diagnostics.push(...source.diagnostics);
    if (source.value === undefined) {
      phase1Failed = true;
      continue;
    }
    parsed.push({ file, dir: dirname(abs), source, mentionsVars: read.text.includes('${var.') });
  }

  // Variables are replaced before the schema sees a value: `${var.bandwidth}` must be a number there.
  const input = opts.variables ?? {};
  const usesVars =
    (input.vars?.length ?? 0) > 0 ||
    (input.varFiles?.length ?? 0) > 0 ||
    parsed.some((p) => p.mentionsVars || (isPlainObject(p.source.value) && 'vars' in p.source.value));
  const values = parsed.map((p) => p.source.value);
  const substituted = new Map<string, Set<string>>();
  if (usesVars) {
    const replaced = applyVariables(parsed, input, opts.cwd);
    diagnostics.push(...replaced.diagnostics);
    // A value with an unknown variable would only add a schema error at the same spot.
    if (hasErrors(replaced.diagnostics)) return { diagnostics: listedDiagnostics(diagnostics, files) };
    replaced.values.forEach((v, i) => {
      if (!parsed[i]!.mentionsVars) return;
      values[i] = v;
      substituted.set(parsed[i]!.file, replaced.substituted[i]!);
    });
  }
  for (const [i, { file, dir, source }] of parsed.entries()) {
    const value = values[i];
    if (!schema.validate(value)) {
      diagnostics.push(...schemaDiagnostics(schema.validate.errors ?? [], value, source, patternTable()));
      phase1Failed = true;
      continue;
    }
    valid.push({ file, dir, source, doc: value as DesiredFileV1 });
  }

  if (phase1Failed) return { diagnostics: listedDiagnostics(diagnostics, files) };

  const ctx = buildRuleContext(valid, opts.env);
  for (const rule of SEMANTIC_RULES) diagnostics.push(...rule.check(ctx));
  if (substituted.size > 0) diagnostics.push(...secretsFromVariables(ctx, substituted));
  if (hasErrors(diagnostics)) return { diagnostics: listedDiagnostics(diagnostics, files) };

  const built = buildStack(ctx);
  diagnostics.push(...built.diagnostics);
  const result: LoadStackResult = { diagnostics: listedDiagnostics(diagnostics, files) };
  if (built.stack && !hasErrors(diagnostics)) result.stack = built.stack;
  return result;
}

/** 16 MB: about 100,000 Baishan domains; more than any estate, less than what would hurt. */
export const MAX_STACK_FILE_BYTES = 16 * 1024 * 1024;

type ReadResult =
  | { kind: 'ok'; text: string }
  | { kind: 'error'; diagnostic: Pick<Diagnostic, 'code' | 'message' | 'fix'> };

function readText(abs: string): ReadResult {
  try {
    const st = statSync(abs);
    if (st.isDirectory()) {
      return {
        kind: 'error',
        diagnostic: {
          code: 'FILE_UNREADABLE',
          message: `${abs} is a directory`,
          fix: 'name the YAML file itself, e.g. -f stacks/prod.yaml',
        },
      };
    }
    // NOTE: a FIFO or a device would block the read (a FIFO with no writer forever), so only
    // regular files are read, and only up to a size no desired state comes near.
    if (!st.isFile()) {
      return {
        kind: 'error',
        diagnostic: {
          code: 'FILE_UNREADABLE',
          message: `${abs} is not a regular file (a pipe, socket or device)`,
          fix: 'write the YAML to a file and pass that file with -f',
        },
      };
    }
    if (st.size > MAX_STACK_FILE_BYTES) {
      return {
        kind: 'error',
        diagnostic: {
          code: 'FILE_UNREADABLE',
          message: `${abs} is ${st.size} bytes; a desired-state file may have at most ${MAX_STACK_FILE_BYTES}`,
          fix: 'split the stack into several files (-f a.yaml -f b.yaml)',
        },
      };
    }
    return { kind: 'ok', text: readFileSync(abs, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return {
        kind: 'error',
        diagnostic: {
          code: 'FILE_NOT_FOUND',
          message: `file not found (looked for ${abs})`,
          fix: 'check the -f path; relative paths are resolved from the current directory',
        },
      };
    }
    return {
      kind: 'error',
      diagnostic: {
        code: 'FILE_UNREADABLE',
        message: `cannot read the file: ${e instanceof Error ? e.message : String(e)}`,
        fix: 'check the file permissions',
      },
    };
  }
}

/** A variable's value is never secret (it is in plans and saved plans): a secret slot refuses one. */
function secretsFromVariables(
  ctx: ReturnType<typeof buildRuleContext>,
  substituted: ReadonlyMap<string, ReadonlySet<string>>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const b of ctx.blocks) {
    const paths = substituted.get(b.file.file);
    if (!paths) continue;
    for (const slot of secretSlots(b.config)) {
      const path = [...b.path, ...slot.path];
      if (!paths.has(formatPath(path))) continue;
      out.push(
        diagnosticAt(b.file, path, {
          code: 'INLINE_SECRET',
          message: 'a secret cannot come from a variable: variables are written into plans',
          fix: 'use {env: NAME} (or {file: path}) for the secret, and keep variables for what is not secret',
        }),
      );
    }
  }
  return out;
}

let patternCache: Map<string, KnownPattern> | undefined;

/** Only for error messages: built on the first schema error. */
function patternTable(): Map<string, KnownPattern> {
  if (patternCache) return patternCache;
  const schema = desiredSchema();
  const defs = schema.baishanConfig.$defs as Record<string, { items?: { pattern?: string } }>;
  const root = schema.root as { $defs?: { domainName?: { pattern?: string } } };
  patternCache = knownPatterns(defs.ipList?.items?.pattern ?? '', root.$defs?.domainName?.pattern ?? '');
  return patternCache;
}
