// Lower bounds on wall time that the vendors' rate limits and the per-call latency impose on a
// given set of calls. Every bound here is a true lower bound: it drops constraints (connection
// counts, local work), never adds any. See README.md for the reasoning.
import { DOC } from './estates.mjs';

/**
 * Calls in phases (a phase starts when the previous one has answered), all counted against one
 * sliding-window budget of `limit` starts per `windowMs`, each taking `latencyMs`. Returns when
 * each phase ends at the earliest. A client cannot see where the server's fixed window starts, so
 * the sliding window is what it must respect (both vendors document "N per minute/second").
 */
export function slidingWindowPhases(phases, { limit, windowMs, latencyMs }) {
  const starts = [];
  let barrier = 0;
  const ends = [];
  for (const n of phases) {
    let last = barrier;
    for (let i = 0; i < n; i++) {
      const k = starts.length;
      const t = Math.max(barrier, k >= limit ? starts[k - limit] + windowMs : 0);
      starts.push(t);
      last = Math.max(last, t + latencyMs);
    }
    barrier = n > 0 ? last : barrier;
    ends.push(barrier);
  }
  return ends;
}

/** `n` calls of one action: ceil(n/limit) windows, the last call answered one latency later. */
export function perActionBound(n, limit, windowMs, latencyMs) {
  if (n <= 0) return 0;
  return (Math.ceil(n / limit) - 1) * windowMs + latencyMs;
}

const gaapLimit = (action) => DOC.gaapRateOverrides[action] ?? DOC.gaapPerSecond;

/**
 * GAAP plan read: the kinds read in stages (groups and real servers, then proxies, then each
 * proxy's listeners). Within a stage: pages of one list are sequential, lists run side by side,
 * and each action's calls fit its rate. `pagesByAction` and `chains` describe the calls made.
 */
export function gaapReadBound(stages, { windowMs, latencyMs }) {
  let total = 0;
  for (const stage of stages) {
    let t = 0;
    for (const chain of stage.chains) t = Math.max(t, chain * latencyMs);
    for (const [action, n] of Object.entries(stage.byAction)) {
      t = Math.max(t, perActionBound(n, gaapLimit(action), windowMs, latencyMs));
    }
    total += t;
  }
  return total;
}

/**
 * GAAP execution: the longest path through the plan's step graph, each step lasting its calls'
 * latency plus, when it waits for an asynchronous state, max(latency, asyncDelay) for one status
 * poll sent just when the state can have changed; and, independently, each action's calls (one
 * poll per wait) fitted into its rate. The bound is the larger of the two.
 */
export function gaapExecBound(steps, { windowMs, latencyMs, asyncDelayMs }) {
  const finish = new Map();
  const byAction = {};
  let critical = 0;
  for (const s of steps) {
    const p = s.payload ?? {};
    const calls = p.calls ?? [];
    for (const c of calls) byAction[c.action] = (byAction[c.action] ?? 0) + 1;
    if (p.wait) byAction[p.wait.action] = (byAction[p.wait.action] ?? 0) + 1;
    const dur = calls.length * latencyMs + (p.wait ? Math.max(latencyMs, asyncDelayMs) : 0);
    const start = Math.max(0, ...s.dependsOn.map((d) => finish.get(d) ?? 0));
    finish.set(s.id, start + dur);
    critical = Math.max(critical, start + dur);
  }
  let rate = 0;
  let rateAction = '';
  for (const [action, n] of Object.entries(byAction)) {
    const b = perActionBound(n, gaapLimit(action), windowMs, latencyMs);
    if (b > rate) {
      rate = b;
      rateAction = action;
    }
  }
  return { bound: Math.max(critical, rate), critical, rate, rateAction, byAction };
}
