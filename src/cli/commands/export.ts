import { writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportStack } from '../../workflow/export-stack.js';
import type { GlobalFlags } from '../main.js';
import { commandContext, writeOut } from './context.js';

export interface ExportFlags extends GlobalFlags {
  gaap?: boolean;
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
  if (out) writeFileSync(out, result.yaml);
  else writeOut(result.yaml);

  const domains = result.entries.reduce((n, e) => n + e.domains.length, 0);
  if (out) {
    err(
      `Exported ${domains} Baishan domain${domains === 1 ? '' : 's'} in ${result.entries.length} entr${result.entries.length === 1 ? 'y' : 'ies'} to ${flags.output}.`,
    );
  }
  const vars = new Map<string, string[]>();
  for (const s of result.secrets) {
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
