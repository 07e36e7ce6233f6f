import { relative } from 'node:path';
import { certificateDiagnostics } from '../../config/certificate-pem.js';
import type { Diagnostic } from '../../config/diagnostic-types.js';
import { hasErrors } from '../../config/diagnostics.js';
import { desiredStateError, formatDiagnostic } from '../../config/format-diagnostics.js';
import { loadStack } from '../../config/load-stack.js';
import { variableInput } from '../../config/variables.js';
import type { LoadedStack } from '../../model/stack-types.js';
import { annotation, inGitHubActions } from '../github.js';
import type { GlobalFlags } from '../global-flags.js';
import { commandContext, writeOut } from './context.js';

export interface ValidateFlags extends GlobalFlags {
  file?: string[];
  format?: 'text' | 'json';
  var?: string[];
  varFile?: string[];
}

/**
 * `edgeform validate`: the files checked without network. With `--format json` the outcome and every
 * diagnostic are one document on stdout (schemas/validate-result.schema.json), valid or not; an
 * invalid state still exits 1 with the error on stderr.
 */
export async function runValidate(flags: ValidateFlags): Promise<void> {
  const ctx = commandContext(flags);
  const loaded = loadStack(ctx.files, {
    cwd: ctx.cwd,
    env: ctx.env,
    variables: variableInput(flags),
  });
  const { stack } = loaded;
  // Certificates are parsed as plan parses them (src/workflow/session.ts): content that is not an
  // X.509 PEM, or a key node:crypto cannot read, is refused here too, located.
  const diagnostics =
    stack && !hasErrors(loaded.diagnostics)
      ? [...loaded.diagnostics, ...certificateDiagnostics(stack.gaap)]
      : loaded.diagnostics;
  const valid = Boolean(stack) && !hasErrors(diagnostics);
  if (flags.format === 'json') {
    const doc = {
      formatVersion: '1.0',
      valid,
      ...(stack ? { stack: stack.stack } : {}),
      files: ctx.files.map((f) => relative(ctx.cwd, f) || f),
      ...(stack && valid ? { counts: counts(stack) } : {}),
      diagnostics: diagnostics.map((d) => jsonDiagnostic(d)),
    };
    writeOut(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    for (const d of diagnostics.filter((x) => x.severity === 'warning')) {
      ctx.warn(formatDiagnostic({ ...d, severity: 'error' }));
    }
  }
  if (inGitHubActions(ctx.env) && !ctx.jsonEvents) {
    for (const d of diagnostics.filter((x) => x.severity === 'warning'))
      process.stderr.write(annotation('warning', `${d.message} — ${d.fix}`, ctx.env, d));
  }
  if (!stack || !valid) throw desiredStateError(diagnostics);
  if (flags.format === 'json') return;
  const c = counts(stack);
  const parts: string[] = [];
  if (c.baishanDomains > 0 || !stack.gaap) parts.push(plural(c.baishanDomains, 'Baishan domain'));
  if (stack.gaap) {
    parts.push(
      `${plural(c.gaapProxies, 'GAAP proxy', 'GAAP proxies')} with ${plural(c.gaapListeners, 'listener')}`,
    );
  }
  writeOut(
    `${ctx.out.green('Valid.')} Stack ${stack.stack}: ${parts.join(', ')} in ${plural(stack.files.length, 'file')}.\n`,
  );
}

function jsonDiagnostic(d: Diagnostic): Diagnostic {
  const { severity, code, file, line, column, path, message, fix, related } = d;
  return {
    severity,
    code,
    file,
    line,
    column,
    path,
    message,
    fix,
    ...(related?.length
      ? { related: related.map((r) => ({ file: r.file, line: r.line, column: r.column })) }
      : {}),
  };
}

function counts(stack: LoadedStack): { baishanDomains: number; gaapProxies: number; gaapListeners: number } {
  const proxies = Object.values(stack.gaap?.proxies ?? {});
  // Listeners of the proxies and of the proxy groups, one per port.
  const parents = [...proxies, ...Object.values(stack.gaap?.proxyGroups ?? {})];
  return {
    baishanDomains: stack.baishan.domains.length,
    gaapProxies: proxies.length,
    gaapListeners: parents.reduce(
      (n, p) =>
        n +
        (p.listeners ?? []).reduce((k: number, l) => k + ('ports' in l && l.ports ? l.ports.length : 1), 0),
      0,
    ),
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
