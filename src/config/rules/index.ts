import { cacheRulePriorityRule, originBackupRule, speedLimitTimesRule } from './config-values.js';
import { domainNameFieldRule, duplicateDomainRule } from './domain-names.js';
import { emptyEntryRule } from './empty-entry.js';
import {
  gaapCertificateContentRule,
  gaapCertificateKeyRule,
  gaapCertificateNameRule,
} from './gaap-certificates.js';
import { gaapGlobalDomainCountriesRule } from './gaap-global-domains.js';
import { gaapHealthCheckTimeoutRule } from './gaap-health-checks.js';
import { gaapListenerDomainsRule, gaapRulePathsRule } from './gaap-l7-domains.js';
import {
  gaapHttpListenerRule,
  gaapHttpsListenerRule,
  gaapL4ProtocolFieldsRule,
} from './gaap-listener-fields.js';
import { gaapListenerPortsRule } from './gaap-listener-ports.js';
import { gaapDuplicateNameRule, gaapNameLengthRule, gaapProjectIdRule } from './gaap-names.js';
import {
  gaapGroupEnabledRule,
  gaapGroupProxyL7Rule,
  gaapProxyEnabledRule,
  gaapRealServerRegionRule,
} from './gaap-proxies.js';
import { gaapRealServersRule } from './gaap-real-servers.js';
import { gaapReferencesRule } from './gaap-references.js';
import { gaapDomainOriginRule, gaapFailoverRoleRule } from './gaap-schedulers.js';
import { gaapSecurityRulesRule } from './gaap-security-policy.js';
import { gaapReservedTagsRule } from './gaap-tags.js';
import { ipListNetworksRule, ipListsExclusiveRule } from './ip-lists.js';
import { httpsDowngradeRule, keyRemovalRule } from './key-removal.js';
import { overlappingKeysRule } from './overlapping-keys.js';
import { providerSettingsRule } from './provider-settings.js';
import type { Rule } from './rule-types.js';
import { secretRefsRule } from './secret-refs.js';
import { stackNameRule } from './stack-name.js';

/** The semantic rules, run in this order after the schema passed. */
export const SEMANTIC_RULES: readonly Rule[] = [
  stackNameRule,
  providerSettingsRule,
  domainNameFieldRule,
  duplicateDomainRule,
  keyRemovalRule,
  httpsDowngradeRule,
  ipListsExclusiveRule,
  ipListNetworksRule,
  speedLimitTimesRule,
  cacheRulePriorityRule,
  originBackupRule,
  overlappingKeysRule,
  secretRefsRule,
  emptyEntryRule,
  gaapProjectIdRule,
  gaapDuplicateNameRule,
  gaapNameLengthRule,
  gaapReferencesRule,
  gaapRealServerRegionRule,
  gaapProxyEnabledRule,
  gaapGroupProxyL7Rule,
  gaapGroupEnabledRule,
  gaapReservedTagsRule,
  gaapRealServersRule,
  gaapListenerPortsRule,
  gaapHttpsListenerRule,
  gaapHttpListenerRule,
  gaapL4ProtocolFieldsRule,
  gaapListenerDomainsRule,
  gaapRulePathsRule,
  gaapHealthCheckTimeoutRule,
  gaapFailoverRoleRule,
  gaapDomainOriginRule,
  gaapCertificateKeyRule,
  gaapCertificateContentRule,
  gaapCertificateNameRule,
  gaapSecurityRulesRule,
  gaapGlobalDomainCountriesRule,
];
