import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportStack } from '../../workflow/export-stack.js';
import type { GlobalFlags } from '../global-flags.js';
import { commandContext, writeOut } from './context.js';

export interface ExportFlags extends GlobalFlags {
  gaap?: boolean;
  adopt?: boolean;
  baishan?: string[];
  output?: string;
  stack?: string;
  sandbox?: boolean;
}

/** The schema shipped with this edgeform (package root /schemas), from dist/cli/commands/. */
const SCHEMA_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'schemas',
  'edgeform.schema.json',
);

/**
 * `edgeform export`: the YAML goes to -o FILE or stdout; which secrets the file needs (names only),
 * what was left out and where it was written go to stderr.
 */
export async function runExport(flags: ExportFlags): Promise<void> {
  const ctx = commandContext(flags);
  const out = flags.output ? resolve(ctx.cwd, flags.output) : undefined;
  const result = await exportStack({
    baishan: flags.baishan ?? [],
    gaap: Boolean(flags.gaap),
    adopt: Boolean(flags.adopt),
    ...(flags.stack === undefined ? {} : { stack: flags.stack }),
    schemaRef: schemaRefFrom(out ? dirname(out) : ctx.cwd),
    cwd: ctx.cwd,
    env: ctx.env,
    sandbox: Boolean(flags.sandbox),
    events: ctx.reporter,
  });
  ctx.reporter.finish();

  const err = (s: string) => process.stderr.write(`${s}\n`);
  for (const w of result.warnings) err(`${ctx.err.yellow('warning')}: ${w}`);
  // Certificate contents (public) go next to the YAML, where its `{file: certs/...}` points.
  const base = out ? dirname(out) : ctx.cwd;
  for (const f of result.files) {
    const path = resolve(base, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  if (out) writeFileSync(out, result.yaml);
  else writeOut(result.yaml);

  const gaap = result.gaap;
  if (gaap && gaap.unowned.length > 0) {
    err(
      ctx.err.bold(
        `not exported: not owned by any stack (add --adopt to export them with \`adopt:\` bindings) — ${gaap.unowned.length} object${gaap.unowned.length === 1 ? '' : 's'}:`,
      ),
    );
    for (const o of gaap.unowned) err(`  ${o.kind} ${o.id}${o.name ? ` ${ctx.err.dim(`(${o.name})`)}` : ''}`);
  }
  const parts: string[] = [];
  if (gaap) parts.push(`${gaap.objects} GAAP object${gaap.objects === 1 ? '' : 's'} of stack ${gaap.stack}`);
  const b = result.baishan;
  const domains = b ? b.entries.reduce((n, e) => n + e.domains.length, 0) : 0;
  if (b) {
    parts.push(
      `${domains} Baishan domain${domains === 1 ? '' : 's'} in ${b.entries.length} entr${b.entries.length === 1 ? 'y' : 'ies'}`,
    );
  }
  if (out) err(`Exported ${parts.join(' and ')} to ${flags.output}.`);
  if (result.files.length > 0) {
    err(`Certificate contents written to ${result.files.map((f) => f.path).join(', ')} (next to the YAML).`);
  }
  const vars = new Map<string, string[]>();
  for (const s of gaap?.secrets ?? []) {
    vars.set(s.variable, [...(vars.get(s.variable) ?? []), `key of certificate ${s.certificate}`]);
  }
  for (const s of b?.secrets ?? []) {
    const uses = vars.get(s.variable) ?? [];
    uses.push(
      `${s.field} of ${s.domains.join(', ')}${s.masked ? ' — masked by the API: use the value you set' : ''}`,
    );
    vars.set(s.variable, uses);
  }
  if (vars.size > 0) {
    err(
      ctx.err.bold(
        `The file references ${vars.size} secret${vars.size === 1 ? '' : 's'} it does not contain. Set ${vars.size === 1 ? 'this environment variable' : 'these environment variables'} before plan or apply:`,
      ),
    );
    for (const [name, uses] of vars) err(`  ${name}  ${ctx.err.dim(`(${uses.join('; ')})`)}`);
  }
  err(`Check it with: edgeform plan -f ${flags.output ?? 'FILE'} (expect "No changes.")`);
}

/** Path of the schema relative to the directory the YAML lands in, as editors resolve it. */
function schemaRefFrom(dir: string): string {
  const rel = relative(dir, SCHEMA_PATH).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}
