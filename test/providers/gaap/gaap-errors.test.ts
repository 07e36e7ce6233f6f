import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GAAP_DOCUMENTED_ERROR_CODES } from '../../../src/providers/gaap/gaap-action-meta.js';
import {
  CLASSIFIED_CODES,
  classifyGaapError,
  GaapApiError,
  type GaapErrorClass,
  parameterFromMessage,
} from '../../../src/providers/gaap/gaap-errors.js';

const catalog = JSON.parse(
  readFileSync(new URL('../../../src/providers/gaap/gaap-catalog.json', import.meta.url), 'utf8'),
) as {
  commonErrors: { code: string }[];
  actions: Record<string, { errors?: string[] }>;
};

describe('GAAP error classification', () => {
  it('classifies every documented code explicitly (common, business and per-action lists)', () => {
    const documented = new Set([
      ...catalog.commonErrors.map((e) => e.code),
      ...Object.values(catalog.actions).flatMap((a) => a.errors ?? []),
    ]);
    expect(documented.size).toBe(114);
    expect([...documented].sort()).toEqual([...GAAP_DOCUMENTED_ERROR_CODES]);
    const missing = [...documented].filter((c) => !CLASSIFIED_CODES.includes(c));
    expect(missing).toEqual([]);
  });

  const TABLE: [string, GaapErrorClass][] = [
    ['RequestLimitExceeded', 'throttled'],
    ['RequestLimitExceeded.GlobalRegionUinLimitExceeded', 'throttled'],
    ['RequestLimitExceeded.IPLimitExceeded', 'throttled'],
    ['RequestLimitExceeded.UinLimitExceeded', 'throttled'],
    ['FailedOperation.ListenerHasTask', 'busy'],
    ['FailedOperation.ActionIsDoing', 'busy'],
    ['FailedOperation.ActionOperateTooQuickly', 'busy'],
    ['FailedOperation.ProxySecurityPolicyOperating', 'busy'],
    ['FailedOperation.InstanceStatusNotInRuning', 'busy'],
    ['FailedOperation.ProxyStatusNotInRuning', 'busy'],
    ['FailedOperation.GroupStatusNotInRuning', 'busy'],
    ['FailedOperation.DomainStatusNotInRunning', 'busy'],
    ['FailedOperation.ListenerStatusError', 'busy'],
    ['FailedOperation.ResourceUpgrading', 'busy'],
    ['ResourceInUse', 'busy'],
    ['AuthFailure', 'auth'],
    ['AuthFailure.SignatureExpire', 'auth'],
    ['AuthFailure.SignatureFailure', 'auth'],
    ['AuthFailure.SecretIdNotFound', 'auth'],
    ['AuthFailure.TokenFailure', 'auth'],
    ['AuthFailure.InvalidSecretId', 'auth'],
    ['UnauthorizedOperation', 'auth'],
    ['InvalidParameter', 'invalid-input'],
    ['InvalidParameterValue', 'invalid-input'],
    ['InvalidParameter.ConflictParameters', 'invalid-input'],
    ['InvalidParameterValue.InvalidBandwidth', 'invalid-input'],
    ['MissingParameter', 'invalid-input'],
    ['UnknownParameter', 'invalid-input'],
    ['InvalidAction', 'invalid-input'],
    ['LimitExceeded', 'quota'],
    ['LimitExceeded.Domain', 'quota'],
    ['FailedOperation.LimitNumofRules', 'quota'],
    ['FailedOperation.OperateLimitNumofListener', 'quota'],
    ['FailedOperation.RealServerAlreadyBound', 'conflict'],
    ['FailedOperation.CertificateIsUsing', 'conflict'],
    ['FailedOperation.DeleteProxyGroupProxyRemained', 'conflict'],
    ['UnsupportedOperation', 'unsupported'],
    ['UnsupportedRegion', 'unsupported'],
    ['FailedOperation.NotSupportScalar', 'unsupported'],
    ['FailedOperation.NotSupportOldVersionProxy', 'unsupported'],
    ['FailedOperation.ProxySecurityAlreadyOpen', 'already-done'],
    ['FailedOperation.ProxySecurityAlreadyClose', 'already-done'],
    ['FailedOperation.ResourceHadBeenDone', 'already-done'],
    ['FailedOperation.DuplicatedRequest', 'already-done'],
    ['FailedOperation.DomainAlreadyExisted', 'already-done'],
    ['FailedOperation.RuleAlreadyExisted', 'already-done'],
    ['InvalidParameterValue.DuplicatedListenerPort', 'already-done'],
    ['InvalidParameterValue.DuplicateRS', 'already-done'],
    ['ResourceNotFound', 'not-found'],
    ['InternalError', 'internal'],
    ['ServiceUnavailable', 'internal'],
    ['FailedOperation', 'unknown'],
  ];
  it.each(TABLE)('%s → %s', (code, cls) => {
    expect(classifyGaapError(code).errorClass).toBe(cls);
  });

  it.each<[string, GaapErrorClass]>([
    ['RequestLimitExceeded.SomethingNew', 'throttled'],
    ['AuthFailure.SomethingNew', 'auth'],
    ['InvalidParameterValue.SomethingNew', 'invalid-input'],
    ['FailedOperation.RuleStatusNotInRuning', 'busy'],
    ['FailedOperation.CertAlreadyExisted', 'already-done'],
    ['ResourceNotFound.Listener', 'not-found'],
    ['LimitExceeded.Other', 'quota'],
    ['Totally.Unknown', 'unknown'],
  ])('undocumented %s falls back to %s', (code, cls) => {
    expect(classifyGaapError(code).errorClass).toBe(cls);
  });

  it('builds GaapApiError with a stable code, the RequestId in the message and a resolution', () => {
    const e = new GaapApiError({
      action: 'CreateRule',
      apiCode: 'FailedOperation.ListenerHasTask',
      apiMessage: 'listener busy',
      requestId: 'abc-123',
    });
    expect(e.code).toBe('GAAP_BUSY');
    expect(e.errorClass).toBe('busy');
    expect(e.message).toContain('RequestId abc-123');
    expect(e.message).toContain('FailedOperation.ListenerHasTask');
    expect(e.resolution).toBeTruthy();
    expect(e.name).toBe('GaapApiError');
  });

  it('auth errors name the variables to check; SignatureExpire says to check the clock', () => {
    const auth = new GaapApiError({
      action: 'DescribeProxies',
      apiCode: 'AuthFailure.SecretIdNotFound',
      apiMessage: 'x',
      requestId: 'r',
    });
    expect(auth.code).toBe('GAAP_AUTH');
    expect(auth.source).toBe('user');
    expect(auth.resolution).toContain('TENCENTCLOUD_SECRET_ID');
    const expired = new GaapApiError({
      action: 'DescribeProxies',
      apiCode: 'AuthFailure.SignatureExpire',
      apiMessage: 'x',
      requestId: 'r',
    });
    expect(expired.resolution).toMatch(/clock/);
  });

  it('names the parameter from the message for invalid input', () => {
    expect(parameterFromMessage('The value of parameter `Bandwidth` is invalid.')).toBe('Bandwidth');
    expect(parameterFromMessage('参数 ProxyName 长度超限')).toBe('ProxyName');
    expect(parameterFromMessage('bad value for ProxyIds here', ['ProxyId', 'ProxyIds'])).toBe('ProxyIds');
    expect(parameterFromMessage('something went wrong')).toBeUndefined();
  });

  it('says when no RequestId exists (the request never got an answer)', () => {
    const e = new GaapApiError({
      action: 'CreateRule',
      apiCode: 'UND_ERR_SOCKET',
      apiMessage: 'closed',
      requestId: undefined,
      errorClass: 'ambiguous',
    });
    expect(e.code).toBe('GAAP_AMBIGUOUS');
    expect(e.message).toContain('RequestId none');
    expect(e.resolution).toMatch(/Re-run plan/);
  });
});
