import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { code, orderEdges, renderPlanMarkdown } from '../../src/cli/render/plan-markdown.js';
import { summarize } from '../../src/planner/plan-summary.js';
import type { Plan, PlanStep, ResourceChange } from '../../src/planner/plan-types.js';

const IMG = 'baishan.domain["img.example.com"]';
const WWW = 'baishan.domain["www.example.com"]';
const PROXY = 'gaap.proxy["edge-old"]';
const LISTENER = 'gaap.proxy["edge-new"].listener["tcp-443"]';

const longList = Array.from({ length: 60 }, (_, i) => `198.51.100.${i}`);

const changes: ResourceChange[] = [
  {
    kind: 'update',
    address: IMG,
    provider: 'baishan',
    type: 'baishan_domain',
    id: '1001',
    attributes: [
      {
        path: 'referer',
        before: { type: 2, list: ['a.example.com'] },
        after: { type: 2, list: ['b.example.com'] },
      },
      { path: 'ip_black_list', before: { list: ['192.0.2.1'] }, after: { list: longList } },
      {
        path: 'add_response_head',
        after: { list: [{ name: 'X-Pipe', value: 'a|b `tick` <script>alert(1)</script>' }] },
      },
      { path: 'visit_timestamp', after: { key: { $sensitive: true }, pattern: '.*' }, sensitive: true },
    ],
  },
  {
    kind: 'update',
    address: WWW,
    provider: 'baishan',
    type: 'baishan_domain',
    attributes: [{ path: 'timeout', before: { time: '10' }, after: { time: '30' } }],
  },
  {
    kind: 'create',
    address: LISTENER,
    provider: 'gaap',
    type: 'gaap_tcp_listener',
    attributes: [
      { path: 'Port', after: 443 },
      { path: 'ListenerId', after: { $knownAfterApply: true } },
    ],
  },
  {
    kind: 'delete',
    address: PROXY,
    provider: 'gaap',
    type: 'gaap_proxy',
    id: 'link-abc123',
    reason: 'removed from the YAML',
    attributes: [{ path: 'ProxyName', before: 'edge-old' }],
  },
  {
    kind: 'no-op',
    address: 'baishan.domain["same.example.com"]',
    provider: 'baishan',
    type: 'baishan_domain',
    attributes: [],
  },
];

function step(
  partial: Partial<PlanStep> & Pick<PlanStep, 'id' | 'action' | 'summary' | 'addresses'>,
): PlanStep {
  return { provider: 'p', operation: 'update', dependsOn: [], destructive: false, payload: null, ...partial };
}

const steps: PlanStep[] = [
  step({
    id: 'baishan.post.1',
    action: 'POST domain/config',
    summary: 'POST domain/config img.example.com: referer, ip_black_list, add_response_head, visit_timestamp',
    addresses: [IMG],
  }),
  step({
    id: 'baishan.post.2',
    action: 'POST domain/config',
    summary: 'POST domain/config www.example.com: timeout',
    addresses: [WWW],
  }),
  step({
    id: 'gaap.create.listener',
    action: 'CreateTCPListeners',
    summary: 'CreateTCPListeners tcp-443 | port 443 on `edge-new`',
    addresses: [LISTENER],
    operation: 'create',
  }),
  step({
    id: 'gaap.delete.proxy',
    action: 'DestroyProxies',
    summary: 'DestroyProxies edge-old (link-abc123)',
    addresses: [PROXY],
    operation: 'delete',
    destructive: true,
    dependsOn: ['gaap.create.listener'],
  }),
];

const PLAN: Plan = {
  formatVersion: '1.0',
  tool: { name: 'edgeform', version: 'test' },
  createdAt: '2026-01-01T00:00:00.000Z',
  stack: 'media-prod',
  sources: ['edgeform.yaml'],
  partial: false,
  targets: [],
  changes,
  steps,
  summary: summarize(changes),
  warnings: [{ address: WWW, message: 'live key user_agent is not declared | left as is' }],
  liveFingerprints: {},
};

const html = (md: string) => marked.parse(md, { async: false }) as string;

/** The rows of the first table of `h` as arrays of cell HTML. */
function firstTable(h: string): string[][] {
  const table = /<table>([\s\S]*?)<\/table>/.exec(h)![1]!;
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)![1]!;
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!),
  );
}

describe('renderPlanMarkdown, as GitHub-flavoured Markdown rendered by marked', () => {
  const md = renderPlanMarkdown(PLAN);
  const h = html(md);

  it('starts with the stack and the summary counts', () => {
    expect(h).toContain('<h3>edgeform plan for <code>media-prod</code></h3>');
    expect(h).toMatch(
      /<strong>Plan:<\/strong> 1 to add, 2 to change, 1 to destroy — 4 API calls, <strong>⚠️ 1 destructive<\/strong>\./,
    );
    expect(h).toContain('<blockquote>');
    expect(h).toContain(
      '<code>baishan.domain[&quot;www.example.com&quot;]</code>: live key user_agent is not declared | left as is',
    );
  });

  it('lists the steps in plan order in a table, numbered, with what each does and what it waits for', () => {
    const rows = firstTable(h);
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4']);
    expect(rows.map((r) => r[1]!.replace(/<[^>]+>/g, '').replace('⚠️ ', ''))).toEqual([
      'POST domain/config',
      'POST domain/config',
      'CreateTCPListeners',
      'DestroyProxies',
    ]);
    expect(rows[1]![2]).toBe('<code>www.example.com: timeout</code>');
    // `|` and backticks in a summary stay inside their cell.
    expect(rows[2]).toHaveLength(5);
    expect(rows[2]![2]).toBe('<code>tcp-443 | port 443 on `edge-new`</code>');
    expect(rows[3]![4]).toBe('3');
    expect(rows[0]![4]).toBe('—');
  });

  it('highlights destructive steps, and only them', () => {
    const rows = firstTable(h);
    expect(rows[3]![1]).toBe('⚠️ <strong><code>DestroyProxies</code></strong>');
    for (const r of rows.slice(0, 3)) expect(r[1]).not.toContain('⚠️');
  });

  it('collapses the per-object changes in a <details> block, with values in code spans', () => {
    expect(h).toMatch(/<details><summary>Changes per object<\/summary>/);
    expect(h).not.toMatch(/<details open/);
    const details = /<details>([\s\S]*?)<\/details>/.exec(h)![1]!;
    for (const a of [IMG, WWW, PROXY, LISTENER]) expect(details).toContain(a.replace(/"/g, '&quot;'));
    expect(details).not.toContain('same.example.com');
    expect(details).toContain('<strong>🔴 delete</strong>');
    expect(details).toContain('<em>removed from the YAML</em>');
    expect(details).toContain('(sensitive)');
    expect(details).toContain('(known after apply)');
    // A value holding `|`, backticks and HTML: one cell, shown literally, never live HTML.
    const row = [...details.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .map((r) => r[1]!)
      .find((r) => r.includes('X-Pipe'))!;
    expect([...row.matchAll(/<td/g)]).toHaveLength(3);
    expect(row).toContain('a|b `tick` &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(h).not.toContain('<script>');
    // A long value is shortened in the comment (the saved plan keeps it whole).
    expect(details).toMatch(/&quot;198\.51\.100\.0&quot;,[^<]*… \(\d+ more characters\)<\/code>/);
  });

  it('ends with a Mermaid diagram of the order, destructive steps outlined', () => {
    expect(h).toContain('<code class="language-mermaid">graph TD');
    const block = /```mermaid\n([\s\S]*?)```/.exec(md)![1]!;
    expect(block).toContain('s1["1. POST domain/config (1 object)"]');
    expect(block).toContain('s4["4. DestroyProxies (1 object) ⚠️"]');
    expect(block).toContain('s3 --> s4');
    expect(block).toContain('style s4 stroke:#d00');
  });

  it('matches the snapshot', async () => {
    await expect(md).toMatchFileSnapshot('./__snapshots__/plan-markdown.md');
  });

  it('says when the plan is partial', () => {
    const partial = html(renderPlanMarkdown({ ...PLAN, partial: true, targets: [IMG] }));
    expect(partial).toMatch(
      /<strong>Partial plan<\/strong>, limited to <code>baishan\.domain\[&quot;img\.example\.com&quot;\]<\/code>/,
    );
  });

  it('says "No changes." when there are none', () => {
    const none = renderPlanMarkdown({
      ...PLAN,
      changes: [changes[4]!],
      steps: [],
      summary: summarize([changes[4]!]),
      warnings: [],
    });
    expect(html(none)).toContain('<strong>No changes.</strong> Live state matches the desired state.');
    expect(none).not.toContain('<details>');
  });

  it('stays under the comment budget: details are cut with a pointer to the saved plan', () => {
    const many: ResourceChange[] = Array.from({ length: 400 }, (_, i) => ({
      kind: 'update',
      address: `baishan.domain["d${i}.example.com"]`,
      provider: 'baishan',
      type: 'baishan_domain',
      attributes: [
        // A different address each: nothing to group.
        {
          path: 'ip_white_list',
          before: { list: longList },
          after: { list: [...longList, `203.0.${Math.floor(i / 250)}.${i % 250}`] },
        },
      ],
    }));
    const big: Plan = {
      ...PLAN,
      changes: many,
      summary: summarize(many),
      warnings: [],
      steps: Array.from({ length: 40 }, (_, i) =>
        step({
          id: `b${i}`,
          action: 'POST domain/config',
          summary: `POST domain/config 10 domains: ip_white_list`,
          addresses: many.slice(i * 10, i * 10 + 10).map((c) => c.address),
          dependsOn: i === 0 ? [] : [`b${i - 1}`],
        }),
      ),
    };
    const out = renderPlanMarkdown(big, { maxChars: 20_000 });
    expect(out.length).toBeLessThanOrEqual(20_000);
    expect(out).toMatch(/… and \d+ more objects: the comment is cut to fit/);
    expect(out).toContain('```mermaid');
    expect(html(out)).toContain('</details>');
    const noDiagram = renderPlanMarkdown(big, { maxDiagramSteps: 10 });
    expect(noDiagram).not.toContain('```mermaid');
    expect(noDiagram).toContain('The order diagram is left out of plans with more than 10 steps');
  });

  it('a 1,000-domain change shows each line once with the domain list, and fits one comment whole', () => {
    const domains = Array.from({ length: 1000 }, (_, i) => `d${String(i).padStart(4, '0')}.example.com`);
    const many: ResourceChange[] = domains.map((d, i) => ({
      kind: 'update',
      address: `baishan.domain["${d}"]`,
      provider: 'baishan',
      type: 'baishan_domain',
      id: String(20000 + i),
      attributes: [
        {
          path: 'referer',
          before: { type: 2, list: ['a.example.com'] },
          after: { type: 2, list: ['a.example.com', 'b.example.com'] },
        },
        { path: 'timeout', before: { time: '10' }, after: { time: i < 500 ? '30' : '60' } },
      ],
    }));
    const big: Plan = {
      ...PLAN,
      changes: many,
      summary: summarize(many),
      warnings: [],
      steps: Array.from({ length: 100 }, (_, i) =>
        step({
          id: `b${i}`,
          action: 'POST domain/config',
          summary: `POST domain/config 10 domains (${domains[i * 10]}, …): referer, timeout`,
          addresses: many.slice(i * 10, i * 10 + 10).map((c) => c.address),
        }),
      ),
    };
    const out = renderPlanMarkdown(big);
    expect(out.length).toBeLessThan(65_536);
    expect(out).not.toContain('the comment is cut to fit');
    expect(out).toContain('**🟡 update** 1000 × `baishan.domain`');
    expect(out.match(/\| `referer.list\[\]` \| — \| `"b.example.com"` \|/g)).toHaveLength(1);
    expect(out.match(/`timeout.time`/g)).toHaveLength(2);
    for (const d of domains) expect(out).toContain(`\`${d}\``);
    // No order between the steps: no diagram (it would be 100 boxes and no arrow).
    expect(out).not.toContain('mermaid');
  });

  it('draws the order transitively reduced: a → b → c draws no a → c', () => {
    const s3 = [
      step({ id: 'a', action: 'CreateProxy', summary: 'a', addresses: [PROXY] }),
      step({ id: 'b', action: 'CreateTCPListeners', summary: 'b', addresses: [LISTENER], dependsOn: ['a'] }),
      step({
        id: 'c',
        action: 'BindListenerRealServers',
        summary: 'c',
        addresses: [LISTENER],
        dependsOn: ['a', 'b'],
      }),
    ];
    expect(orderEdges({ steps: s3 })).toEqual([
      [0, 1],
      [1, 2],
    ]);
    const out = renderPlanMarkdown({ ...PLAN, steps: s3 });
    expect(out).toContain('s1 --> s2');
    expect(out).toContain('s2 --> s3');
    expect(out).not.toContain('s1 --> s3');
  });

  it('code spans hold any backtick run', () => {
    expect(html(code('a ``b`` c'))).toContain('<code>a ``b`` c</code>');
    expect(html(code('`x'))).toContain('<code>`x</code>');
  });
});
