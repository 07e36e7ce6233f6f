import { closeSync, openSync, writeSync } from 'node:fs';
import { EdgeformError } from '../core/errors.js';
import type { EdgeformEvent, EventSink } from '../core/event-types.js';

/** Credentials that could reach a log line through an echoed URL or error message. */
const CREDENTIAL_VARS = ['BAISHAN_TOKEN', 'TENCENTCLOUD_SECRET_KEY', 'TENCENTCLOUD_SESSION_TOKEN'] as const;
const REDACTED = '***';

export interface LogFile {
  sink: EventSink;
  close(): void;
}

/**
 * `--log-file FILE`: every core event (API calls with action, duration, status and RequestId;
 * retries, throttling, steps) appended as one JSON line with a timestamp. Each line is written
 * synchronously, so a run that is killed leaves a log complete up to its last call.
 *
 * Events never carry secret values by design; as a second line of defence every string is scrubbed
 * of the credentials in the environment (as is, URL- and form-encoded) and of `token=` query values.
 */
export function openLogFile(path: string, env: NodeJS.ProcessEnv): LogFile {
  // `-` is stderr, as for most Unix tools (stdout carries the result): never a file named "-".
  const toStderr = path === '-';
  let fd: number;
  try {
    fd = toStderr ? process.stderr.fd : openSync(path, 'a', 0o600);
  } catch (cause) {
    throw new EdgeformError({
      code: 'LOG_FILE_UNWRITABLE',
      message: `cannot open the log file ${path}`,
      resolution: 'pass --log-file a path in an existing, writable directory',
      cause,
    });
  }
  const scrub = redactor(CREDENTIAL_VARS.map((v) => env[v]).filter((v): v is string => Boolean(v)));
  let open = true;
  return {
    sink: (event: EdgeformEvent) => {
      if (!open) return;
      const line = JSON.stringify({ ts: new Date().toISOString(), ...event }, (_key, value: unknown) =>
        typeof value === 'string' ? scrub(value) : value,
      );
      writeSync(fd, `${line}\n`);
    },
    close: () => {
      if (!open) return;
      open = false;
      if (!toStderr) closeSync(fd);
    },
  };
}

/** The reporter's events, also written to the log when there is one (the log first). */
export function withLog(reporter: EventSink, log: LogFile | undefined): EventSink {
  if (!log) return reporter;
  return (event) => {
    log.sink(event);
    reporter(event);
  };
}

function redactor(secrets: readonly string[]): (text: string) => string {
  const forms = [
    ...new Set(
      secrets.flatMap((s) => [s, encodeURIComponent(s), new URLSearchParams({ s }).toString().slice(2)]),
    ),
  ]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const f of forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out.replace(/([?&]token=)[^&\s"']+/gi, `$1${REDACTED}`);
  };
}
