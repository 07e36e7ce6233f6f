import { EdgeformError, type ErrorCode, type ErrorSource } from '../../core/errors.js';
import type { GaapErrorClass, GaapErrorRule } from './gaap-error-types.js';
import type { ActionName } from './gaap-types.js';

/**
 * How edgeform reacts to a GAAP error. The GAAP API's error code tables give no retry
 * guidance; this module is where edgeform's classification lives.
 *
 * - throttled      RequestLimitExceeded*: the server refused before doing anything → wait, retry.
 * - busy           the object is mid-change (ListenerHasTask, *StatusNotInRuning, ...) → back off, retry.
 * - auth           credentials/permissions: fatal (SignatureExpire: one re-signed retry).
 * - invalid-input  a bad request: fatal, a bug in the config or in edgeform.
 * - quota          account/product limits: fatal.
 * - conflict       a dependency blocks the change (still bound, still in use): fatal, actionable.
 * - unsupported    the proxy/account/region cannot do this: fatal.
 * - already-done   the desired effect is (probably) already there: the caller re-reads and adopts.
 * - not-found      the object does not exist.
 * - internal       server-side failure: retry only when repeating the request is safe.
 * - ambiguous      produced by the client, never by the API: the connection failed after a
 *                  non-idempotent write may have been sent; re-read state before retrying.
 * - unknown        an undocumented code, or bare FailedOperation: fatal, shown as is.
 */
export type { GaapErrorClass, GaapErrorRule } from './gaap-error-types.js';

const CHECK_KEYS =
  'Check TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_SESSION_TOKEN for temporary credentials).';

/** Every code the catalog documents (common + business), by exact string. */
const RULES: Readonly<Record<string, GaapErrorRule>> = {
  // ---- throttled ----
  RequestLimitExceeded: { errorClass: 'throttled' },
  'RequestLimitExceeded.GlobalRegionUinLimitExceeded': { errorClass: 'throttled' },
  'RequestLimitExceeded.IPLimitExceeded': { errorClass: 'throttled' },
  'RequestLimitExceeded.UinLimitExceeded': { errorClass: 'throttled' },

  // ---- busy ----
  // NOTE: "Runing" with one n is the doc's spelling for every code of this family except
  // DomainStatusNotInRunning (GAAP API error code tables); both are matched exactly.
  'FailedOperation.ListenerHasTask': { errorClass: 'busy' },
  'FailedOperation.ActionIsDoing': { errorClass: 'busy' },
  'FailedOperation.ActionOperateTooQuickly': { errorClass: 'busy' },
  'FailedOperation.ProxySecurityPolicyOperating': { errorClass: 'busy' },
  'FailedOperation.InstanceStatusNotInRuning': { errorClass: 'busy' },
  'FailedOperation.ProxyStatusNotInRuning': { errorClass: 'busy' },
  'FailedOperation.GroupStatusNotInRuning': { errorClass: 'busy' },
  'FailedOperation.DomainStatusNotInRunning': { errorClass: 'busy' },
  'FailedOperation.ListenerStatusError': { errorClass: 'busy' },
  'FailedOperation.ResourceUpgrading': { errorClass: 'busy' },
  ResourceInUse: { errorClass: 'busy' },
  // NOTE: the digest says "treat as transient a few times, then fail" — busy is bounded, so it fits.
  ResourceUnavailable: { errorClass: 'busy' },

  // ---- auth ----
  AuthFailure: { errorClass: 'auth', resolution: CHECK_KEYS },
  'AuthFailure.InvalidAuthorization': { errorClass: 'auth', resolution: CHECK_KEYS },
  'AuthFailure.InvalidSecretId': {
    errorClass: 'auth',
    resolution: 'TENCENTCLOUD_SECRET_ID is not a Cloud API key; create an API key in the CAM console.',
  },
  'AuthFailure.MFAFailure': {
    errorClass: 'auth',
    resolution: 'The account requires MFA for this operation.',
  },
  'AuthFailure.SecretIdNotFound': {
    errorClass: 'auth',
    resolution: 'The key does not exist or is disabled. Check TENCENTCLOUD_SECRET_ID in the CAM console.',
  },
  // NOTE: the only auth error worth retrying: the client re-signs once with a fresh timestamp.
  'AuthFailure.SignatureExpire': {
    errorClass: 'auth',
    resolution:
      'The request timestamp was more than 5 minutes off the server time. Check this machine’s clock (NTP).',
  },
  'AuthFailure.SignatureFailure': {
    errorClass: 'auth',
    resolution: 'The signature did not verify. Check TENCENTCLOUD_SECRET_KEY matches TENCENTCLOUD_SECRET_ID.',
  },
  'AuthFailure.TokenFailure': {
    errorClass: 'auth',
    resolution:
      'The temporary credential is invalid or expired. Refresh TENCENTCLOUD_SESSION_TOKEN and its key pair.',
  },
  'AuthFailure.UnauthorizedOperation': {
    errorClass: 'auth',
    resolution: 'The key lacks a CAM permission for this action; grant it (e.g. QcloudGAAPFullAccess).',
  },
  UnauthorizedOperation: {
    errorClass: 'auth',
    resolution: 'The key lacks a CAM permission for this action; grant it (e.g. QcloudGAAPFullAccess).',
  },
  'FailedOperation.SecretValidateFailed': { errorClass: 'auth', resolution: CHECK_KEYS },
  IpInBlacklist: {
    errorClass: 'auth',
    resolution: 'This machine’s IP is blocked for the API key; use another IP or lift the block.',
  },
  IpNotInWhitelist: {
    errorClass: 'auth',
    resolution: 'Add this machine’s IP to the API key’s IP allowlist.',
  },

  // ---- invalid-input ----
  InvalidAction: { errorClass: 'invalid-input' },
  InvalidParameter: { errorClass: 'invalid-input' },
  'InvalidParameter.ConflictParameters': { errorClass: 'invalid-input' },
  InvalidParameterValue: { errorClass: 'invalid-input' },
  MissingParameter: { errorClass: 'invalid-input' },
  UnknownParameter: { errorClass: 'invalid-input' },
  InvalidRequest: { errorClass: 'invalid-input' },
  RequestSizeLimitExceeded: {
    errorClass: 'invalid-input',
    resolution: 'Split the change into smaller requests.',
  },
  ResponseSizeLimitExceeded: {
    errorClass: 'invalid-input',
    resolution: 'Page or filter the read (edgeform bug).',
  },
  DryRunOperation: {
    errorClass: 'invalid-input',
    resolution: 'edgeform never sends DryRun; report this as a bug.',
  },
  'FailedOperation.BelongDifferentGroup': {
    errorClass: 'invalid-input',
    resolution: 'Proxies of different proxy groups cannot be changed in one call; split the batch.',
  },
  'FailedOperation.RealServerNotInProject': {
    errorClass: 'invalid-input',
    resolution: 'Bind only real servers of the same project as the listener/rule.',
  },
  'FailedOperation.ProxySecurityPolicyDefaultRule': {
    errorClass: 'invalid-input',
    resolution: 'A security rule may not deny the proxy’s default access rule; change the rule.',
  },
  'InvalidParameterValue.CertificateContentNotMatchKey': { errorClass: 'invalid-input' },
  'InvalidParameterValue.CertificateNotMatchDomain': { errorClass: 'invalid-input' },
  'InvalidParameterValue.DomainInIcpBlacklist': { errorClass: 'invalid-input' },
  'InvalidParameterValue.DomainNotRegister': {
    errorClass: 'invalid-input',
    resolution: 'The domain has no ICP filing; file it or use a non-mainland access region.',
  },
  'InvalidParameterValue.FeatureConflict': { errorClass: 'invalid-input' },
  'InvalidParameterValue.GlobalDomainHitBanBlacklist': { errorClass: 'invalid-input' },
  'InvalidParameterValue.HitBanBlacklist': { errorClass: 'invalid-input' },
  'InvalidParameterValue.HitBlacklist': {
    errorClass: 'invalid-input',
    resolution: 'The custom header name is forbidden (see DescribeBlackHeader); remove it.',
  },
  'InvalidParameterValue.InvalidBandwidth': {
    errorClass: 'invalid-input',
    resolution: 'Use a bandwidth listed by DescribeAccessRegionsByDestRegion for this region.',
  },
  'InvalidParameterValue.InvalidCertificateContent': { errorClass: 'invalid-input' },
  'InvalidParameterValue.InvalidCertificateId': { errorClass: 'invalid-input' },
  'InvalidParameterValue.InvalidCertificateKey': { errorClass: 'invalid-input' },
  'InvalidParameterValue.InvalidConcurrency': {
    errorClass: 'invalid-input',
    resolution: 'Use a concurrency listed by DescribeAccessRegionsByDestRegion for this region.',
  },
  'InvalidParameterValue.InvalidListenerPort': { errorClass: 'invalid-input' },
  'InvalidParameterValue.InvalidTags': { errorClass: 'invalid-input' },
  'InvalidParameterValue.L7DomainHitBanBlacklist': { errorClass: 'invalid-input' },
  'InvalidParameterValue.ProjectIdNotBelong': { errorClass: 'invalid-input' },
  'InvalidParameterValue.ProxyAndGroupFeatureConflict': { errorClass: 'invalid-input' },
  'InvalidParameterValue.ProxyAndRegionFeatureConflict': { errorClass: 'invalid-input' },
  'InvalidParameterValue.RealServerNotBelong': { errorClass: 'invalid-input' },
  'InvalidParameterValue.UnknownAccessRegion': {
    errorClass: 'invalid-input',
    resolution: 'Use an access region returned by DescribeAccessRegionsByDestRegion.',
  },
  'InvalidParameterValue.UnknownDestRegion': {
    errorClass: 'invalid-input',
    resolution: 'Use an origin region returned by DescribeDestRegions.',
  },

  // ---- quota ----
  LimitExceeded: { errorClass: 'quota' },
  'LimitExceeded.Domain': {
    errorClass: 'quota',
    resolution: 'At most 100 domains per listener; remove some.',
  },
  'LimitExceeded.TagQuota': { errorClass: 'quota' },
  'FailedOperation.LimitNumofListener': { errorClass: 'quota' },
  'FailedOperation.LimitNumofRules': { errorClass: 'quota' },
  'FailedOperation.LimitRealServerNum': { errorClass: 'quota' },
  'FailedOperation.LimitNumofProxiesInGroup': { errorClass: 'quota' },
  'FailedOperation.OperateLimitNumofListener': {
    errorClass: 'quota',
    resolution: 'Too many ports in one call; create the listeners in smaller batches.',
  },
  ResourceInsufficient: {
    errorClass: 'quota',
    resolution: 'The region is out of capacity; try later or another region.',
  },
  'FailedOperation.ProxySellOut': {
    errorClass: 'quota',
    resolution: 'The line is sold out; open a Tencent Cloud ticket.',
  },
  'FailedOperation.AccountBalanceInsufficient': {
    errorClass: 'quota',
    resolution: 'Top up the account balance.',
  },

  // ---- conflict (a dependency blocks the change) ----
  'FailedOperation.RealServerAlreadyBound': {
    errorClass: 'conflict',
    resolution: 'Unbind the real server from its listeners/rules first (or delete with Force).',
  },
  'FailedOperation.CertificateIsUsing': {
    errorClass: 'conflict',
    resolution: 'Repoint the listeners/domains that use this certificate before changing or deleting it.',
  },
  'FailedOperation.DeleteProxyGroupProxyRemained': {
    errorClass: 'conflict',
    resolution: 'Destroy the group’s proxies first, or delete the group with Force.',
  },

  // ---- unsupported ----
  ActionOffline: { errorClass: 'unsupported' },
  NoSuchProduct: { errorClass: 'unsupported' },
  NoSuchVersion: { errorClass: 'unsupported' },
  UnsupportedOperation: { errorClass: 'unsupported' },
  UnsupportedProtocol: { errorClass: 'unsupported' },
  UnsupportedRegion: {
    errorClass: 'unsupported',
    resolution: 'Use a region this action supports (or none).',
  },
  'FailedOperation.NotSupportOldVersionProxy': {
    errorClass: 'unsupported',
    resolution: 'This feature needs a newer proxy version; recreate the proxy.',
  },
  'FailedOperation.ProxyVersionNotSupport': { errorClass: 'unsupported' },
  'FailedOperation.NotSupportProxyGroup': { errorClass: 'unsupported' },
  'FailedOperation.NotSupportScalar': {
    errorClass: 'unsupported',
    resolution: 'This proxy cannot be resized in place (Scalarable=0); recreate it with the new size.',
  },
  'FailedOperation.NonStandardProxy': { errorClass: 'unsupported' },
  'FailedOperation.Migration': {
    errorClass: 'unsupported',
    resolution: 'The proxy is being upgraded; open a ticket.',
  },
  'FailedOperation.InvalidListenerProtocol': { errorClass: 'unsupported' },
  'FailedOperation.UserNotAuthenticated': {
    errorClass: 'unsupported',
    resolution: 'Complete identity verification.',
  },
  'FailedOperation.UserNotConfirmProtocol': {
    errorClass: 'unsupported',
    resolution: 'Activate GAAP (accept the service agreement) in the console.',
  },
  'FailedOperation.UserNotInWhitelist': {
    errorClass: 'unsupported',
    resolution: 'Ask Tencent Cloud to allowlist the feature.',
  },
  'AuthFailure.NotEnterpriseAuthorization': {
    errorClass: 'unsupported',
    resolution: 'This needs an enterprise-verified account.',
  },
  'ResourceUnavailable.AccountViolation': { errorClass: 'unsupported' },
  'UnauthorizedOperation.CrossBorderInIsolating': { errorClass: 'unsupported' },

  // ---- already-done (adopt) ----
  'FailedOperation.ProxySecurityAlreadyOpen': { errorClass: 'already-done' },
  'FailedOperation.ProxySecurityAlreadyClose': { errorClass: 'already-done' },
  'FailedOperation.ResourceHadBeenDone': { errorClass: 'already-done' },
  // NOTE: inference — the first request with this ClientToken was accepted; re-read its result.
  'FailedOperation.DuplicatedRequest': { errorClass: 'already-done' },
  'FailedOperation.DomainAlreadyExisted': { errorClass: 'already-done' },
  'FailedOperation.RuleAlreadyExisted': { errorClass: 'already-done' },
  'InvalidParameterValue.DuplicatedListenerPort': { errorClass: 'already-done' },
  'InvalidParameterValue.DuplicateRS': { errorClass: 'already-done' },
  // NOTE: one policy per proxy/group (inferred from the message): an existing one is adopted.
  'FailedOperation.ProxySecurityPolicyExisted': { errorClass: 'already-done' },
  'FailedOperation.ProxySecurityPolicyDuplicatedRule': { errorClass: 'already-done' },

  // ---- not-found ----
  ResourceNotFound: { errorClass: 'not-found' },
  'FailedOperation.ResourceCanNotAccess': { errorClass: 'not-found' },

  // ---- internal ----
  InternalError: { errorClass: 'internal' },
  ServiceUnavailable: { errorClass: 'internal' },
  'FailedOperation.TagResourcesFailed': { errorClass: 'internal' },
  'FailedOperation.UnTagResourcesFailed': { errorClass: 'internal' },

  // ---- unknown ----
  // NOTE: bare FailedOperation carries no reason; the doc says "look at the sub-code".
  FailedOperation: { errorClass: 'unknown' },
};

/** Fallbacks for codes the doc does not list (the API grows sub-codes over time). */
const PREFIX_RULES: ReadonlyArray<readonly [string, GaapErrorClass]> = [
  ['RequestLimitExceeded', 'throttled'],
  ['AuthFailure', 'auth'],
  ['UnauthorizedOperation', 'auth'],
  ['InvalidParameter', 'invalid-input'],
  ['InvalidParameterValue', 'invalid-input'],
  ['MissingParameter', 'invalid-input'],
  ['UnknownParameter', 'invalid-input'],
  ['LimitExceeded', 'quota'],
  ['ResourceNotFound', 'not-found'],
  ['UnsupportedOperation', 'unsupported'],
  ['ResourceInUse', 'busy'],
  ['ResourceUnavailable', 'busy'],
  ['ResourceInsufficient', 'quota'],
  ['InternalError', 'internal'],
];

/**
 * Where one action's code means something other than the code's own class. It lives with the
 * classification (the client consults it on every error), not with the kinds: the kinds import
 * the client. NOTE: ModifyProxyConfiguration and CreateProxy list no busy code of their own, only the plain
 * FailedOperation, yet both meet objects in transitions: a proxy still ADJUSTING from the last
 * resize, a group still CREATING when its first member proxy is created. Their FailedOperation is
 * waited out like a busy code (bounded by busyMaxAttempts and maxElapsedMs), not reported at once.
 */
export const ACTION_CODE_OVERRIDES: Readonly<
  Partial<Record<ActionName, Readonly<Record<string, GaapErrorRule>>>>
> = {
  ModifyProxyConfiguration: { FailedOperation: { errorClass: 'busy' } },
  CreateProxy: { FailedOperation: { errorClass: 'busy' } },
};

/** The class of an answer code; with the action, its per-action override first. */
export function classifyGaapError(code: string, action?: string): GaapErrorRule {
  const override = action ? ACTION_CODE_OVERRIDES[action as ActionName]?.[code] : undefined;
  if (override) return override;
  const exact = RULES[code];
  if (exact) return exact;
  if (/^FailedOperation\..*StatusNotInRun+ing$/.test(code)) return { errorClass: 'busy' };
  if (/^FailedOperation\..*AlreadyExist(ed|s)$/.test(code)) return { errorClass: 'already-done' };
  for (const [prefix, errorClass] of PREFIX_RULES) {
    if (code === prefix || code.startsWith(`${prefix}.`)) return { errorClass };
  }
  return { errorClass: 'unknown' };
}

/** Codes the table covers explicitly (tests assert every documented code is among them). */
export const CLASSIFIED_CODES: readonly string[] = Object.keys(RULES);

const GENERIC_RESOLUTION: Record<GaapErrorClass, string> = {
  throttled: 'The GAAP rate limit was hit repeatedly; lower concurrency or rateLimitPerSecond and re-run.',
  busy: 'The object stayed busy (another change in progress). Wait for it to settle, then re-run.',
  auth: CHECK_KEYS,
  'invalid-input': 'Fix the named parameter in the configuration; if it looks right, report an edgeform bug.',
  quota: 'A GAAP quota or account limit was reached; raise the quota or reduce the configuration.',
  conflict: 'Another object depends on this one; remove the dependency first.',
  unsupported: 'This proxy, account or region does not support the operation; change the configuration.',
  'already-done': 'The change seems to be in place already; re-run plan to see the live state.',
  'not-found': 'The object no longer exists; re-run plan to refresh the live state.',
  internal:
    'GAAP reported an internal error. Re-run later; give the RequestId to Tencent Cloud support if it persists.',
  ambiguous:
    'The connection failed after a change may have been sent. Re-run plan to see whether it took effect before applying again.',
  unknown: 'GAAP rejected the request; see the message, and quote the RequestId to Tencent Cloud support.',
};

const SOURCE: Record<GaapErrorClass, ErrorSource> = {
  throttled: 'remote',
  busy: 'remote',
  auth: 'user',
  'invalid-input': 'user',
  quota: 'user',
  conflict: 'user',
  unsupported: 'user',
  'already-done': 'remote',
  'not-found': 'remote',
  internal: 'remote',
  ambiguous: 'remote',
  unknown: 'remote',
};

/**
 * Names the offending parameter from the free-text message. NOTE: the doc says Message may change
 * at any time, so this only decorates the error text; nothing branches on it.
 */
export function parameterFromMessage(
  message: string,
  knownInputs: readonly string[] = [],
): string | undefined {
  const quoted = /[`'"“‘]([A-Za-z][\w.]*)[`'"”’]/.exec(message);
  if (quoted?.[1]) return quoted[1];
  const named = /(?:parameter|param|参数)\s*[:：]?\s*([A-Z][\w.]*)/i.exec(message);
  if (named?.[1] && /[A-Z]/.test(named[1][0] ?? '')) return named[1];
  // Longest first, so `ProxyIds` wins over `ProxyId`.
  for (const name of [...knownInputs].sort((a, b) => b.length - a.length)) {
    if (new RegExp(`\\b${name}\\b`).test(message)) return name;
  }
  return undefined;
}

export interface GaapApiErrorInit {
  action: string;
  apiCode: string;
  apiMessage: string;
  requestId: string | undefined;
  errorClass?: GaapErrorClass;
  attempts?: number;
  parameter?: string | undefined;
  cause?: unknown;
  /** Earlier failures of the same logical call, shown under the message. */
  history?: string[];
}

const CODES: Record<GaapErrorClass, ErrorCode> = {
  throttled: 'GAAP_THROTTLED',
  busy: 'GAAP_BUSY',
  auth: 'GAAP_AUTH',
  'invalid-input': 'GAAP_INVALID_INPUT',
  quota: 'GAAP_QUOTA',
  conflict: 'GAAP_CONFLICT',
  unsupported: 'GAAP_UNSUPPORTED',
  'already-done': 'GAAP_ALREADY_DONE',
  'not-found': 'GAAP_NOT_FOUND',
  internal: 'GAAP_INTERNAL',
  ambiguous: 'GAAP_AMBIGUOUS',
  unknown: 'GAAP_UNKNOWN',
};

export function gaapErrorCode(errorClass: GaapErrorClass): ErrorCode {
  return CODES[errorClass];
}

/** What the client adds to a write's lost connection: it did not send that write again. */
export const NOT_REPEATED = ' (the request may have reached GAAP; it was not repeated)';

export class GaapApiError extends EdgeformError {
  readonly apiCode: string;
  readonly apiMessage: string;
  readonly requestId: string | undefined;
  readonly action: string;
  readonly errorClass: GaapErrorClass;
  readonly attempts: number;
  readonly parameter: string | undefined;

  constructor(init: GaapApiErrorInit) {
    const rule = init.errorClass
      ? { errorClass: init.errorClass }
      : classifyGaapError(init.apiCode, init.action);
    const errorClass = rule.errorClass;
    const specific = init.errorClass
      ? classifyGaapError(init.apiCode, init.action).resolution
      : rule.resolution;
    const param = init.parameter ? ` (parameter ${init.parameter})` : '';
    const rid = init.requestId ? `RequestId ${init.requestId}` : 'RequestId none: no response from GAAP';
    const tries = (init.attempts ?? 1) > 1 ? ` after ${init.attempts} attempts` : '';
    super({
      code: gaapErrorCode(errorClass),
      message: `GAAP ${init.action} failed${tries}: ${init.apiCode}${param}: ${init.apiMessage} [${rid}]`,
      source: SOURCE[errorClass],
      resolution: specific ?? GENERIC_RESOLUTION[errorClass],
      cause: init.cause,
      details: init.history ?? [],
    });
    this.name = 'GaapApiError';
    this.apiCode = init.apiCode;
    this.apiMessage = init.apiMessage;
    this.requestId = init.requestId;
    this.action = init.action;
    this.errorClass = errorClass;
    this.attempts = init.attempts ?? 1;
    this.parameter = init.parameter;
  }
}

export function isGaapApiError(e: unknown): e is GaapApiError {
  return e instanceof GaapApiError;
}
