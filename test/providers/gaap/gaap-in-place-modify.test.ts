import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GaapDesired } from '../../../src/model/gaap-desired-types.js';
import { changed, expectApplied, gaapHarness } from './gaap-harness.js';

/**
 * Changes the API makes in place (issue 15 item 7): a DNS record's country list
 * (ModifyGlobalDomainDns), a security rule's source, protocol, ports and action
 * (ModifySecurityRule), a rule's path (ModifyRuleAttribute). Each plans one update, applies and
 * re-plans to no changes, and the object keeps its ID.
 */
let h: Awaited<ReturnType<typeof gaapHarness>>;
beforeAll(async () => {
  h = await gaapHarness({ asyncDelayMs: 20 });
});
afterAll(() => h.close());

const proxy = (extra: object = {}) => ({
  accessRegion: 'EastChina',
  realServerRegion: 'SouthChina',
  bandwidth: 10,
  concurrent: 2,
  ...extra,
});

async function converges(stack: string, model: GaapDesired, action: string) {
  const { plan } = await h.plan(stack, model);
  const updates = changed(plan);
  expect(updates.map((c) => c.kind)).toEqual(['update']);
  expect(plan.steps.map((s) => s.action)).toEqual([action]);
  const id = plan.changes.find((c) => c.kind === 'update')!.id;
  expectApplied((await h.apply(stack, model)).result);
  const again = await h.plan(stack, model);
  expect(changed(again.plan)).toEqual([]);
  expect(again.plan.changes.find((c) => c.address === updates[0]!.address)?.id).toBe(id);
}

describe('changes made in place instead of delete + create', () => {
  it("a DNS record's country list: ModifyGlobalDomainDns", async () => {
    const model = (countries: string[]): GaapDesired => ({
      proxies: { cn: proxy() },
      globalDomains: {
        video: { defaultValue: 'origin.example.net', dns: [{ proxies: ['cn'], countries }] },
      },
    });
    expectApplied((await h.apply('dns', model(['101001']))).result);
    await converges('dns', model(['101001', '101002']), 'ModifyGlobalDomainDns');
  });

  it("a security rule's source and ports: ModifySecurityRule", async () => {
    const model = (cidr: string, ports: string): GaapDesired => ({
      proxies: {
        game: proxy({
          securityPolicy: {
            defaultAction: 'ACCEPT',
            rules: [
              { name: 'office', cidr, action: 'ACCEPT', protocol: 'TCP', ports },
              { name: 'bots', cidr: '192.0.2.0/24', action: 'DROP' },
            ],
          },
        }),
      },
    });
    expectApplied((await h.apply('sec', model('203.0.113.0/24', '80'))).result);
    await converges('sec', model('203.0.113.0/25', '80,443'), 'ModifySecurityRule');
  });

  it("a rule's path: ModifyRuleAttribute", async () => {
    const model = (path: string): GaapDesired => ({
      realServers: { origin: { address: '198.51.100.7' } },
      proxies: {
        web: proxy({
          listeners: [
            {
              protocol: 'HTTP',
              port: 80,
              domains: [
                {
                  domain: 'www.example.com',
                  rules: [
                    { path: '/static', realServers: [{ realServer: 'origin', port: 8080 }] },
                    { path, realServers: [{ realServer: 'origin', port: 8081 }] },
                  ],
                },
              ],
            },
          ],
        }),
      },
    });
    expectApplied((await h.apply('path', model('/api'))).result);
    await converges('path', model('/api/v2'), 'ModifyRuleAttribute');
  });
});

describe('a security policy declared closed', () => {
  it('is created closed, opened and closed again in place, converging each time', async () => {
    const model = (enabled: boolean): GaapDesired => ({
      proxies: {
        shut: proxy({
          securityPolicy: {
            defaultAction: 'DROP',
            enabled,
            rules: [{ cidr: '203.0.113.0/24', action: 'ACCEPT' }],
          },
        }),
      },
    });
    const created = await h.apply('closed', model(false));
    expectApplied(created.result);
    expect(created.plan.steps.flatMap((s) => s.action.split(' + '))).not.toContain('OpenSecurityPolicy');
    expect(changed((await h.plan('closed', model(false))).plan)).toEqual([]);
    for (const [enabled, action] of [
      [true, 'OpenSecurityPolicy'],
      [false, 'CloseSecurityPolicy'],
    ] as const) {
      const { plan } = await h.plan('closed', model(enabled));
      expect(plan.steps.map((s) => s.action)).toEqual([action]);
      expectApplied((await h.apply('closed', model(enabled))).result);
      expect(changed((await h.plan('closed', model(enabled))).plan)).toEqual([]);
    }
  });
});
