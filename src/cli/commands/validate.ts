import { hasErrors } from '../../config/diagnostic-types.js';
import { desiredStateError, formatDiagnostic } from '../../config/format-diagnostics.js';
import { loadStack } from '../../config/load-stack.js';
import type { LoadedStack } from '../../model/stack-types.js';
import type { GlobalFlags } from '../global-flags.js';
import { commandContext, writeOut } from './context.js';

export async function runValidate(flags: GlobalFlags & { file?: string[] }): Promise<void> {
  const ctx = commandContext(flags);
  const { stack, diagnostics } = loadStack(ctx.files, { cwd: ctx.cwd, env: ctx.env });
  for (const d of diagnostics.filter((x) => x.severity === 'warning')) {
    process.stderr.write(`${ctx.err.yellow('warning')}: ${formatDiagnostic({ ...d, severity: 'error' })}\n`);
  }
  if (!stack || hasErrors(diagnostics)) throw desiredStateError(diagnostics);
  const files = stack.files.length;
  writeOut(
    `${ctx.out.green('Valid.')} Stack ${stack.stack}: ${describe(stack)} in ${plural(files, 'file')}.\n`,
  );
}

function describe(stack: LoadedStack): string {
  const parts: string[] = [];
  const domains = stack.baishan.domains.length;
  if (domains > 0 || !stack.gaap) parts.push(plural(domains, 'Baishan domain'));
  const g = stack.gaap;
  if (g) {
    const listeners = Object.values(g.proxies ?? {}).reduce(
      (n, p) =>
        n + (p.listeners ?? []).reduce((k, l) => k + ('ports' in l && l.ports ? l.ports.length : 1), 0),
      0,
    );
    parts.push(
      `${plural(Object.keys(g.proxies ?? {}).length, 'GAAP proxy', 'GAAP proxies')} with ${plural(listeners, 'listener')}`,
    );
  }
  return parts.join(', ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
