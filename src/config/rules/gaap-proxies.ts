import type { Diagnostic } from '../diagnostic-types.js';
import { byName } from '../gaap-view.js';
import { diagnosticAt, type Rule } from './rule-types.js';

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
