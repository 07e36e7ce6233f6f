import { catalog } from './catalog.js';
import { certificateHandlers } from './certificates.js';
import { defaultOutput } from './defaults.js';
import { globalDomainHandlers } from './global-domains.js';
import { groupHandlers } from './groups.js';
import { l7Handlers } from './l7.js';
import { listenerHandlers } from './listeners.js';
import { miscHandlers } from './misc.js';
import { proxyHandlers } from './proxies.js';
import { realServerHandlers } from './real-servers.js';
import { regionHandlers } from './regions.js';
import { securityHandlers } from './security.js';
import type { Handler } from './state.js';

const MODELLED: Record<string, Handler> = {
  ...proxyHandlers,
  ...groupHandlers,
  ...realServerHandlers,
  ...listenerHandlers,
  ...l7Handlers,
  ...certificateHandlers,
  ...securityHandlers,
  ...globalDomainHandlers,
  ...regionHandlers,
  ...miscHandlers,
};

for (const name of Object.keys(MODELLED)) {
  if (!Object.hasOwn(catalog.actions, name))
    throw new Error(`emulator bug: handler ${name} is not a GAAP action`);
}

/** Actions answered with the catalog's defaulted outputs (deprecated or informational, no state). */
export const UNMODELLED = Object.keys(catalog.actions).filter((a) => !Object.hasOwn(MODELLED, a));

export function handlerFor(action: string): Handler {
  return MODELLED[action] ?? (() => defaultOutput(action));
}

/** Reads never change state; a failed write is rolled back, so it does not either. */
export const isRead = (action: string) => /^(Describe|Inquiry|Check)/.test(action);
