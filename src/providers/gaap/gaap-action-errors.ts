import type { GaapErrorClass, GaapErrorRule } from './gaap-error-types.js';
import type { ActionName } from './gaap-types.js';

/**
 * What the client does with an answer code, in the four words of the per-action table:
 * - retry        repeat the request soon (throttling; internal errors when repeating is safe;
 *                SignatureExpire once, re-signed);
 * - wait         the object is in a transition: back off until it settles, then repeat;
 * - already-done the effect is (probably) in place: re-read and adopt;
 * - fail         stop and report, with the error's resolution.
 */
export type CodeHandling = 'retry' | 'wait' | 'fail' | 'already-done';

export function handlingOf(errorClass: GaapErrorClass): CodeHandling {
  switch (errorClass) {
    case 'throttled':
    case 'internal':
      return 'retry';
    case 'busy':
      return 'wait';
    case 'already-done':
      return 'already-done';
    case 'auth':
    case 'invalid-input':
    case 'quota':
    case 'conflict':
    case 'unsupported':
    case 'not-found':
    case 'ambiguous':
    case 'unknown':
      return 'fail';
    default: {
      const never: never = errorClass;
      throw new Error(`unhandled error class ${String(never)}`);
    }
  }
}

/**
 * Every action edgeform calls (test/providers/gaap/gaap-action-errors.test.ts proves the list
 * equal to the actions named in src/providers/gaap and src/workflow).
 */
export const CALLED_ACTIONS = [
  'AddRealServers',
  'BindListenerRealServers',
  'BindRuleRealServers',
  'CheckProxyCreate',
  'CloseProxies',
  'CloseProxyGroup',
  'CloseSecurityPolicy',
  'CreateCertificate',
  'CreateCustomHeader',
  'CreateDomain',
  'CreateDomainErrorPageInfo',
  'CreateGlobalDomain',
  'CreateGlobalDomainDns',
  'CreateHTTPListener',
  'CreateHTTPSListener',
  'CreateProxy',
  'CreateProxyGroup',
  'CreateRule',
  'CreateSecurityPolicy',
  'CreateSecurityRules',
  'CreateTCPListeners',
  'CreateUDPListeners',
  'DeleteCertificate',
  'DeleteDomain',
  'DeleteDomainErrorPageInfo',
  'DeleteGlobalDomain',
  'DeleteGlobalDomainDns',
  'DeleteListeners',
  'DeleteProxyGroup',
  'DeleteRule',
  'DeleteSecurityPolicy',
  'DeleteSecurityRules',
  'DescribeAccessRegionsByDestRegion',
  'DescribeBlackHeader',
  'DescribeCertificateDetail',
  'DescribeCertificates',
  'DescribeCustomHeader',
  'DescribeDomainErrorPageInfo',
  'DescribeGlobalDomainDns',
  'DescribeGlobalDomains',
  'DescribeHTTPListeners',
  'DescribeHTTPSListeners',
  'DescribeProxies',
  'DescribeProxyGroupDetails',
  'DescribeProxyGroupList',
  'DescribeRealServers',
  'DescribeRuleRealServers',
  'DescribeRules',
  'DescribeRulesByRuleIds',
  'DescribeSecurityPolicyDetail',
  'DescribeTCPListeners',
  'DescribeUDPListeners',
  'DestroyProxies',
  'DisableGlobalDomain',
  'EnableGlobalDomain',
  'InquiryPriceCreateProxy',
  'ModifyCertificate',
  'ModifyDomain',
  'ModifyGlobalDomainAttribute',
  'ModifyGlobalDomainDns',
  'ModifyHTTPListenerAttribute',
  'ModifyHTTPSListenerAttribute',
  'ModifyProxiesAttribute',
  'ModifyProxiesProject',
  'ModifyProxyConfiguration',
  'ModifyProxyGroupAttribute',
  'ModifyRealServerName',
  'ModifyRuleAttribute',
  'ModifySecurityRule',
  'ModifyTCPListenerAttribute',
  'ModifyUDPListenerAttribute',
  'OpenProxies',
  'OpenProxyGroup',
  'OpenSecurityPolicy',
  'RemoveRealServers',
  'SetAuthentication',
  'SetTlsVersion',
] as const satisfies readonly ActionName[];

/**
 * Where one action's code means something other than the code's own class (gaap-errors.ts).
 * NOTE: ModifyProxyConfiguration and CreateProxy list no busy code of their own, only the plain
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

/**
 * The per-action table: for each action edgeform calls, every code `documented(action)` gives
 * (002's list for it plus the common codes), with what the client does. `classify` is
 * classifyGaapError; the catalog is passed in so the client never loads it at run time.
 */
export function gaapActionErrorTable(
  documented: (action: ActionName) => readonly string[],
  classify: (code: string, action: ActionName) => GaapErrorRule,
): Record<string, Record<string, CodeHandling>> {
  const table: Record<string, Record<string, CodeHandling>> = {};
  for (const action of CALLED_ACTIONS) {
    const row: Record<string, CodeHandling> = {};
    for (const code of documented(action)) row[code] = handlingOf(classify(code, action).errorClass);
    table[action] = row;
  }
  return table;
}
