import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { bundledDesiredSchema } from '../../config/schema-bundle.js';
import { exportStack } from '../../workflow/export-stack.js';
import { PROJECT_SCHEMA_FILE } from '../../workflow/init-project.js';
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

/**
 * `edgeform export`: the YAML goes to -o FILE or stdout; which secrets the file needs (names only),
 * what was left out and where it was written go to stderr.
 */
export async function runExport(flags: ExportFlags): Promise<void> {
  const ctx = commandContext(flags);
  const out = flags.output ? resolve(ctx.cwd, flags.output) : undefined;
  const schema = projectSchema(out ? dirname(out) : ctx.cwd, out !== undefined);
  const result = await exportStack({
    baishan: flags.baishan ?? [],
    gaap: Boolean(flags.gaap),
    adopt: Boolean(flags.adopt),
    ...(flags.stack === undefined ? {} : { stack: flags.stack }),
    ...(schema.ref === undefined ? {} : { schemaRef: schema.ref }),
    cwd: ctx.cwd,
    env: ctx.env,
    sandbox: Boolean(flags.sandbox),
    events: ctx.reporter,
  });
  ctx.reporter.finish();

  const err = (s: string) => ctx.note(s);
  for (const w of result.warnings) err(`${ctx.err.yellow('warning')}: ${w}`);
  // Certificate contents (public) go next to the YAML, where its `{file: certs/...}` points.
  const base = out ? dirname(out) : ctx.cwd;
  for (const f of result.files) {
    const path = resolve(base, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  if (schema.write) writeFileSync(schema.write, `${JSON.stringify(bundledDesiredSchema(), null, 2)}\n`);
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
  const tagged = gaap?.adopted.filter((a) => a.ownership === 'tagged') ?? [];
  if (gaap && tagged.length > 0) {
    err(
      ctx.err.bold(
        `Adopted into stack ${gaap.stack} — tagged edgeform:stack=${gaap.stack} and edgeform:name with the Tag API's ModifyResourceTags (export's only write; other tags untouched) — ${tagged.length} object${tagged.length === 1 ? '' : 's'}:`,
      ),
    );
    for (const a of tagged) err(`  ${a.kind} ${a.id} as ${a.name}`);
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
  if (schema.write) err(`Wrote the JSON Schema for editors to ${relative(ctx.cwd, schema.write)}.`);
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
  const untagged = gaap?.adopted.filter((a) => a.ownership === 'failed').length ?? 0;
  err(
    `Check it with: edgeform plan -f ${flags.output ?? 'FILE'} (expect ${untagged > 0 ? `\`~ ownership\` on the ${untagged} object${untagged === 1 ? '' : 's'} not tagged, and nothing else` : '"No changes."'})`,
  );
}

/**
 * The `$schema` line's target: the project's `edgeform.schema.json` (what `edgeform init` writes) in
 * the YAML's directory or above, relative to the YAML. With none, a file export writes one next to
 * the YAML; stdout gets no line. Never a path into this installation: that is one machine's path.
 */
function projectSchema(dir: string, mayWrite: boolean): { ref?: string; write?: string } {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, PROJECT_SCHEMA_FILE);
    if (existsSync(candidate)) {
      const rel = relative(dir, candidate).split(sep).join('/');
      return { ref: rel.startsWith('.') ? rel : `./${rel}` };
    }
    if (dirname(d) === d) break;
  }
  return mayWrite ? { ref: `./${PROJECT_SCHEMA_FILE}`, write: join(dir, PROJECT_SCHEMA_FILE) } : {};
}
