import { type EdgeformError, toEdgeformError } from '../core/errors.js';
import { EDGEFORM_VERSION } from '../version.js';
import type { Colors } from './colors.js';

/**
 * The one place errors are printed:
 *   error[CODE]: message
 *     detail lines
 *     fix: what to do
 *     cause: the underlying error
 * A stack trace only with --debug; an internal error says it is a bug and gives versions.
 */
export function formatError(e: unknown, c: Colors, debug: boolean): string {
  const err: EdgeformError = toEdgeformError(e);
  const lines = [`${c.red(c.bold(`error[${err.code}]`))}: ${err.message}`];
  for (const d of err.details) lines.push(`  ${d}`);
  if (err.resolution) lines.push(`  ${c.cyan('fix')}: ${err.resolution}`);
  const cause = err.cause;
  if (cause !== undefined && err.source !== 'internal') {
    const text = cause instanceof Error ? cause.message : String(cause);
    if (text && text !== err.message) lines.push(`  ${c.dim('cause')}: ${text}`);
  }
  if (err.source === 'internal') {
    lines.push(
      `  edgeform ${EDGEFORM_VERSION}, node ${process.version}, ${process.platform}-${process.arch}`,
    );
  }
  if (debug) {
    const stack = (cause instanceof Error ? cause : err).stack;
    if (stack) lines.push(c.dim(stack));
  }
  return `${lines.join('\n')}\n`;
}
