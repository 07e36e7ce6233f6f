import { EdgeformError } from '../../core/errors.js';
import type { GaapDesired, ProxyDesired } from '../../model/gaap-desired-types.js';
import type { SourceLocation } from '../../model/source-location.js';
import { addr } from './engine/kind-module.js';
import type { LiveNode } from './engine/node-types.js';
import type { GaapCaller } from './gaap-client.js';
import { isGaapApiError } from './gaap-errors.js';

/**
 * Plan-time checks against GAAP's live catalogs, so that a value the API will refuse fails `plan`
 * with a located error instead of an apply half-way through (bandwidth 150 after 24 of 34 steps):
 *  - bandwidth, concurrency and access region on sale for the origin region
 *    (DescribeAccessRegionsByDestRegion, per origin region × IP version × package type);
 *  - custom header names on the black list (DescribeBlackHeader).
 * Only what this plan would write is checked, so an unchanged estate costs no catalog call, and
 * each catalog is read at most once per run.
 */
export async function checkAgainstCatalogs(
  model: GaapDesired,
  live: readonly LiveNode[],
  client: GaapCaller,
): Promise<void> {
  const liveBy = new Map(live.map((n) => [n.address, n]));
  const offers: Offer[] = [];
  for (const [name, p] of Object.entries(model.proxies ?? {})) {
    const dest = p.group ? model.proxyGroups?.[p.group]?.realServerRegion : p.realServerRegion;
    if (dest === undefined || !proxyWrites(p, liveBy.get(addr.proxy(name)))) continue;
    const key = catalogKey(dest, p.ipVersion, p.packageType);
    const at = (field: string) => model.sources?.[`proxies.${name}.${field}`];
    offers.push({
      key,
      dest,
      region: p.accessRegion,
      bandwidth: p.bandwidth,
      concurrent: p.concurrent,
      path: `gaap.proxies.${name}`,
      at,
    });
  }
  for (const [name, g] of Object.entries(model.proxyGroups ?? {})) {
    if (liveBy.has(addr.proxyGroup(name))) continue;
    const key = catalogKey(g.realServerRegion, g.ipVersion, g.packageType);
    (g.accessRegions ?? []).forEach((r, i) => {
      const where = model.sources?.[`proxyGroups.${name}.accessRegions.${i}`];
      offers.push({
        key,
        dest: g.realServerRegion,
        region: r.region,
        bandwidth: r.bandwidth,
        concurrent: r.concurrent,
        path: `gaap.proxyGroups.${name}.accessRegions.${i}`,
        at: () => where,
      });
    });
  }
  const headers = headersToWrite(model, liveBy);

  const keys = [...new Set(offers.map((o) => o.key))];
  const [catalogs, black] = await Promise.all([
    Promise.all(
      keys.map(async (key) => {
        const [DestRegion, IPAddressVersion, PackageType] = key.split('|') as [string, string, string];
        const res = await client.call('DescribeAccessRegionsByDestRegion', {
          DestRegion,
          IPAddressVersion,
          PackageType,
        });
        return [key, res.AccessRegionSet ?? []] as const;
      }),
    ),
    headers.length > 0 ? client.call('DescribeBlackHeader', {}) : undefined,
  ]);
  const byKey = new Map(catalogs);

  const problems: string[] = [];
  // NOTE: the catalog lists current region IDs only, while GAAP still accepts the area IDs they
  // replaced (EastChina for Shanghai, ...). A region the catalog does not list is asked about
  // with CheckProxyCreate, which judges the whole combination as a create would.
  const unlisted = offers.filter((o) => !(byKey.get(o.key) ?? []).some((r) => r.RegionId === o.region));
  const verdicts = await Promise.all(unlisted.map((o) => checkProxyCreate(client, o)));
  unlisted.forEach((o, i) => {
    const refusal = verdicts[i];
    if (refusal === undefined) return;
    // The refusal's code names the field at fault.
    const field = /Bandwidth/.test(refusal)
      ? 'bandwidth'
      : /Concurren/.test(refusal)
        ? 'concurrent'
        : 'accessRegion';
    const value = field === 'bandwidth' ? o.bandwidth : field === 'concurrent' ? o.concurrent : o.region;
    problems.push(
      located(
        o.at(field),
        `${o.path}.${field}`,
        `${field} ${String(value)} is not on sale from ${o.region} to ${o.dest} (CheckProxyCreate: ${refusal})`,
        field === 'accessRegion'
          ? `use one of ${(byKey.get(o.key) ?? []).map((r) => r.RegionId).join(', ') || '(none offered)'}`
          : 'use a value DescribeAccessRegionsByDestRegion offers for this region',
      ),
    );
  });
  for (const o of offers) {
    const region = (byKey.get(o.key) ?? []).find((r) => r.RegionId === o.region);
    if (!region) continue;
    const check = (field: 'bandwidth' | 'concurrent', value: number | undefined, list: number[]) => {
      if (value === undefined || list.includes(value)) return;
      const unit = field === 'bandwidth' ? ' Mbps' : ' × 10,000 connections';
      problems.push(
        located(
          o.at(field),
          `${o.path}.${field}`,
          `${field} ${value}${unit} is not on sale from ${o.region} to ${o.dest}`,
          `use one of ${list.join(', ')} (DescribeAccessRegionsByDestRegion)`,
        ),
      );
    };
    check('bandwidth', o.bandwidth, region.BandwidthList ?? []);
    check('concurrent', o.concurrent, region.ConcurrentList ?? []);
  }
  if (black) {
    const refused = new Set(black.BlackHeaders.map((h) => h.toLowerCase()));
    for (const h of headers) {
      if (!refused.has(h.name.toLowerCase())) continue;
      problems.push(
        located(
          h.at,
          h.path,
          `header ${h.name} cannot be customised: GAAP sets it itself (DescribeBlackHeader)`,
          'remove it from the rule; GAAP refuses the whole header set otherwise',
        ),
      );
    }
  }
  if (problems.length > 0) {
    throw new EdgeformError({
      code: 'GAAP_NOT_ON_SALE',
      message: `GAAP would refuse ${problems.length === 1 ? 'a value' : `${problems.length} values`} of the desired state (checked against the live catalogs before any write)`,
      resolution: 'change each value listed above at its file:line:column, then plan again',
      details: problems,
    });
  }
}

/** undefined when GAAP would create it; otherwise why not. */
async function checkProxyCreate(client: GaapCaller, o: Offer): Promise<string | undefined> {
  const [, IPAddressVersion, PackageType] = o.key.split('|') as [string, string, string];
  try {
    const res = await client.call('CheckProxyCreate', {
      AccessRegion: o.region,
      RealServerRegion: o.dest,
      Bandwidth: o.bandwidth ?? 0,
      Concurrent: o.concurrent ?? 0,
      IPAddressVersion,
      PackageType,
    });
    return res.CheckFlag === 1 ? undefined : 'CheckFlag 0 (not on sale)';
  } catch (e) {
    if (isGaapApiError(e) && e.errorClass === 'invalid-input') return e.apiCode;
    throw e;
  }
}

interface Offer {
  key: string;
  dest: string;
  region: string;
  bandwidth?: number;
  concurrent?: number;
  path: string;
  at(field: string): SourceLocation | undefined;
}

/** NOTE: the offer differs per IP version and package type, so each is part of the catalog key. */
function catalogKey(dest: string, ipVersion: string | undefined, packageType: string | undefined): string {
  return `${dest}|${ipVersion ?? 'IPv4'}|${packageType ?? 'Thunder'}`;
}

/** Whether the plan creates the proxy or changes what the catalog governs. */
function proxyWrites(p: ProxyDesired, live: LiveNode | undefined): boolean {
  if (!live) return true;
  return (
    live.attrs.bandwidth !== p.bandwidth ||
    live.attrs.concurrent !== p.concurrent ||
    live.attrs.accessRegion !== p.accessRegion ||
    (p.realServerRegion !== undefined && live.attrs.realServerRegion !== p.realServerRegion)
  );
}

/** Declared custom headers that differ from the live rule's (those the plan writes). */
function headersToWrite(
  model: GaapDesired,
  liveBy: ReadonlyMap<string, LiveNode>,
): { name: string; path: string; at: SourceLocation | undefined }[] {
  const out: { name: string; path: string; at: SourceLocation | undefined }[] = [];
  for (const [proxy, p] of Object.entries(model.proxies ?? {})) {
    (p.listeners ?? []).forEach((l, i) => {
      if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') return;
      const listener = addr.listener(proxy, l.protocol, l.port);
      (l.domains ?? []).forEach((d, j) => {
        (d.rules ?? []).forEach((r, k) => {
          if (!r.headers?.length) return;
          const have = liveBy.get(addr.rule(addr.domain(listener, d.domain), r.path))?.attrs.headers;
          const haveSet = new Set(
            (Array.isArray(have) ? (have as { name: string; value: string }[]) : []).map(
              (h) => `${h.name}\0${h.value}`,
            ),
          );
          r.headers.forEach((h, m) => {
            if (haveSet.has(`${h.name}\0${h.value}`)) return;
            const path = `listeners.${i}.domains.${j}.rules.${k}.headers.${m}.name`;
            out.push({
              name: h.name,
              path: `gaap.proxies.${proxy}.${path}`,
              at: model.sources?.[`proxies.${proxy}.${path}`],
            });
          });
        });
      });
    });
  }
  return out;
}

function located(at: SourceLocation | undefined, path: string, message: string, fix: string): string {
  return `${at ? `${at.file}:${at.line}:${at.column} ` : ''}${path}: ${message} — ${fix}`;
}
