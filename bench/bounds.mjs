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
 * The GAAP read floor as a graph: `calls` are [{ action, after }], `after` the index of the call
 * whose answer the call needs (its parent: the proxies' page that names a proxy before that
 * proxy's listener lists, a listener list before that listener's DescribeRules), or -1 for none.
 * The schedule of an ideal reader that sends each call the moment its parent is answered and its
 * action's budget (`limit` starts in any window) allows, each answered `latencyMs` later, calls
 * served in the order they become sendable. Independent kinds and actions overlap; nothing
 * waits for a whole stage. Returns when the last call is answered.
 */
export function gaapReadFloor(calls, { windowMs, latencyMs }) {
  const children = calls.map(() => []);
  calls.forEach((c, i) => {
    if (c.after >= 0) children[c.after].push(i);
  });
  const heap = new MinHeap();
  calls.forEach((c, i) => {
    if (c.after < 0) heap.push({ t: 0, step: i });
  });
  const starts = new Map();
  let end = 0;
  while (heap.size > 0) {
    const { t, step } = heap.pop();
    const { action } = calls[step];
    const log = starts.get(action) ?? [];
    starts.set(action, log);
    const limit = gaapLimit(action);
    const sent = Math.max(t, log.length >= limit ? log[log.length - limit] + windowMs : 0);
    log.push(sent);
    const answered = sent + latencyMs;
    end = Math.max(end, answered);
    for (const c of children[step]) heap.push({ t: answered, step: c });
  }
  return end;
}

/** GAAP's asynchronous kinds, by the action a step's wait reads. */
const WAIT_KIND = {
  DescribeProxies: 'proxy',
  DescribeProxyGroupDetails: 'group',
  DescribeTCPListeners: 'listener',
  DescribeUDPListeners: 'listener',
  DescribeHTTPListeners: 'listener',
  DescribeHTTPSListeners: 'listener',
  DescribeRules: 'domain',
  DescribeRulesByRuleIds: 'rule',
  DescribeSecurityPolicyDetail: 'policy',
  DescribeGlobalDomains: 'globalDomain',
  DescribeGlobalDomainDns: 'dns',
};

/** The kind of object a step waits for (emulator `asyncDelayByKindMs` key), if it waits. */
export function waitKind(step) {
  const action = step.payload?.wait?.action;
  return action === undefined ? undefined : (WAIT_KIND[action] ?? 'other');
}

/**
 * The GAAP execution floor, the rate limits and the dependency graph taken together: the
 * schedule of an ideal executor that sends every call the moment its step's dependencies are
 * done and its action's budget (`limit` starts in any window) allows, with no cap on steps in
 * flight and no polls, each wait ending when its object is ready plus one status read
 * (`max(latency, delay) + latency` after the write is sent: the write is handled one latency after
 * it is sent, and so is the read that finds the object ready). Calls are served in the order they
 * become sendable, so each action's starts are in time order and its sliding window is exact.
 * Returns the finish time and the critical path alone (no rate limits) for comparison.
 */
export function gaapJointFloor(steps, { windowMs, latencyMs, delayOf }) {
  const index = new Map(steps.map((s, i) => [s.id, i]));
  const blockers = steps.map((s) => s.dependsOn.filter((d) => index.has(d)).length);
  const dependents = steps.map(() => []);
  steps.forEach((s, i) => {
    for (const d of s.dependsOn) if (index.has(d)) dependents[index.get(d)].push(i);
  });
  const starts = new Map();
  const heap = new MinHeap();
  steps.forEach((_, i) => {
    if (blockers[i] === 0) heap.push({ t: 0, step: i, call: 0, free: 0 });
  });
  let end = 0;
  let critical = 0;
  while (heap.size > 0) {
    const ev = heap.pop();
    const s = steps[ev.step];
    const p = s.payload ?? {};
    const calls = p.calls ?? [];
    let sent = ev.t;
    let freeAt = ev.free;
    if (ev.call < calls.length) {
      const action = calls[ev.call].action;
      const log = starts.get(action) ?? [];
      starts.set(action, log);
      const limit = gaapLimit(action);
      const k = log.length;
      sent = Math.max(ev.t, k >= limit ? log[k - limit] + windowMs : 0);
      log.push(sent);
      freeAt = ev.free + latencyMs;
      if (ev.call + 1 < calls.length) {
        heap.push({ t: sent + latencyMs, step: ev.step, call: ev.call + 1, free: freeAt });
        continue;
      }
    }
    const kind = waitKind(s);
    const delay = kind === undefined ? 0 : delayOf(kind);
    const tail = kind === undefined ? latencyMs : Math.max(latencyMs, delay) + latencyMs;
    const finish = (calls.length > 0 ? sent : ev.t) + (calls.length > 0 || kind ? tail : 0);
    const freeFinish = freeAt + (kind === undefined ? 0 : Math.max(latencyMs, delay) + latencyMs - latencyMs);
    end = Math.max(end, finish);
    critical = Math.max(critical, freeFinish);
    for (const d of dependents[ev.step]) {
      const ready = heap.readyOf(d, finish, freeFinish);
      if (--blockers[d] === 0) heap.push({ t: ready.t, step: d, call: 0, free: ready.free });
    }
  }
  return { floor: end, critical };
}

/** A binary min-heap of events by time (then step order), tracking each step's latest dependency. */
class MinHeap {
  #a = [];
  #ready = new Map();
  get size() {
    return this.#a.length;
  }
  readyOf(step, t, free) {
    const r = this.#ready.get(step) ?? { t: 0, free: 0 };
    r.t = Math.max(r.t, t);
    r.free = Math.max(r.free, free);
    this.#ready.set(step, r);
    return r;
  }
  #less(x, y) {
    return x.t < y.t || (x.t === y.t && x.step < y.step);
  }
  push(x) {
    const a = this.#a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop() {
    const a = this.#a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.#less(a[l], a[m])) m = l;
        if (r < a.length && this.#less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * A proven lower bound on the same execution as `gaapJointFloor`, to check that floor: the
 * floor is the schedule of one ideal executor (calls served in the order they become sendable),
 * and a different order could in principle end sooner. Here each call gets its head (the earliest
 * it can be sent, the graph alone: every step as early as its dependencies allow) and its tail
 * (from its send to the end of the plan along the longest path, the graph alone). Any k calls of
 * one action that all have heads ≥ ρ are sent over at least (ceil(k / limit) − 1) windows starting
 * no earlier than ρ, and the last of them still has its tail to go: the end comes no earlier than
 * ρ + (ceil(k / limit) − 1) × window + (the least tail of the k). The bound is the largest such
 * figure over every action, ρ and k (the k calls with the longest tails among those with heads
 * ≥ ρ), and the critical path. Returns it.
 */
export function gaapRelaxedBound(steps, { windowMs, latencyMs, delayOf }) {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const dependents = new Map(steps.map((s) => [s.id, []]));
  for (const s of steps) for (const d of s.dependsOn) if (byId.has(d)) dependents.get(d).push(s);
  /** The step's duration from its start: its calls one after another, then its wait's tail. */
  const duration = (s) => {
    const n = s.payload?.calls?.length ?? 0;
    const kind = waitKind(s);
    const end = kind === undefined ? (n > 0 ? latencyMs : 0) : Math.max(latencyMs, delayOf(kind)) + latencyMs;
    return Math.max(0, n - 1) * latencyMs + end;
  };
  const order = topological(steps, byId);
  const head = new Map();
  for (const s of order) {
    let t = 0;
    for (const d of s.dependsOn) if (byId.has(d)) t = Math.max(t, head.get(d) + duration(byId.get(d)));
    head.set(s.id, t);
  }
  const after = new Map();
  for (const s of [...order].reverse()) {
    let t = 0;
    for (const d of dependents.get(s.id)) t = Math.max(t, duration(d) + after.get(d.id));
    after.set(s.id, t);
  }
  let bound = 0;
  for (const s of steps) bound = Math.max(bound, head.get(s.id) + duration(s) + after.get(s.id));
  const byAction = new Map();
  for (const s of steps) {
    const calls = s.payload?.calls ?? [];
    calls.forEach((c, j) => {
      const r = head.get(s.id) + j * latencyMs;
      const q = duration(s) - j * latencyMs + after.get(s.id);
      if (!byAction.has(c.action)) byAction.set(c.action, []);
      byAction.get(c.action).push({ r, q });
    });
  }
  for (const [action, calls] of byAction) {
    const limit = gaapLimit(action);
    const heads = [...new Set(calls.map((c) => c.r))];
    for (const rho of heads) {
      const tails = calls
        .filter((c) => c.r >= rho)
        .map((c) => c.q)
        .sort((a, b) => b - a);
      tails.forEach((q, i) => {
        bound = Math.max(bound, rho + (Math.ceil((i + 1) / limit) - 1) * windowMs + q);
      });
    }
  }
  return bound;
}

function topological(steps, byId) {
  const out = [];
  const seen = new Set();
  const visit = (s) => {
    const stack = [[s, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [x, i] = top;
      if (i === 0 && seen.has(x.id)) {
        stack.pop();
        continue;
      }
      seen.add(x.id);
      const deps = x.dependsOn.filter((d) => byId.has(d));
      if (i < deps.length) {
        top[1]++;
        const d = byId.get(deps[i]);
        if (!seen.has(d.id)) stack.push([d, 0]);
      } else {
        stack.pop();
        out.push(x);
      }
    }
  };
  for (const s of steps) visit(s);
  return out;
}
