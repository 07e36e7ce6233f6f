import { hasErrors } from '../../config/diagnostic-types.js';
import { loadStack } from '../../config/load-stack.js';
import { invalidDesiredState } from '../../workflow/session.js';
import type { GlobalFlags } from '../main.js';
import { commandContext, writeOut } from './context.js';

export async function runValidate(flags: GlobalFlags & { file?: string[] }): Promise<void> {
  const ctx = commandContext(flags);
  const { stack, diagnostics } = loadStack(ctx.files, { cwd: ctx.cwd, env: ctx.env });
  for (const d of diagnostics.filter((x) => x.severity === 'warning')) {
    process.stderr.write(
      `${ctx.err.yellow('warning')}: ${d.file}:${d.line}:${d.column} ${d.path}: ${d.message} — ${d.fix}\n`,
    );
  }
  if (!stack || hasErrors(diagnostics)) throw invalidDesiredState(diagnostics);
  const n = stack.baishan.domains.length;
  writeOut(
    `${ctx.out.green('Valid.')} Stack ${stack.stack}: ${n} Baishan domain${n === 1 ? '' : 's'} in ${stack.files.length} file${stack.files.length === 1 ? '' : 's'}.\n`,
  );
}
