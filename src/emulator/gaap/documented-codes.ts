import { actionOf, catalog } from './catalog.js';

/** The doc's 公共错误码: every action may answer these. */
export const COMMON_CODES: ReadonlySet<string> = new Set(
  catalog.commonErrors.filter((e) => e.kind === 'common').map((e) => e.code),
);

/** The codes 002 lists for an action, plus the common ones. */
export function documentedCodes(action: string): ReadonlySet<string> {
  return new Set([...COMMON_CODES, ...(actionOf(action)?.errors ?? [])]);
}

/**
 * Codes by nearest meaning: when an action does not list the code the emulator's rule names, the
 * first of these it does list is answered. The busy ones all mean "an object is in a transition;
 * retry later".
 */
const ALTERNATIVES: Readonly<Record<string, readonly string[]>> = {
  'FailedOperation.InstanceStatusNotInRuning': ['FailedOperation.ProxyStatusNotInRuning'],
  'FailedOperation.ProxyStatusNotInRuning': ['FailedOperation.InstanceStatusNotInRuning'],
  'FailedOperation.GroupStatusNotInRuning': ['FailedOperation.InstanceStatusNotInRuning'],
  'FailedOperation.ListenerHasTask': ['FailedOperation.ListenerStatusError'],
  // A rule or domain change is a task on its listener.
  'FailedOperation.ActionIsDoing': ['FailedOperation.ListenerHasTask', 'FailedOperation.ListenerStatusError'],
  'FailedOperation.DomainStatusNotInRunning': [
    'FailedOperation.ListenerHasTask',
    'FailedOperation.ListenerStatusError',
  ],
  'FailedOperation.ProxySecurityPolicyOperating': ['FailedOperation.ActionIsDoing'],
  // AuthFailure itself is a business code; its common relative is the permission failure.
  'AuthFailure.NotEnterpriseAuthorization': ['AuthFailure', 'AuthFailure.UnauthorizedOperation'],
  AuthFailure: ['AuthFailure.UnauthorizedOperation'],
};

/**
 * The code the emulator answers for an error its rules raise with `code` during `action`.
 * NOTE: 002 gives each action its own list of codes, and a client can only classify what the
 * action documents. The emulator's rules name the most specific code; when the action does not
 * list it, the answer is the nearest documented alternative (ALTERNATIVES), else the code's
 * documented parent (`InvalidParameterValue.UnknownAccessRegion` → `InvalidParameterValue`). The
 * message is kept, so the specific reason still reaches the caller. Every parent of a business
 * code is in the common list, so an answer always exists (test/emulator/gaap-error-codes.test.ts).
 */
export function answerCode(action: string, code: string): string {
  const documented = documentedCodes(action);
  if (documented.has(code)) return code;
  const alternative = ALTERNATIVES[code]?.find((c) => documented.has(c));
  if (alternative) return alternative;
  for (let c = code; c.includes('.'); ) {
    c = c.slice(0, c.lastIndexOf('.'));
    if (documented.has(c)) return c;
    const parentAlternative = ALTERNATIVES[c]?.find((x) => documented.has(x));
    if (parentAlternative) return parentAlternative;
  }
  throw new Error(`emulator bug: ${action} documents neither ${code} nor a parent of it`);
}
