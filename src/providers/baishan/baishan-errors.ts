import { EdgeformError, type ErrorCode } from '../../core/errors.js';

export type BaishanErrorClass =
  | 'auth'
  | 'throttled'
  | 'invalid-input'
  | 'domain-not-found'
  | 'domain-offline'
  | 'server'
  | 'network'
  | 'not-found-url';

/** A failed Baishan call. The token never appears in it: messages are built from the body only. */
export class BaishanApiError extends EdgeformError {
  readonly errorClass: BaishanErrorClass;
  readonly httpStatus: number | undefined;
  readonly apiCode: string | number | undefined;
  /** Domains named by the error message, when it names any (InvalidDomain.*). */
  readonly domains: string[];

  constructor(opts: {
    errorClass: BaishanErrorClass;
    message: string;
    httpStatus?: number;
    apiCode?: string | number;
    domains?: string[];
    cause?: unknown;
  }) {
    super({
      code: CODES[opts.errorClass],
      message: opts.message,
      source: opts.errorClass === 'server' || opts.errorClass === 'network' ? 'remote' : 'user',
      resolution: RESOLUTIONS[opts.errorClass],
      cause: opts.cause,
    });
    this.errorClass = opts.errorClass;
    this.httpStatus = opts.httpStatus;
    this.apiCode = opts.apiCode;
    this.domains = opts.domains ?? [];
  }

  get retryable(): boolean {
    return isRetryable(this.errorClass);
  }
}

/** Throttled, 5xx and lost connections may be retried; everything else is the caller's to fix. */
export function isRetryable(errorClass: BaishanErrorClass): boolean {
  return errorClass === 'throttled' || errorClass === 'server' || errorClass === 'network';
}

const CODES: Record<BaishanErrorClass, ErrorCode> = {
  auth: 'BAISHAN_AUTH',
  throttled: 'BAISHAN_THROTTLED',
  'invalid-input': 'BAISHAN_INVALID_INPUT',
  'domain-not-found': 'BAISHAN_DOMAIN_NOT_FOUND',
  'domain-offline': 'BAISHAN_DOMAIN_OFFLINE',
  server: 'BAISHAN_SERVER',
  network: 'BAISHAN_NETWORK',
  'not-found-url': 'BAISHAN_NOT_FOUND_URL',
};

const RESOLUTIONS: Record<BaishanErrorClass, string> = {
  auth: 'check BAISHAN_TOKEN, and ask Baishan to enable API access for the account if the token is right',
  throttled: 'wait a minute and retry; lower providers.baishan.rateLimitPerMinute if this persists',
  'invalid-input':
    'fix the value named in the message in the YAML; run `edgeform validate` to check the file',
  'domain-not-found':
    'add the domain in the Baishan console first (domain/config only configures existing domains), or fix its spelling',
  'domain-offline': 'bring the domain online in the Baishan console, then retry',
  server: 'Baishan answered with a server error; retry later, and contact Baishan support if it persists',
  network: 'check connectivity to the Baishan endpoint (EDGEFORM_BAISHAN_ENDPOINT overrides it)',
  'not-found-url': 'check EDGEFORM_BAISHAN_ENDPOINT / providers.baishan.endpoint: the API path was not found',
};

/**
 * Classifies an answer. NOTE: the error envelope is undocumented (the Baishan error code table
 * does not say where the code and its message appear): `code` is numeric, while the [000] table's codes are strings. We look for a [000] code string anywhere in
 * the body and fall back on the HTTP status; 401, 403 and 400-with-InvalidClientTokenId all mean
 * "auth" (C31), and 429 or Remaining 0 with X-Retry-After means "throttled".
 */
export function classifyBaishanFailure(status: number, body: unknown, rawText: string): BaishanApiError {
  const message = extractMessage(body) ?? (rawText.slice(0, 300) || `HTTP ${status}`);
  const apiCode = extractCode(body);
  const text = `${rawText} ${message}`;
  const domains =
    /Invalid domains:\s*([^"}\]]+)/i
      .exec(text)?.[1]
      ?.split(/[,\s]+/)
      .filter(Boolean) ?? [];
  const base = { message: `${message} (HTTP ${status})`, httpStatus: status, domains } as const;
  const withCode = apiCode === undefined ? base : { ...base, apiCode };
  if (status === 401 || status === 403 || /InvalidClientTokenId/.test(text)) {
    return new BaishanApiError({ ...withCode, errorClass: 'auth' });
  }
  if (status === 429) return new BaishanApiError({ ...withCode, errorClass: 'throttled' });
  if (/InvalidDomain\.NotFound|DomainNotFound/.test(text)) {
    return new BaishanApiError({ ...withCode, errorClass: 'domain-not-found' });
  }
  if (/InvalidDomain\.Offline/.test(text))
    return new BaishanApiError({ ...withCode, errorClass: 'domain-offline' });
  if (status === 404) return new BaishanApiError({ ...withCode, errorClass: 'not-found-url' });
  if (status >= 500) return new BaishanApiError({ ...withCode, errorClass: 'server' });
  return new BaishanApiError({ ...withCode, errorClass: 'invalid-input' });
}

function extractMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const k of ['message', 'msg', 'Message', 'error']) {
      if (typeof b[k] === 'string' && b[k]) return b[k] as string;
    }
  }
  return undefined;
}

function extractCode(body: unknown): string | number | undefined {
  if (body && typeof body === 'object') {
    const c = (body as Record<string, unknown>).code;
    if (typeof c === 'string' || typeof c === 'number') return c;
  }
  return undefined;
}
