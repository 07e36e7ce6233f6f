import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeformEvent } from '../../../src/core/event-types.js';
import type { GaapDesired, ProxyDesired } from '../../../src/model/gaap-desired-types.js';
import { expectApplied, gaapHarness } from './gaap-harness.js';

// 25 proxies with an HTTP listener each: 25 calls of each listener list are more than one 20-call
// window, so the lists take two windows (a 100 ms window here) and the second window's are
// answered well after the first window's.
const PROXIES = 25;
const WINDOW = 100;

let h: Awaited<ReturnType<typeof gaapHarness>>;
beforeAll(async () => {
  h = await gaapHarness({
    rateWindowScale: WINDOW / 1000,
    latencyMs: 20,
    asyncDelayMs: 20,
    callEvents: true,
  });
});
afterAll(async () => {
  await h.close();
});

const proxy = (): ProxyDesired => ({
  accessRegion: 'Shanghai',
  realServerRegion: 'Guangzhou',
  bandwidth: 10,
  concurrent: 2,
  listeners: [{ protocol: 'HTTP', port: 80 }],
});
const estate = (): GaapDesired => ({
  proxies: Object.fromEntries(Array.from({ length: PROXIES }, (_, i) => [`p${i}`, proxy()])),
});

/** When each call of a plan was sent and answered (ms since the first), by action. */
function callTimes(events: readonly EdgeformEvent[], from: number) {
  const calls: { action: string; sent: number; answered: number }[] = [];
  for (const e of events.slice(from)) {
    // One event per attempt: a refused attempt is not a call of its own.
    if (e.kind !== 'api-call' || e.status !== 'ok') continue;
    const answered = (e as EdgeformEvent & { at: number }).at;
    calls.push({ action: e.action, sent: answered - e.durationMs, answered });
  }
  const t0 = Math.min(...calls.map((c) => c.sent));
  return calls.map((c) => ({ ...c, sent: c.sent - t0, answered: c.answered - t0 }));
}

describe('GAAP plan reads overlap where the API allows', () => {
  it('starts the proxies list with the first stage and each listener’s DescribeRules when its list is read', async () => {
    expectApplied((await h.apply('overlap', estate())).result);
    await new Promise((r) => setTimeout(r, 2 * WINDOW));
    // Stamp each event with its arrival: an api-call event comes with the answer.
    const stamp = h.events.push.bind(h.events);
    h.events.push = (...es: EdgeformEvent[]) => stamp(...es.map((e) => ({ ...e, at: performance.now() })));
    const from = h.events.length;
    const { plan, readCalls } = await h.plan('overlap', estate());
    h.events.push = stamp;
    expect(plan.changes.every((c) => c.kind === 'no-op')).toBe(true);
    const calls = callTimes(h.events, from);
    // The same calls as stage by stage (the read economy is unchanged): one list per kind and
    // proxy, one DescribeRules per HTTP listener.
    expect(readCalls).toBe(calls.length);
    const of = (action: string) => calls.filter((c) => c.action === action);
    expect(of('DescribeRules')).toHaveLength(PROXIES);
    expect(of('DescribeHTTPListeners')).toHaveLength(PROXIES);
    // The proxies list went out beside the real servers' and groups' lists, not after them.
    const firstStage = [...of('DescribeRealServers'), ...of('DescribeProxyGroupList')];
    expect(of('DescribeProxies')[0]!.sent).toBeLessThan(Math.min(...firstStage.map((c) => c.answered)));
    // Listeners of the first window had their DescribeRules sent before the second window's
    // listener lists were answered (stage by stage: none; 16 of 25 in a quiet run).
    const lastList = Math.max(...of('DescribeTCPListeners').map((c) => c.answered));
    const rulesSent = of('DescribeRules').map((c) => c.sent);
    expect(rulesSent.filter((t) => t < lastList).length).toBeGreaterThanOrEqual(5);
  });

  it('starts a proxy’s listener lists when the proxies’ page answers, the HTTP/HTTPS lists first', async () => {
    // 60 real servers: two pages of 50, the second asked for once the first answers, so the first
    // stage ends one round trip after the proxies' page (one page) has named every proxy.
    const realServers = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`rs${i}`, { address: `198.51.100.${i + 1}` }]),
    );
    const mixed = (): ProxyDesired => ({
      ...proxy(),
      listeners: [
        { protocol: 'TCP', port: 22, realServers: [{ realServer: 'rs0', port: 22 }] },
        { protocol: 'HTTP', port: 80 },
      ],
    });
    const early = (): GaapDesired => ({
      realServers,
      proxies: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`p${i}`, mixed()])),
    });
    expectApplied((await h.apply('early', early())).result);
    await new Promise((r) => setTimeout(r, 2 * WINDOW));
    const stamp = h.events.push.bind(h.events);
    h.events.push = (...es: EdgeformEvent[]) => stamp(...es.map((e) => ({ ...e, at: performance.now() })));
    const from = h.events.length;
    const { plan, readCalls } = await h.plan('early', early());
    h.events.push = stamp;
    expect(plan.changes.every((c) => c.kind === 'no-op')).toBe(true);
    const calls = callTimes(h.events, from);
    expect(readCalls).toBe(calls.length);
    const of = (action: string) => calls.filter((c) => c.action === action);
    expect(of('DescribeRealServers')).toHaveLength(2);
    const lists = ['HTTP', 'HTTPS', 'TCP', 'UDP'].map((p) => of(`Describe${p}Listeners`));
    for (const l of lists) expect(l).toHaveLength(5);
    // The lists went out before the real servers' second page was answered (stage by stage:
    // after it), each kind's first one beside the second page, a round trip before its answer.
    const firstStageEnd = Math.max(...of('DescribeRealServers').map((c) => c.answered));
    for (const l of lists) expect(Math.min(...l.map((c) => c.sent))).toBeLessThan(firstStageEnd);
    // The lists that lead to more reads (DescribeRules) went out before the TCP and UDP lists.
    // (A call's duration is in the client's whole milliseconds: its send time is known to 1 ms.)
    const [http, https, tcp, udp] = lists.map((l) => l.map((c) => c.sent));
    expect(Math.max(...http!, ...https!)).toBeLessThan(Math.min(...tcp!, ...udp!) + 1);
  });
});
