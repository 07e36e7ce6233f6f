import { describe, expect, it } from 'vitest';
import { DEFAULT_BAISHAN_SETTINGS } from '../../../src/config/build-stack.js';
import { useFingerprintSalt } from '../../../src/core/secrets.js';
import type { BaishanDomainDesired, DesiredValue } from '../../../src/model/stack-types.js';
import type { BaishanDomainConfig } from '../../../src/providers/baishan/baishan-client.js';
import { BaishanProvider, baishanAddress } from '../../../src/providers/baishan/baishan-provider.js';

// The plan is computed once per distinct (declared config, live config) and shared by the domains
// that have it (baishan-provider.ts PlanMemo.diff); these tests pin what must stay per domain.
// plan() is pure over the live data it is given, so no client is needed here (the e2e tests
// cover read and execute through the emulator).

const at = { file: 'x.yaml', line: 1, column: 1 };
const noClient = () => {
  throw new Error('plan() makes no call');
};

function domain(name: string, config: Record<string, DesiredValue>, exclusive = false): BaishanDomainDesired {
  return { domain: name, exclusive, config, source: at, keySources: {} };
}

function planFor(
  desired: BaishanDomainDesired[],
  live: Record<string, Record<string, unknown>>,
  settings = DEFAULT_BAISHAN_SETTINGS,
) {
  const provider = new BaishanProvider(
    {
      baishan: { domains: desired },
      settings: { baishan: settings, gaap: { rateLimitPerSecond: 20 } },
    },
    noClient as never,
    process.cwd(),
  );
  const domains = new Map<string, BaishanDomainConfig>(
    Object.entries(live).map(([d, config], i) => [d, { domain: d, domainId: String(i + 1), config }]),
  );
  const data = { provider: 'baishan', data: { domains }, calls: 0, warnings: [] };
  return { provider, data, plan: provider.plan(data) };
}

describe('Baishan plan: shared work, per-domain results', () => {
  const shared = Object.freeze({
    origin: Object.freeze({ default_master: 'o.example.net', origin_mode: 'http' }),
    range_back_source: 'off',
  }) as Record<string, DesiredValue>;

  it('domains sharing a config and an equal live config each get their own change, warning and id', () => {
    const names = ['a.example.com', 'b.example.com', 'c.example.com'];
    // Live: the origin differs from the YAML, and a removable-less key is present on exclusive domains.
    const liveConfig = () => ({
      origin: { default_master: 'old.example.net', origin_mode: 'http' },
      range_back_source: 'off',
      referer: { type: 1, list: ['x.example.com'], allow_empty: true },
    });
    const { plan } = planFor(
      names.map((n) => domain(n, shared, true)),
      Object.fromEntries(names.map((n) => [n, liveConfig()])),
    );
    expect(plan.changes.map((c) => [c.address, c.kind, c.id])).toEqual(
      names.map((n, i) => [baishanAddress(n), 'update', String(i + 1)]),
    );
    expect(plan.changes.map((c) => c.attributes.map((a) => a.path))).toEqual(names.map(() => ['origin']));
    // Each change owns its attribute records: changing one leaves the others as they were.
    (plan.changes[0]!.attributes[0] as { path: string }).path = 'changed';
    expect(plan.changes[1]!.attributes[0]!.path).toBe('origin');
    // The unremovable live key is warned about once per domain, with that domain's address.
    expect(plan.warnings.map((w) => w.address)).toEqual(names.map(baishanAddress));
    expect(plan.warnings[0]!.message).toMatch(/live key referer is not declared on an exclusive domain/);
    // One POST for the three (identical bodies).
    expect(plan.steps.map((s) => s.payload.domains)).toEqual([names]);
  });

  it('equal live configs share a fingerprint, a different one does not, and fingerprints() agrees with plan()', () => {
    const names = ['a.example.com', 'b.example.com', 'c.example.com'];
    const live = {
      'a.example.com': {
        origin: { default_master: 'o.example.net', origin_mode: 'http' },
        range_back_source: 'off',
      },
      // The same content, keys in another order: the same fingerprint.
      'b.example.com': {
        range_back_source: 'off',
        origin: { origin_mode: 'http', default_master: 'o.example.net' },
      },
      'c.example.com': {
        origin: { default_master: 'p.example.net', origin_mode: 'http' },
        range_back_source: 'off',
      },
    };
    const { provider, data, plan } = planFor(
      names.map((n) => domain(n, shared)),
      live,
    );
    const fp = plan.liveFingerprints;
    expect(Object.keys(fp)).toEqual(names.map(baishanAddress));
    expect(fp[baishanAddress('a.example.com')]).toBe(fp[baishanAddress('b.example.com')]);
    expect(fp[baishanAddress('c.example.com')]).not.toBe(fp[baishanAddress('a.example.com')]);
    expect(provider.fingerprints(data, names.map(baishanAddress))).toEqual(fp);
    expect(plan.changes.map((c) => c.kind)).toEqual(['no-op', 'no-op', 'update']);
  });

  it('a live value read exactly as declared is equal, save a referer type under the get-doc mapping', () => {
    const referer = { referer: { type: 1, list: ['a.example.com'], allow_empty: true } };
    const live = { 'a.example.com': { referer: { allow_empty: true, list: ['a.example.com'], type: 1 } } };
    const same = planFor([domain('a.example.com', referer)], live);
    expect(same.plan.changes.map((c) => c.kind)).toEqual(['no-op']);
    // NOTE (C1): under get-doc, a live type 1 reads as whitelist, the declared 1 is blacklist.
    const flipped = planFor([domain('a.example.com', referer)], live, {
      ...DEFAULT_BAISHAN_SETTINGS,
      refererTypeMapping: 'get-doc',
    });
    expect(flipped.plan.changes.map((c) => c.attributes.map((a) => [a.path, a.before, a.after]))).toEqual([
      [
        [
          'referer',
          { type: 'whitelist', list: ['a.example.com'], allow_empty: true },
          { type: 'blacklist', list: ['a.example.com'], allow_empty: true },
        ],
      ],
    ]);
  });

  it('live fingerprints are computed when first read, under the key of the plan', () => {
    const names = ['a.example.com', 'b.example.com'];
    const live = Object.fromEntries(names.map((n) => [n, { range_back_source: 'off' }]));
    useFingerprintSalt('salt-1', {});
    const { provider, data, plan } = planFor(
      names.map((n) => domain(n, shared)),
      live,
    );
    const under1 = provider.fingerprints(data, names.map(baishanAddress));
    useFingerprintSalt('salt-2', {});
    // Read only now, after another key was set: still the plan's key.
    expect({ ...plan.liveFingerprints }).toEqual(under1);
    expect(provider.fingerprints(data, names.map(baishanAddress))).not.toEqual(under1);
  });

  it('equal declared configs in separate objects plan alike; cache_share is written per domain', () => {
    const config = (): Record<string, DesiredValue> => ({
      cache_share: { share_way: 'inner_share' },
    });
    const names = ['a.example.com', 'b.example.com'];
    const { plan } = planFor(
      names.map((n) => domain(n, config())),
      Object.fromEntries(names.map((n) => [n, {}])),
    );
    expect(plan.changes.map((c) => c.kind)).toEqual(['update', 'update']);
    const bodies = plan.steps.map((s) => [s.payload.domains, s.payload.config]);
    // cache_share names the domain itself (C23): two bodies, one per domain.
    expect(bodies).toHaveLength(2);
    expect(bodies.map(([d]) => d)).toEqual([['a.example.com'], ['b.example.com']]);
  });
});
