import { describe, expect, it } from 'vitest';
import { makeColors } from '../../src/cli/colors.js';
import { groupChanges } from '../../src/cli/render/change-groups.js';
import { renderPlanText } from '../../src/cli/render/plan-text.js';
import { liveNames, stepSummary } from '../../src/cli/render/step-names.js';
import { attributePatch, withPatches } from '../../src/planner/attribute-patch.js';
import { leafChanges } from '../../src/planner/display-values.js';
import { summarize } from '../../src/planner/plan-summary.js';
import type { Plan, ResourceChange } from '../../src/planner/plan-types.js';

const plain = makeColors(false);

function plan(changes: ResourceChange[], steps: Plan['steps'] = []): Plan {
  return {
    formatVersion: '1.0',
    tool: { name: 'edgeform', version: '0.0.0' },
    createdAt: '2026-01-01T00:00:00.000Z',
    stack: 's',
    sources: [],
    partial: false,
    targets: [],
    changes,
    steps,
    summary: summarize(changes),
    warnings: [],
    liveFingerprints: {},
  };
}

const domain = (name: string, attributes: ResourceChange['attributes']): ResourceChange => ({
  kind: 'update',
  address: `baishan.domain["${name}"]`,
  provider: 'baishan',
  type: 'baishan_domain',
  attributes,
});

describe('list changes read as the element that changed', () => {
  it('a weight 70 → 50 inside a list of bindings is one line', () => {
    const before = [
      { realServer: 'gaap.real_server["web-1"]', port: 80, weight: 70 },
      { realServer: 'gaap.real_server["web-2"]', port: 80, weight: 30 },
    ];
    const after = [{ ...before[0]!, weight: 50 }, before[1]!];
    expect(attributePatch(before, after)).toEqual([{ op: 'replace', path: '/0/weight', value: 50 }]);
    expect(leafChanges({ path: 'realServers', before, after })).toEqual([
      { path: 'realServers[0].weight', op: '~', before: '70', after: '50', forcesReplacement: false },
    ]);
  });

  it('plain lists are sets: what is added and what is removed', () => {
    const lines = leafChanges({
      path: 'referer.list',
      before: ['a.com', 'b.com'],
      after: ['b.com', 'c.com'],
    });
    expect(lines.map((l) => [l.op, l.path, l.before ?? l.after])).toEqual([
      ['-', 'referer.list[]', '"a.com"'],
      ['+', 'referer.list[]', '"c.com"'],
    ]);
  });

  it('the JSON plan carries the RFC 6902 operations; scalars and whole additions carry none', () => {
    const [c] = withPatches([
      domain('a.com', [
        { path: 'referer', before: { list: ['a'] }, after: { list: ['a', 'b'] } },
        { path: 'timeout', after: { time: '30' } },
        { path: 'range_back_source', before: 'on', after: 'off' },
      ]),
    ]);
    expect(c!.attributes.map((a) => a.patch)).toEqual([
      [{ op: 'add', path: '/list/1', value: 'b' }],
      undefined,
      undefined,
    ]);
  });
});

describe('identical changes on many objects are shown once', () => {
  const changes = [
    ...['a.com', 'b.com', 'c.com'].map((d) =>
      domain(d, [
        { path: 'timeout', before: { time: '10' }, after: { time: '30' } },
        { path: 'origin', after: { default_master: d === 'c.com' ? '192.0.2.2' : '192.0.2.1' } },
      ]),
    ),
  ];

  it('groups lines by the objects they apply to, shared lines first', () => {
    const [g] = groupChanges(changes);
    expect(g!.objects.map((o) => o.name)).toEqual(['a.com', 'b.com', 'c.com']);
    expect(
      g!.blocks.map((b) => [b.objects.map((o) => o.name), b.leaves.map((l) => `${l.path}=${l.after}`)]),
    ).toEqual([
      [['a.com', 'b.com', 'c.com'], ['timeout.time="30"']],
      [['a.com', 'b.com'], ['origin.default_master="192.0.2.1"']],
      [['c.com'], ['origin.default_master="192.0.2.2"']],
    ]);
  });

  it('renders one headline, each line once, under the domains it applies to', () => {
    const text = renderPlanText(plan(changes), plain);
    expect(text).toContain('# 3 baishan.domain objects will be updated in place');
    expect(text.match(/timeout\.time/g)).toHaveLength(1);
    expect(text).toContain('# all 3');
    expect(text).toContain('# 2: a.com, b.com');
    expect(text).toContain('# 1: c.com');
  });

  it('heads a group of objects under several parents with what their addresses share', () => {
    const listener = (address: string): ResourceChange => ({
      kind: 'create',
      address,
      provider: 'gaap',
      type: 'gaap_l4_listener',
      attributes: [{ path: 'scheduler', after: '"rr"' }],
    });
    const proxies = [
      listener('gaap.proxy["a"].listener["TCP:80"]'),
      listener('gaap.proxy["b"].listener["TCP:80"]'),
    ];
    const group = listener('gaap.proxy_group["g"].listener["TCP:80"]');
    expect(groupChanges(proxies)[0]!.addressType).toBe('gaap.proxy[*].listener');
    expect(groupChanges([...proxies, group])[0]!.addressType).toBe('gaap_l4_listener');
    expect(groupChanges([proxies[0]!, listener('gaap.proxy["a"].listener["TCP:81"]')])[0]!.addressType).toBe(
      'gaap.proxy["a"].listener',
    );
    expect(renderPlanText(plan([...proxies, group]), plain)).toContain(
      '# 3 gaap_l4_listener objects will be created',
    );
  });

  it('keeps objects with nothing in common apart, each with its live ID', () => {
    const apart = [
      { ...domain('a.com', [{ path: 'timeout', after: { time: '30' } }]), id: '101' },
      { ...domain('b.com', [{ path: 'timeout', after: { time: '60' } }]), id: '102' },
    ];
    const groups = groupChanges(apart);
    expect(groups).toHaveLength(2);
    const text = renderPlanText(plan(apart), plain);
    expect(text).toContain('# baishan.domain["a.com"] (101) will be updated in place');
    expect(text).toContain('~ baishan_domain "b.com" {');
  });

  it('a delete lists what is removed', () => {
    const del: ResourceChange = {
      kind: 'delete',
      address: 'gaap.proxy["old"]',
      provider: 'gaap',
      type: 'gaap_proxy',
      id: 'link-te4a3guj',
      attributes: [
        { path: 'ProxyName', before: 'old' },
        { path: 'Bandwidth', before: 10 },
      ],
    };
    const text = renderPlanText(plan([del]), plain);
    expect(text).toContain('# gaap.proxy["old"] (link-te4a3guj) will be destroyed');
    expect(text).toMatch(/- ProxyName\s+= "old"/);
    expect(text).toMatch(/- Bandwidth\s+= 10/);
  });
});

describe('steps name objects by their logical names, the live ID beside', () => {
  it('replaces a known live ID with `name (id)`, once', () => {
    const names = liveNames(
      plan([
        {
          kind: 'delete',
          address: 'gaap.proxy["app-east"]',
          provider: 'gaap',
          type: 'gaap_proxy',
          id: 'link-te4a3guj',
          attributes: [],
        },
      ]),
    );
    expect(stepSummary({ summary: 'DestroyProxies link-te4a3guj' }, names)).toBe(
      'DestroyProxies app-east (link-te4a3guj)',
    );
    expect(stepSummary({ summary: 'CloseProxies app-east (link-te4a3guj)' }, names)).toBe(
      'CloseProxies app-east (link-te4a3guj)',
    );
    expect(stepSummary({ summary: 'CreateProxy app-west' }, names)).toBe('CreateProxy app-west');
  });
});

describe('the price of new proxies', () => {
  const proxy = (name: string, price: ResourceChange['price']): ResourceChange => ({
    kind: 'create',
    address: `gaap.proxy["${name}"]`,
    provider: 'gaap',
    type: 'gaap_proxy',
    attributes: [{ path: 'bandwidth', after: 10 }],
    ...(price ? { price } : {}),
  });

  it('lists each priced proxy and the total per currency, before the Plan: line', () => {
    const text = renderPlanText(
      plan([
        proxy('a', { currency: 'CNY', perDay: 21, base: 9, bandwidth: 12 }),
        proxy('b', { currency: 'CNY', perDay: 80.64, base: 80.64, perGB: 0.8 }),
        proxy('c', { currency: 'USD', perDay: 3.5, base: 1.5, bandwidth: 2 }),
        proxy('d', undefined),
      ]),
      plain,
    );
    expect(text).toContain(
      [
        'New proxies, list price (InquiryPriceCreateProxy):',
        '  gaap.proxy["a"]  +¥21/day',
        '  gaap.proxy["b"]  +¥80.64/day + ¥0.80/GB',
        '  gaap.proxy["c"]  +$3.50/day',
        '  total            +¥101.64/day, +$3.50/day',
        '',
        'Plan: 4 to add, 0 to change, 0 to destroy.',
      ].join('\n'),
    );
  });

  it('a plan without a priced create shows no price block', () => {
    expect(renderPlanText(plan([proxy('d', undefined)]), plain)).not.toContain('list price');
  });
});
