import type { GaapErrorClass, GaapErrorRule } from './gaap-error-types.js';
import type { ActionName } from './gaap-types.js';
import { GAAP_KINDS } from './kinds/registry.js';

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

/** Actions called outside any kind: the plan's catalog checks (catalog-checks.ts) and price inquiry (prices.ts). */
const CHECK_CALLS: readonly ActionName[] = [
  'CheckProxyCreate',
  'DescribeAccessRegionsByDestRegion',
  'DescribeBlackHeader',
  'InquiryPriceCreateProxy',
];

/**
 * Every action edgeform calls: each kind's `apiActions` and the catalog checks'
 * (test/providers/gaap/gaap-action-errors.test.ts proves the list equal to the actions named in
 * src/providers/gaap and src/workflow, and each kind's list equal to its file's).
 */
export const CALLED_ACTIONS: readonly ActionName[] = [
  ...new Set([...GAAP_KINDS.flatMap((k) => k.apiActions), ...CHECK_CALLS]),
].sort();

/** Where one action's code means something other than the code's own class (gaap-errors.ts). */
export { ACTION_CODE_OVERRIDES } from './gaap-errors.js';

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
