import { appendFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { type ErrorLocation, toEdgeformError } from '../core/errors.js';

/**
 * GitHub Actions: annotations (`::error file=…,line=…::…`) for what is located in the user's files,
 * and a Markdown summary of each plan, apply and drift appended to $GITHUB_STEP_SUMMARY, shown on
 * the run's page. Only when GitHub says it is running us (GITHUB_ACTIONS=true).
 *
 * NOTE: workflow commands are written to stderr: the runner reads them from both streams, and
 * stdout carries only the result (`plan --format json > plan.json` must stay one JSON document).
 */
export function inGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** One workflow-command line; file paths relative to the repository (GITHUB_WORKSPACE). */
export function annotation(
  level: AnnotationLevel,
  message: string,
  env: NodeJS.ProcessEnv,
  where?: Omit<ErrorLocation, 'message'> & { title?: string },
): string {
  const props: string[] = [];
  if (where) {
    const root = env.GITHUB_WORKSPACE || process.cwd();
    const file = isAbsolute(where.file) ? relative(root, where.file) : where.file;
    props.push(`file=${escapeProperty(file)}`, `line=${where.line}`, `col=${where.column}`);
    if (where.title) props.push(`title=${escapeProperty(where.title)}`);
  }
  return `::${level}${props.length ? ` ${props.join(',')}` : ''}::${escapeData(message)}\n`;
}

/** The annotations of a failed run: one per located problem, else one for the error. */
export function errorAnnotations(e: unknown, env: NodeJS.ProcessEnv): string {
  const err = toEdgeformError(e);
  const title = `edgeform ${err.code}`;
  if (err.locations.length === 0) {
    return `::error title=${escapeProperty(title)}::${escapeData(`${err.message}${err.resolution ? ` — ${err.resolution}` : ''}`)}\n`;
  }
  return err.locations.map((l) => annotation('error', l.message, env, { ...l, title })).join('');
}

/** Appends Markdown to the step summary; a no-op outside GitHub Actions. */
export function appendStepSummary(env: NodeJS.ProcessEnv, markdown: string): void {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!inGitHubActions(env) || !path) return;
  appendFileSync(path, markdown.endsWith('\n') ? `${markdown}\n` : `${markdown}\n\n`);
}

// Per GitHub's toolkit (@actions/core command.ts): data escapes %, CR, LF; properties also : and ,.
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
