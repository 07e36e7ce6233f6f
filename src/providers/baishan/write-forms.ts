/**
 * The exact value edgeform puts under `config[key]` in a POST so that the live state becomes the
 * desired one, for each key's documented write semantics (baishan-api.md §2–§3, §5.1, C39–C43):
 * always the idempotent cover/reset forms, complete objects with defaults filled (§3.0), table wire
 * types (§5.2), ineffective fields dropped, and the documented removal forms for `null`.
 */

import { EdgeformError } from '../../core/errors.js';
import { isPlainObject } from '../../core/json-types.js';
import { KEY_SPECS } from '../../model/baishan-key-specs.js';
import { isBaishanConfigKey, REMOVABLE_KEYS } from '../../model/baishan-keys.js';
import type { BaishanSettings, DesiredValue } from '../../model/stack-types.js';
import { preShape, type WalkContext, walkValue, whitelistUrls } from './normalize.js';

export interface WriteFormContext {
  /** The domain being written: the value cache_share.domain gets for inner_share when none is known (C23). */
  domain?: string;
}

/**
 * The value to put under config[key] in a POST so the live state becomes `desired` (desired === null
 * → the documented removal form). SecretValue objects stay SecretValue; the provider reveals them
 * (core/secrets.ts revealSecrets) just before sending. Throws BAISHAN_NOT_REMOVABLE for null on a key without a
 * documented removal form.
 */
export function writeForm(
  key: string,
  desired: DesiredValue,
  live: unknown,
  settings: BaishanSettings,
  context: WriteFormContext = {},
): unknown {
  if (!isBaishanConfigKey(key)) {
    throw new EdgeformError({
      code: 'BAISHAN_UNKNOWN_KEY',
      message: `unknown Baishan config key "${key}"`,
      resolution: 'use one of the config keys documented for domain/config',
    });
  }
  if (desired === null) return removalForm(key, live, settings);
  const ctx: WalkContext = { mode: 'write', side: 'desired', settings };
  switch (key) {
    case 'visit_deny_whitelist':
      return whitelistToggles(whitelistUrls(desired) ?? [], liveWhitelist(live));
    case 'range_back_source':
      return walkValue(KEY_SPECS.range_back_source.value, desired, ctx);
    case 'ip_black_list':
    case 'ip_white_list':
      // NOTE: §3.6 — `mode` defaults to cover, but a reconciler never relies on it (C39).
      return { ...asObject(walkValue(KEY_SPECS[key].value, desired, ctx)), mode: 'cover' };
    case 'add_response_head':
      // NOTE: C40 — an omitted `type` already means reset; it is still always sent explicitly.
      return { type: 'reset', list: asObject(walkValue(KEY_SPECS[key].value, desired, ctx)).list ?? [] };
    case 'cache_share': {
      const out = asObject(walkValue(KEY_SPECS[key].value, desired, ctx));
      if (out.share_way === 'inner_share' && out.domain === undefined) {
        // NOTE: C23 — required by the table, ignored by the server for inner_share: keep what is
        // stored, else name the domain itself.
        const stored = isPlainObject(live) && typeof live.domain === 'string' ? live.domain : undefined;
        const domain = stored ?? context.domain;
        if (domain !== undefined) out.domain = domain;
      }
      return out;
    }
    default:
      return walkValue(KEY_SPECS[key].value, preShape(key, desired), ctx);
  }
}

/**
 * The documented removal forms (§3.0). Every other key has none: edgeform refuses rather than guess
 * (an empty list may be rejected: CacheRuleListIsEmpty).
 */
function removalForm(key: string, live: unknown, settings: BaishanSettings): unknown {
  const fromLive: WalkContext = { mode: 'write', side: 'live', settings };
  switch (REMOVABLE_KEYS.has(key) ? key : '') {
    case 'https':
      // Also downgrades the domain to HTTP (C41); the provider guards it with allowHttpsDowngrade.
      return { cert_id: 0 };
    case 'range_back_source':
      return 'on';
    case 'cache_error_code': {
      // NOTE: the only example of the off-form ([001] line ~770) sends the code list with
      // bcache "off"; requiredness of `code` is lost (§0 loss 1), so the stored list is kept.
      const stored = asObject(walkValue(KEY_SPECS.cache_error_code.value, live, fromLive));
      return Array.isArray(stored.code) && stored.code.length > 0
        ? { code: stored.code, bcache: 'off' }
        : { bcache: 'off' };
    }
    case 'video_drag': {
      // Requiredness of url/start/end is not stated: keep the stored ones so only the switches change.
      const stored = asObject(walkValue(KEY_SPECS.video_drag.value, live, fromLive));
      const out: Record<string, unknown> = {};
      if (stored.url !== undefined) out.url = stored.url;
      out.mp4 = 'off';
      out.flv = 'off';
      if (stored.start !== undefined) out.start = stored.start;
      if (stored.end !== undefined) out.end = stored.end;
      return out;
    }
    case 'visit_deny_whitelist':
      return whitelistToggles([], liveWhitelist(live));
    case 'add_response_head':
      return { type: 'reset', list: [] };
    default:
      throw new EdgeformError({
        code: 'BAISHAN_NOT_REMOVABLE',
        message: `Baishan config key "${key}" has no documented removal form`,
        resolution: `delete "${key}" from the YAML to leave it unmanaged, or declare the value it should have`,
      });
  }
}

function liveWhitelist(live: unknown): string[] {
  if (live === undefined || live === null) return [];
  return whitelistUrls(live) ?? [];
}

/**
 * NOTE: C42 / §5.1 — visit_deny_whitelist is written as per-URL toggles: turn_on:true for D−C,
 * turn_on:false for C−D; URLs in both are left alone (the server keeps unnamed URLs).
 */
function whitelistToggles(desired: readonly string[], current: readonly string[]): unknown[] {
  const d = unique(desired.map((u) => u.trim()).filter((u) => u !== ''));
  const c = new Set(current.map((u) => u.trim()));
  const dSet = new Set(d);
  return [
    ...d.filter((u) => !c.has(u)).map((url) => ({ url, turn_on: true })),
    ...[...c].filter((u) => u !== '' && !dSet.has(u)).map((url) => ({ url, turn_on: false })),
  ];
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function asObject(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? { ...v } : {};
}
