import type { GaapState, ResourceModule } from '../state.js';
import { certificateResource } from './certificate.js';
import { errorPageResource } from './error-page.js';
import { globalDnsResource } from './global-dns.js';
import { globalDomainResource } from './global-domain.js';
import { l7DomainResource } from './l7-domain.js';
import { listenerResource } from './listener.js';
import { proxyResource } from './proxy.js';
import { proxyGroupResource } from './proxy-group.js';
import { realServerResource } from './real-server.js';
import { ruleResource } from './rule.js';
import { securityPolicyResource } from './security-policy.js';
import { securityRuleResource } from './security-rule.js';

/**
 * The emulator's GAAP resource kinds, one module each. Order matters where several kinds answer
 * one question (the first user of a real server: a listener's binding before a rule's; Tag API
 * and DescribeResourcesByTag listings: proxies, groups, real servers, global domains).
 */
export const GAAP_RESOURCES: readonly ResourceModule[] = [
  proxyResource,
  proxyGroupResource,
  realServerResource,
  certificateResource,
  listenerResource,
  l7DomainResource,
  ruleResource,
  errorPageResource,
  securityPolicyResource,
  securityRuleResource,
  globalDomainResource,
  globalDnsResource,
];

/** The state of a new account: every kind's empty table and initial fields. */
export function emptyState(): GaapState {
  // The kinds' tables are added just below, so the assertion holds once the loop has run.
  const state = { seq: 0, tasks: {}, clientTokens: {} } as GaapState;
  for (const m of GAAP_RESOURCES) {
    Reflect.set(state, m.table, {});
    Object.assign(state, m.extraState?.());
  }
  return state;
}
