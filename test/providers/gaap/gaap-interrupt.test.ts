import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GaapDesired } from '../../../src/model/gaap-desired-types.js';
import { changed, expectApplied, gaapHarness } from './gaap-harness.js';

// Ctrl-C while GAAP steps wait for asynchronous states, through the emulator over real HTTP: the
// calls in flight finish, the waits are abandoned and reported as such, nothing else starts, and
// the next plan shows exactly what was left undone.
let h: Awaited<ReturnType<typeof gaapHarness>>;
const DELAY_MS = 1_000;
beforeAll(async () => {
  // 200 ms a call: a write is still in flight when the interrupt comes.
  h = await gaapHarness({ asyncDelayMs: DELAY_MS, rateWindowScale: 0.1, latencyMs: 200 });
});
afterAll(async () => {
  await h.close();
});

const PROXIES = 3;
function estate(): GaapDesired {
  const proxies: GaapDesired['proxies'] = {};
  for (let i = 0; i < PROXIES; i++) {
    proxies[`p${i}`] = {
      accessRegion: 'SouthChina',
      realServerRegion: 'NorthAmerica',
      bandwidth: 10,
      concurrent: 2,
      listeners: [
        { protocol: 'TCP', port: 9000, realServers: [{ realServer: i === 0 ? 'a' : 'b', port: 80 }] },
      ],
    };
  }
  return { realServers: { a: { address: '203.0.113.61' }, b: { address: '203.0.113.62' } }, proxies };
}

describe('Ctrl-C while GAAP steps wait', () => {
  it('lets calls in flight finish, abandons and reports the waits, and the next plan shows exactly the rest', async () => {
    const controller = new AbortController();
    const started = new Set<string>();
    const inFlight = new Set<string>();
    let waiting = 0;
    let inFlightAtInterrupt: string[] = [];
    const interrupt = () => {
      if (controller.signal.aborted || waiting < PROXIES || inFlight.size === 0) return;
      inFlightAtInterrupt = [...inFlight];
      controller.abort(new Error('interrupted by SIGINT'));
    };
    // Three slots: the proxies (heading the longest chains) take them first; as they go waiting,
    // the real servers' creates (200 ms a call) take the slots. The interrupt comes once every
    // proxy waits, while such a create is in flight.
    const { plan, result } = await h.apply('interrupt', estate(), {
      parallelism: PROXIES,
      onEvent: (e) => {
        if (e.kind === 'step-start') {
          started.add(e.stepId);
          inFlight.add(e.stepId);
        }
        if (e.kind === 'step-done' || e.kind === 'step-failed') inFlight.delete(e.stepId);
        if (e.kind === 'step-wait' && e.lastSeen === undefined) {
          inFlight.delete(e.stepId);
          waiting++;
        }
        setTimeout(interrupt, 0);
      },
      signal: controller.signal,
    });
    expect(result.interrupted).toBe(true);
    const byAction = (action: string) => result.steps.filter((s) => s.action === action);
    // The creates in flight at the interrupt were answered and are done, not cut off.
    expect(inFlightAtInterrupt.length).toBeGreaterThan(0);
    for (const id of inFlightAtInterrupt) {
      const s = result.steps.find((x) => x.id === id)!;
      expect(s.action).toBe('AddRealServers');
      expect(s.state).toBe('done');
    }
    // Each proxy's create was sent; its wait was abandoned and reported as such.
    const proxies = byAction('CreateProxy');
    expect(proxies).toHaveLength(PROXIES);
    for (const p of proxies) {
      expect(p.state).toBe('failed');
      expect(p.error?.code).toBe('WAIT_ABANDONED');
      expect(p.error?.message).toMatch(
        /^interrupted while waiting for .*; the change was sent and may still complete$/,
      );
    }
    const failedEvents = h.events.filter((e) => e.kind === 'step-failed' && e.code === 'WAIT_ABANDONED');
    expect(failedEvents).toHaveLength(PROXIES);
    // Nothing else ran: every other step was skipped before it started, and nothing is left running.
    for (const s of result.steps) {
      expect(['done', 'failed', 'skipped']).toContain(s.state);
      if (s.state === 'skipped') expect(started.has(s.id)).toBe(false);
    }
    expect(result.done + result.failed + result.skipped).toBe(plan.steps.length);

    // The next plan shows exactly what the interrupted run left undone: the objects of the steps
    // that never started. The proxies whose creates were sent exist, and are not planned again.
    const next = await h.plan('interrupt', estate());
    const rest = new Set(result.steps.filter((s) => s.state === 'skipped').flatMap((s) => s.addresses));
    const sent = new Set(result.steps.filter((s) => s.state !== 'skipped').flatMap((s) => s.addresses));
    const expected = [...rest].filter((a) => !sent.has(a)).sort();
    expect(
      changed(next.plan)
        .map((c) => c.address)
        .sort(),
    ).toEqual(expected);
    expect(changed(next.plan).every((c) => c.kind === 'create')).toBe(true);

    // Once the proxies run, the next apply completes the estate and nothing remains.
    await new Promise((r) => setTimeout(r, DELAY_MS));
    const again = await h.apply('interrupt', estate());
    expectApplied(again.result);
    expect(changed((await h.plan('interrupt', estate())).plan)).toEqual([]);
  });
});
