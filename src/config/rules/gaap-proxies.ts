import type { Diagnostic } from '../diagnostic-types.js';
import { byName, l7Listeners } from '../gaap-view.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';

/**
 * CreateProxy needs RealServerRegion unless GroupId is given; a proxy in a group gets the group's
 * origin region, so a different one written on the proxy could never converge.
 */
export const gaapRealServerRegionRule: Rule = {
  name: 'gaap-real-server-region',
  check(ctx) {
    const out: Diagnostic[] = [];
    const groups = byName(ctx.gaap.proxyGroups);
    for (const p of ctx.gaap.proxies) {
      const { group, realServerRegion } = p.value;
      if (group === undefined) {
        if (realServerRegion !== undefined) continue;
        out.push(
          diagnosticAt(p.file, p.path, {
            code: 'MISSING_KEY',
            message: `proxy \`${p.name}\` has neither \`realServerRegion\` nor \`group\``,
            fix: 'add `realServerRegion:` (the origin region, e.g. Guangzhou), or `group:` to join a proxy group that sets it',
          }),
        );
        continue;
      }
      const g = groups.get(group);
      if (!g || realServerRegion === undefined || realServerRegion === g.value.realServerRegion) continue;
      out.push(
        diagnosticAt(p.file, [...p.path, 'realServerRegion'], {
          code: 'FIELD_NOT_ALLOWED',
          message: `proxy \`${p.name}\` says realServerRegion ${realServerRegion}, but its group \`${group}\` has ${g.value.realServerRegion}`,
          fix: 'remove `realServerRegion` from the proxy: the group decides the origin region',
          related: [g.file.source.locate([...g.path, 'realServerRegion'])],
        }),
      );
    }
    return out;
  },
};

/**
 * A proxy of a group is opened and closed with its group (OpenProxyGroup / CloseProxyGroup): an
 * `enabled` of its own would contradict the group's.
 */
export const gaapProxyEnabledRule: Rule = {
  name: 'gaap-proxy-enabled',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const p of ctx.gaap.proxies) {
      if (p.value.group === undefined || p.value.enabled === undefined) continue;
      out.push(
        diagnosticAt(
          p.file,
          [...p.path, 'enabled'],
          {
            code: 'FIELD_NOT_ALLOWED',
            message: `proxy \`${p.name}\` is in group \`${p.value.group}\`, which opens and closes all its proxies together`,
            fix: `remove \`enabled\` from the proxy and set \`enabled\` on the group \`${p.value.group}\``,
          },
          'key',
        ),
      );
    }
    return out;
  },
};

/**
 * CloseProxyGroup closes the group's proxies; a group without any (no access region, no declared
 * proxy joining it) never reads CLOSED, so `enabled: false` on it could never converge. A warning,
 * not an error: an exported group has access regions the API does not list.
 */
export const gaapGroupEnabledRule: Rule = {
  name: 'gaap-group-enabled',
  check(ctx) {
    const out: Diagnostic[] = [];
    const joined = new Set(ctx.gaap.proxies.map((p) => p.value.group));
    for (const g of ctx.gaap.proxyGroups) {
      if (g.value.enabled !== false || (g.value.accessRegions ?? []).length > 0 || joined.has(g.name))
        continue;
      out.push(
        diagnosticAt(
          g.file,
          [...g.path, 'enabled'],
          {
            code: 'FIELD_NOT_ALLOWED',
            message: `proxy group \`${g.name}\` declares no proxies (no \`accessRegions\`, no proxy with \`group: ${g.name}\`): a group without proxies never reads closed`,
            fix: "declare the group's `accessRegions:`, or remove `enabled: false`",
            severity: 'warning',
          },
          'key',
        ),
      );
    }
    return out;
  },
};

/**
 * GAAP does not support HTTP/HTTPS listeners on the proxies of a proxy group ("通道组通道暂时不支持
 * HTTP/HTTPS监听器", ModifyHTTPListenerAttribute; both creates list NotSupportProxyGroup): such a
 * listener would fail half-way through an apply, so it is refused here, at its protocol.
 */
export const gaapGroupProxyL7Rule: Rule = {
  name: 'gaap-group-proxy-l7',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const l of l7Listeners(ctx.gaap)) {
      if (l.parentKind !== 'proxy' || !('group' in l.parent.value) || l.parent.value.group === undefined)
        continue;
      out.push(
        diagnosticAt(l.parent.file, [...l.path, 'protocol'], {
          code: 'FIELD_NOT_ALLOWED',
          message: `proxy \`${l.parent.name}\` is in group \`${l.parent.value.group}\`, and GAAP does not support ${l.listener.protocol} listeners on the proxies of a proxy group`,
          fix: 'move the listener to a proxy outside the group (TCP and UDP listeners are fine here, or on the group itself)',
        }),
      );
    }
    return out;
  },
};
