import type { SourceLocation } from '../model/source-location.js';

/** Stable codes of desired-state diagnostics; docs/desired-state.md lists what each means. */
export type DiagnosticCode =
  | 'NO_FILES'
  | 'FILE_NOT_FOUND'
  | 'DUPLICATE_FILE'
  | 'FILE_UNREADABLE'
  | 'EMPTY_FILE'
  | 'YAML_SYNTAX'
  | 'YAML_WARNING'
  | 'SCHEMA'
  | 'UNKNOWN_KEY'
  | 'MISSING_KEY'
  | 'WRONG_TYPE'
  | 'INVALID_VALUE'
  | 'OUT_OF_RANGE'
  | 'TOO_MANY_ITEMS'
  | 'TOO_MANY_ERRORS'
  | 'INPUT_TOO_LARGE'
  | 'DUPLICATE_ITEM'
  | 'TIME_FORMAT'
  | 'TIME_ORDER'
  | 'INVALID_CIDR'
  | 'CIDR_OVERLAP'
  | 'INVALID_DOMAIN'
  | 'STACK_MISSING'
  | 'STACK_MISMATCH'
  | 'PROVIDER_CONFLICT'
  | 'DOMAIN_NAME_REQUIRED'
  | 'DUPLICATE_DOMAIN'
  | 'IP_LISTS_EXCLUSIVE'
  | 'DUPLICATE_PRIORITY'
  | 'ORIGIN_BACKUP_OVERLAP'
  | 'KEY_NOT_REMOVABLE'
  | 'HTTPS_DOWNGRADE'
  | 'UNUSED_DOWNGRADE_FLAG'
  | 'OVERLAPPING_KEYS'
  | 'SECRET_UNRESOLVED'
  | 'SECRET_FORBIDDEN'
  | 'INLINE_SECRET'
  | 'EMPTY_DOMAIN_CONFIG'
  | 'DUPLICATE_NAME'
  | 'PROJECT_CONFLICT'
  | 'UNKNOWN_REFERENCE'
  | 'WRONG_REFERENCE'
  | 'FIELD_NOT_ALLOWED'
  | 'DUPLICATE_PORT'
  | 'HEALTH_CHECK_TIMEOUT'
  | 'FAILOVER_REQUIRED'
  | 'DOMAIN_ORIGIN_LIMIT'
  | 'NAME_TOO_LONG'
  | 'UNKNOWN_VARIABLE'
  | 'INVALID_VARIABLE'
  | 'DUPLICATE_VARIABLE';

export type DiagnosticSeverity = 'error' | 'warning';

/**
 * One problem found in the desired-state files. `path` reads like a property access
 * (`baishan.domains[0].config.referer.list`); `message` says what is wrong, `fix` what to do.
 */
export interface Diagnostic {
  severity: DiagnosticSeverity;
  code: DiagnosticCode;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  path: string;
  message: string;
  fix: string;
  /** Other places involved (the first declaration of a duplicate, ...). */
  related?: SourceLocation[];
}
