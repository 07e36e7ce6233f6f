import { cacheRulePriorityRule, originBackupRule, speedLimitTimesRule } from './config-values.js';
import { domainNameFieldRule, duplicateDomainRule } from './domain-names.js';
import { emptyEntryRule } from './empty-entry.js';
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
];
