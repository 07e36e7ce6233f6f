import type { GaapKindModule } from '../engine/kind-module.js';
import { certificateKind } from './certificate.js';
import { errorPageKind } from './error-page.js';
import { globalDnsKind } from './global-dns.js';
import { globalDomainKind } from './global-domain.js';
import { l4ListenerKind } from './l4-listener.js';
import { l7DomainKind } from './l7-domain.js';
import { l7ListenerKind } from './l7-listener.js';
import { proxyKind } from './proxy.js';
import { proxyGroupKind } from './proxy-group.js';
import { realServerKind } from './real-server.js';
import { ruleKind } from './rule.js';
import { securityPolicyKind } from './security-policy.js';
import { securityRuleKind } from './security-rule.js';

/**
 * Every GAAP kind edgeform manages, in declaration order: an object's kind comes after the kinds of
 * the objects it lives under or refers to, so desired nodes are listed parents first.
 */
export const GAAP_KINDS: readonly GaapKindModule[] = [
  proxyGroupKind,
  realServerKind,
  certificateKind,
  proxyKind,
  l4ListenerKind,
  l7ListenerKind,
  l7DomainKind,
  ruleKind,
  errorPageKind,
  securityPolicyKind,
  securityRuleKind,
  globalDomainKind,
  globalDnsKind,
];
