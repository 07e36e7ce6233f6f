import { catalog } from './catalog.js';
import { defaultOutput } from './defaults.js';
import { miscHandlers } from './misc.js';
import { regionHandlers } from './regions.js';
import { GAAP_RESOURCES } from './resources/registry.js';
import type { Handler } from './state.js';

/** Every modelled action → its handler: each resource kind's actions, then those of no kind. */
const MODELLED: Record<string, Handler> = {};
for (const actions of [...GAAP_RESOURCES.map((m) => m.actions), regionHandlers, miscHandlers]) {
  for (const [name, handler] of Object.entries(actions)) {
    if (!Object.hasOwn(catalog.actions, name))
      throw new Error(`emulator bug: handler ${name} is not a GAAP action`);
    if (Object.hasOwn(MODELLED, name)) throw new Error(`emulator bug: two handlers for ${name}`);
    MODELLED[name] = handler;
  }
}

/** Actions answered with the catalog's defaulted outputs (deprecated or informational, no state). */
export const UNMODELLED = Object.keys(catalog.actions).filter((a) => !Object.hasOwn(MODELLED, a));

export function handlerFor(action: string): Handler {
  return MODELLED[action] ?? (() => defaultOutput(action));
}

/** Reads never change state; a failed write is rolled back, so it does not either. */
export const isRead = (action: string) => /^(Describe|Inquiry|Check)/.test(action);
