import { writeSync } from 'node:fs';
import { toEdgeformError } from '../core/errors.js';
import { EDGEFORM_VERSION } from '../version.js';

/** The format version of the event lines (schemas/events.schema.json). */
export const EVENTS_FORMAT_VERSION = '1.0';

/**
 * `--events jsonl` frames a run's events: `run-start` first (the format version, the command), then
 * the core events, then `run-end` with the exit code and, on failure, the error that the text mode
 * prints as `error[CODE]`. Written synchronously, in order with the events (log-file.ts).
 */
export function writeRunStart(command: string): number {
  const started = Date.now();
  line({
    kind: 'run-start',
    formatVersion: EVENTS_FORMAT_VERSION,
    tool: { name: 'edgeform', version: EDGEFORM_VERSION },
    command,
  });
  return started;
}

export function writeRunEnd(exitCode: number, startedAt: number, failure?: unknown): void {
  const error = failure === undefined ? undefined : toEdgeformError(failure);
  line({
    kind: 'run-end',
    exitCode,
    durationMs: Date.now() - startedAt,
    ...(error
      ? {
          error: {
            code: error.code,
            message: error.message,
            ...(error.resolution ? { resolution: error.resolution } : {}),
            ...(error.details.length ? { details: error.details } : {}),
          },
        }
      : {}),
  });
}

function line(event: Record<string, unknown>): void {
  writeSync(process.stderr.fd, `${JSON.stringify({ ts: new Date().toISOString(), ...event })}\n`);
}
