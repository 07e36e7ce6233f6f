/**
 * The one error type edgeform raises on purpose. Every error has a stable `code` that tests,
 * scripts and docs can rely on, says whether the user or edgeform is at fault, and — for user
 * errors — a `resolution` telling the user what to do next.
 */
export type ErrorSource = 'user' | 'internal' | 'remote';

export interface EdgeformErrorOptions {
  code: string;
  message: string;
  source?: ErrorSource;
  /** Required in spirit for user and remote errors: what to do next. */
  resolution?: string;
  cause?: unknown;
  /** Extra lines shown under the message (e.g. one per validation problem). */
  details?: string[];
}

export class EdgeformError extends Error {
  readonly code: string;
  readonly source: ErrorSource;
  readonly resolution: string | undefined;
  readonly details: string[];

  constructor(opts: EdgeformErrorOptions) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'EdgeformError';
    this.code = opts.code;
    this.source = opts.source ?? 'user';
    this.resolution = opts.resolution;
    this.details = opts.details ?? [];
  }
}

export function isEdgeformError(e: unknown): e is EdgeformError {
  return e instanceof EdgeformError;
}

/** Wraps anything thrown into an EdgeformError; unknown errors are internal (a bug). */
export function toEdgeformError(e: unknown): EdgeformError {
  if (e instanceof EdgeformError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new EdgeformError({
    code: 'INTERNAL',
    message,
    source: 'internal',
    cause: e,
    resolution: 'This is a bug in edgeform. Re-run with --debug and report the output.',
  });
}
