/**
 * The one error type edgeform raises on purpose. Every error has a stable `code` that tests,
 * scripts and docs can rely on, says whether the user or edgeform is at fault, and — for user
 * errors — a `resolution` telling the user what to do next.
 */
export type ErrorSource = 'user' | 'internal' | 'remote';

/**
 * Every code an EdgeformError can carry: a closed list, so a new code is a decision made here.
 * A vendor's API failures carry `<VENDOR>_<ERROR CLASS>` (the class its error table assigns).
 */
export type ErrorCode =
  // loading and validating the desired state
  | 'FILE_NOT_FOUND'
  | 'DESIRED_SCHEMA_INVALID'
  | 'SECRET_UNRESOLVED'
  | 'SECRET_FORBIDDEN'
  | 'BAISHAN_UNKNOWN_KEY'
  | 'BAISHAN_NOT_REMOVABLE'
  | 'GAAP_NAME_TOO_LONG'
  | 'GAAP_DUPLICATE_SECURITY_RULE'
  | 'GAAP_REFERENCE_UNRESOLVED'
  // the desired state against the live account (plan time, before any write)
  | 'GAAP_NOT_ON_SALE'
  | 'GAAP_ADOPT_NOT_FOUND'
  | 'GAAP_ADOPT_FOREIGN'
  | 'GAAP_EXTERNAL_NOT_FOUND'
  | 'GAAP_REAL_SERVER_EXISTS'
  | 'GAAP_PARENT_CLOSED'
  // credentials
  | 'BAISHAN_TOKEN_MISSING'
  | 'GAAP_CREDENTIALS_MISSING'
  | 'ENDPOINT_NOT_ALLOWED'
  // planning and saved plans
  | 'DEPENDENCY_CYCLE'
  | 'DEPENDENCY_MISSING'
  | 'PROTECTED_OBJECT'
  | 'TARGET_INVALID'
  | 'TARGET_NOT_FOUND'
  | 'PLAN_STALE'
  | 'PLAN_UNREADABLE'
  | 'PLAN_VERSION_UNSUPPORTED'
  | 'PLAN_STACK_MISMATCH'
  | 'PLAN_INVALID'
  | 'PLAN_TAMPERED'
  | 'PLAN_ALREADY_APPLIED'
  | 'LEASE_HELD'
  | 'LEASE_LOST'
  | 'LEASE_UNAVAILABLE'
  | 'LEASE_INVALID'
  | 'DEADLINE_INVALID'
  | 'RUN_TIMEOUT'
  | 'STEP_TIMEOUT'
  | 'APPLY_NEEDS_APPROVAL'
  | 'PLAN_DESTROYS_TOO_MUCH'
  | 'STACK_OWNS_NOTHING'
  // applying
  | 'INTERRUPTED'
  | 'WAIT_TIMEOUT'
  | 'WAIT_ABANDONED'
  | 'GAAP_ASYNC_FAILED'
  | 'GAAP_UNKNOWN_ACTION'
  | 'GAAP_UNEXPECTED_RESPONSE'
  | 'GAAP_CLIENT_TOKEN_INVALID'
  | 'GAAP_CLIENT_TOKEN_UNSUPPORTED'
  // export
  | 'EXPORT_INVALID_OUTPUT'
  | 'EXPORT_NOTHING_SELECTED'
  | 'EXPORT_STACK_REQUIRED'
  | 'EXPORT_STACK_INVALID'
  | 'EXPORT_DOMAIN_INVALID'
  // the CLI's own
  | 'LOG_FILE_UNWRITABLE'
  | 'METRICS_FILE_UNWRITABLE'
  | 'EMULATOR_OPTION_INVALID'
  | 'PLAN_OUT_UNWRITABLE'
  | 'INIT_FILE_EXISTS'
  | 'INIT_STACK_NAME_INVALID'
  // Baishan API failures, by error class (baishan-errors.ts)
  | 'BAISHAN_AUTH'
  | 'BAISHAN_THROTTLED'
  | 'BAISHAN_INVALID_INPUT'
  | 'BAISHAN_DOMAIN_NOT_FOUND'
  | 'BAISHAN_DOMAIN_OFFLINE'
  | 'BAISHAN_SERVER'
  | 'BAISHAN_NETWORK'
  | 'BAISHAN_NOT_FOUND_URL'
  // GAAP API failures, by error class (gaap-errors.ts)
  | 'GAAP_THROTTLED'
  | 'GAAP_BUSY'
  | 'GAAP_AUTH'
  | 'GAAP_INVALID_INPUT'
  | 'GAAP_QUOTA'
  | 'GAAP_CONFLICT'
  | 'GAAP_UNSUPPORTED'
  | 'GAAP_ALREADY_DONE'
  | 'GAAP_NOT_FOUND'
  | 'GAAP_INTERNAL'
  | 'GAAP_AMBIGUOUS'
  | 'GAAP_UNKNOWN'
  // a bug in edgeform
  | 'INTERNAL';

interface ErrorOptionsBase {
  code: ErrorCode;
  message: string;
  cause?: unknown;
  /** Extra lines shown under the message (e.g. one per validation problem). */
  details?: string[];
  /** Places in the user's files the error is about (for editors and CI annotations). */
  locations?: ErrorLocation[];
}

/** A place in a file an error points at, 1-based, with what is wrong there. */
export interface ErrorLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** A user error (the default source) always says what to do next; others say it when they can. */
export type EdgeformErrorOptions = ErrorOptionsBase &
  (
    | { source?: 'user'; resolution: string }
    | { source: 'internal' | 'remote'; resolution?: string | undefined }
  );

export class EdgeformError extends Error {
  readonly code: ErrorCode;
  readonly source: ErrorSource;
  readonly resolution: string | undefined;
  readonly details: string[];
  readonly locations: ErrorLocation[];

  constructor(opts: EdgeformErrorOptions) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'EdgeformError';
    this.code = opts.code;
    this.source = opts.source ?? 'user';
    this.resolution = opts.resolution;
    this.details = opts.details ?? [];
    this.locations = opts.locations ?? [];
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
