#!/usr/bin/env node
// Development aid (issue 11): one GAAP apply from empty of the bench's estate with P proxies
// (`node bench/apply-timeline.mjs 200`; with CHANGE=1 the same change on every proxy instead), on the bench's clock, printed as a timeline: per action,
// when its calls started and ended, how long they took, and the server's throttles; then calls
// answered and steps finished per 250 ms; then the CPU and CPU wait of both threads. Shows where
// an apply spends the time above its floor. Needs `npm run build`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS } from '../dist/emulator/index.js';
import { executePlan } from '../dist/executor/execute-plan.js';
import { createPlan } from '../dist/planner/create-plan.js';
import { plan as planWorkflow } from '../dist/workflow/run-plan.js';
import { openSession } from '../dist/workflow/session.js';
import { gaapJointFloor, waitKind } from './bounds.mjs';
import { startEmulatorThread } from './emulator-thread.mjs';
import { gaapEstate } from './estates.mjs';
import { threadCpu } from './thread-cpu.mjs';

const P = Number(process.argv[2] ?? 50);
const PARALLELISM = Number(process.env.PARALLELISM ?? 32);
const scale = 0.05;
const delays = {
  proxy: 3000,
  group: 1500,
  listener: 250,
  domain: 150,
  rule: 150,
  policy: 250,
  globalDomain: 250,
  dns: 250,
};
const emu = await startEmulatorThread({
  latencyMs: 20,
  rateWindowScale: scale,
  asyncDelayMs: 100,
  asyncDelayByKindMs: delays,
  seed: 1,
});
const env = {
  ...process.env,
  EDGEFORM_RATE_WINDOW_SCALE: String(scale),
  EDGEFORM_GAAP_ENDPOINT: emu.gaap,
  EDGEFORM_BAISHAN_ENDPOINT: emu.baishan,
  TENCENTCLOUD_SECRET_ID: EMULATOR_DEFAULTS.secretId,
  TENCENTCLOUD_SECRET_KEY: EMULATOR_DEFAULTS.secretKey,
  BAISHAN_TOKEN: EMULATOR_DEFAULTS.baishanToken,
};
const work = mkdtempSync(join(os.tmpdir(), 'edgeform-timeline-'));
const file = join(work, 'estate.yaml');
writeFileSync(file, gaapEstate(P, { stack: `timeline-${P}`, l7: true }).yaml);

const t0 = performance.now();
const at = () => performance.now() - t0;
const calls = [];
const throttles = [];
const done = [];
/** Per step: when it started, when its wait was registered, when it was done. */
const stepTimes = new Map();
const timesOf = (id) => {
  let x = stepTimes.get(id);
  if (!x) {
    x = {};
    stepTimes.set(id, x);
  }
  return x;
};
const sink = (e) => {
  if (e.kind === 'api-call') calls.push({ end: at(), ms: e.durationMs, action: e.action });
  else if (e.kind === 'throttled') throttles.push({ t: at(), action: e.action, waitMs: e.waitMs });
  else if (e.kind === 'step-done') {
    done.push(at());
    timesOf(e.stepId).done = at();
  } else if (e.kind === 'step-start') timesOf(e.stepId).start = at();
  else if (e.kind === 'step-wait') timesOf(e.stepId).wait ??= at();
};
if (process.env.CHANGE) {
  // Times the same change on every proxy instead (bench: bandwidth 10 → 20) after an apply from
  // empty that is not shown.
  const first = await openSession({ files: [file], cwd: work, env, sandbox: false, events: () => {} });
  const built = await createPlan({
    stack: first.stack.stack,
    sources: first.stack.files,
    providers: first.providers,
    events: () => {},
  });
  await executePlan(built.plan, { providers: first.providerMap, events: () => {}, parallelism: PARALLELISM });
  await first.close();
  await new Promise((r) => setTimeout(r, 200));
  writeFileSync(
    file,
    gaapEstate(P, { stack: `timeline-${P}`, l7: true }).yaml.replaceAll('bandwidth: 10', 'bandwidth: 20'),
  );
}
const session = await openSession({ files: [file], cwd: work, env, sandbox: false, events: sink });
const pr = await createPlan({
  stack: session.stack.stack,
  sources: session.stack.files,
  providers: session.providers,
  events: sink,
});
const c0 = threadCpu();
const e0 = await emu.cpu();
const tExec = at();
await executePlan(pr.plan, { providers: session.providerMap, events: sink, parallelism: PARALLELISM });
const tEnd = at();
const c1 = threadCpu();
const e1 = await emu.cpu();
await session.close();

// Then `edgeform plan` on the estate just built: its reads per action.
await new Promise((r) => setTimeout(r, 200));
const planCalls = [];
const planThrottles = [];
const p0 = performance.now();
const pc0 = threadCpu();
const pe0 = await emu.cpu();
await planWorkflow({
  files: [file],
  cwd: work,
  env,
  sandbox: false,
  events: (e) => {
    if (e.kind === 'api-call')
      planCalls.push({ end: performance.now() - p0, ms: e.durationMs, action: e.action });
    else if (e.kind === 'throttled') planThrottles.push({ action: e.action });
  },
});
const planMs = performance.now() - p0;
const pc1 = threadCpu();
const pe1 = await emu.cpu();
await emu.close();

const floor = gaapJointFloor(pr.plan.steps, {
  windowMs: 50,
  latencyMs: 20,
  delayOf: (k) => delays[k] ?? 100,
});
const f0 = (x) => x.toFixed(0).padStart(6);
console.log(
  `GAAP ${P} proxies: open+plan ${f0(tExec)} ms, execution ${f0(tEnd - tExec)} ms, floor ${floor.floor} ms (critical path ${floor.critical}), ${calls.length} calls, ${throttles.length} throttled`,
);
console.log(
  `CPU ms (wait for a CPU ms): edgeform ${c1.cpuMs - c0.cpuMs} (${f0(c1.waitMs - c0.waitMs)}), emulator ${e1.cpuMs - e0.cpuMs} (${f0(e1.waitMs - e0.waitMs)})`,
);
const by = new Map();
for (const c of calls) {
  if (c.end < tExec) continue;
  const a = by.get(c.action) ?? { n: 0, first: Infinity, last: 0, ms: [] };
  a.n++;
  a.first = Math.min(a.first, c.end - c.ms - tExec);
  a.last = Math.max(a.last, c.end - tExec);
  a.ms.push(c.ms);
  by.set(c.action, a);
}
console.log('action                          calls  first   last  median call ms  p90  throttled');
for (const [action, a] of [...by].sort((x, y) => x[1].first - y[1].first)) {
  a.ms.sort((x, y) => x - y);
  const th = throttles.filter((x) => x.action === action).length;
  console.log(
    `${action.padEnd(30)} ${String(a.n).padStart(6)} ${f0(a.first)} ${f0(a.last)} ${f0(a.ms[a.ms.length >> 1])} ${f0(a.ms[Math.floor(a.ms.length * 0.9)])} ${String(th).padStart(6)}`,
  );
}
/** Mean calls in flight, steps holding a slot and steps ready but not started over [lo, hi). */
function occupancy(lo, hi) {
  const byId = new Map(pr.plan.steps.map((x) => [x.id, x]));
  let calls = 0;
  let running = 0;
  let ready = 0;
  let samples = 0;
  for (let t = lo; t < hi; t += 5) {
    samples++;
    for (const c of calls_) if (c.end - c.ms <= t && c.end > t) calls++;
    for (const [id, x] of stepTimes) {
      if (x.start === undefined) continue;
      const freed = x.wait ?? x.done ?? Number.POSITIVE_INFINITY;
      if (x.start <= t && freed > t) running++;
      let r = tExec;
      for (const d of byId.get(id).dependsOn) r = Math.max(r, stepTimes.get(d)?.done ?? tExec);
      if (r <= t && x.start > t) ready++;
    }
  }
  return { calls: calls / samples, running: running / samples, ready: ready / samples };
}
const calls_ = calls.filter((c) => c.end >= tExec);
const bucket = 250;
const rows = [];
for (let b = 0; b * bucket < tEnd - tExec; b++) {
  const lo = tExec + b * bucket;
  const hi = lo + bucket;
  const n = calls.filter((c) => c.end >= lo && c.end < hi).length;
  const s = done.filter((t) => t >= lo && t < hi).length;
  const th = throttles.filter((x) => x.t >= lo && x.t < hi).length;
  const o = occupancy(lo, hi);
  rows.push(
    `${f0(b * bucket)}: ${String(n).padStart(4)} calls ${String(s).padStart(4)} steps${th ? ` ${th} throttled` : ''}  in flight: ${o.calls.toFixed(0).padStart(3)} calls, ${o.running.toFixed(0).padStart(3)} steps (slots); ready, not started: ${o.ready.toFixed(0).padStart(4)}`,
  );
}
console.log(rows.join('\n'));
console.log(criticalChain(pr.plan.steps, tExec));

console.log(
  `\nplan: ${f0(planMs)} ms, ${planCalls.length} calls, ${planThrottles.length} throttled; CPU ms (wait): edgeform ${pc1.cpuMs - pc0.cpuMs} (${f0(pc1.waitMs - pc0.waitMs)}), emulator ${pe1.cpuMs - pe0.cpuMs} (${f0(pe1.waitMs - pe0.waitMs)})`,
);
const planBy = new Map();
for (const c of planCalls) {
  const a = planBy.get(c.action) ?? { n: 0, first: Infinity, last: 0, ms: [] };
  a.n++;
  a.first = Math.min(a.first, c.end - c.ms);
  a.last = Math.max(a.last, c.end);
  a.ms.push(c.ms);
  planBy.set(c.action, a);
}
for (const [action, a] of [...planBy].sort((x, y) => x[1].first - y[1].first)) {
  a.ms.sort((x, y) => x - y);
  const th = planThrottles.filter((x) => x.action === action).length;
  console.log(
    `${action.padEnd(30)} ${String(a.n).padStart(6)} ${f0(a.first)} ${f0(a.last)} ${f0(a.ms[a.ms.length >> 1])} ${f0(a.ms[Math.floor(a.ms.length * 0.9)])} ${String(th).padStart(6)}`,
  );
}

/**
 * The run's own critical chain: from the step done last, back through the dependency done last,
 * each step's time split into waiting to start (ready, but no slot or budget), its calls (start
 * to the wait's registration, or to done), and its wait (registration to done, against the kind's
 * delay). Then the same split summed over all steps, by the step's first action.
 */
function criticalChain(steps, t0) {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const readyAt = (s) => {
    let r = t0;
    for (const d of s.dependsOn) {
      const t = stepTimes.get(d)?.done;
      if (t !== undefined && byId.has(d)) r = Math.max(r, t);
    }
    return r;
  };
  const actionOf = (s) => s.payload?.calls?.[0]?.action ?? s.payload?.wait?.action ?? s.action;
  const split = (s) => {
    const x = stepTimes.get(s.id) ?? {};
    const ready = readyAt(s);
    const callsEnd = x.wait ?? x.done;
    return {
      queued: x.start - ready,
      calls: callsEnd - x.start,
      waited: x.wait === undefined ? 0 : x.done - x.wait,
      delay: waitKind(s) === undefined ? 0 : (delays[waitKind(s)] ?? 100),
    };
  };
  let last;
  for (const s of steps) {
    const d = stepTimes.get(s.id)?.done;
    if (d !== undefined && (!last || d > stepTimes.get(last.id).done)) last = s;
  }
  const chain = [];
  for (let s = last; s; ) {
    chain.push(s);
    let prev;
    for (const d of s.dependsOn) {
      const dep = byId.get(d);
      const t = stepTimes.get(d)?.done;
      if (dep && t !== undefined && (!prev || t > stepTimes.get(prev.id).done)) prev = dep;
    }
    s = prev;
  }
  const out = ['\ncritical chain of this run (ms after the execution began):'];
  out.push('step                                              ready  queued   calls  waited (delay)   done');
  for (const s of chain.reverse()) {
    const p = split(s);
    out.push(
      `${`${actionOf(s)} ${s.id}`.slice(0, 48).padEnd(48)} ${f0(readyAt(s) - t0)} ${f0(p.queued)} ${f0(p.calls)} ${f0(p.waited)} (${f0(p.delay)}) ${f0(stepTimes.get(s.id).done - t0)}`,
    );
  }
  const sums = new Map();
  for (const s of steps) {
    if (stepTimes.get(s.id)?.done === undefined) continue;
    const p = split(s);
    const a = sums.get(actionOf(s)) ?? { n: 0, queued: 0, calls: 0, waited: 0, over: 0 };
    a.n++;
    a.queued += p.queued;
    a.calls += p.calls;
    a.waited += p.waited;
    a.over += p.waited > 0 ? p.waited - p.delay : 0;
    sums.set(actionOf(s), a);
  }
  out.push("\nper first action, mean ms a step: queued, calls, waited, waited beyond its kind's delay");
  for (const [action, a] of sums) {
    out.push(
      `${action.padEnd(30)} ${String(a.n).padStart(5)} ${f0(a.queued / a.n)} ${f0(a.calls / a.n)} ${f0(a.waited / a.n)} ${f0(a.over / a.n)}`,
    );
  }
  return out.join('\n');
}
