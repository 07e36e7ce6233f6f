#!/usr/bin/env node
// Development aid (issue 11): one GAAP apply from empty of the bench's estate with P proxies
// (`node bench/apply-timeline.mjs 200`; with CHANGE=1 the same change on every proxy instead), on the bench's clock, printed as a timeline: per action,
// when its calls started and ended, how long they took, and the server's throttles; then calls
// answered and steps finished per 250 ms; then the CPU and CPU wait of both threads. Shows where
// an apply spends the time above its floor. Needs `npm run build`.
import { writeFileSync } from 'node:fs';
import { executePlan } from '../dist/executor/execute-plan.js';
import { createPlan } from '../dist/planner/create-plan.js';
import { plan as planWorkflow } from '../dist/workflow/run-plan.js';
import { openSession } from '../dist/workflow/session.js';
import { gaapJointFloor } from './bounds.mjs';
import { startEmulatorThread } from './emulator-thread.mjs';
import { gaapEstate } from './estates.mjs';
import { gaapEstateOn, StepTimeline } from './step-timeline.mjs';
import { threadCpu } from './thread-cpu.mjs';

const P = Number(process.argv[2] ?? 50);
const PARALLELISM = Number(process.env.PARALLELISM ?? 64);
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
const { env, work, file } = gaapEstateOn(emu, P, scale, 'timeline');

const t0 = performance.now();
const at = () => performance.now() - t0;
const calls = [];
const throttles = [];
const done = [];
const steps = new StepTimeline();
const sink = (e) => {
  if (e.kind === 'api-call') calls.push({ end: at(), ms: e.durationMs, action: e.action });
  else if (e.kind === 'throttled') throttles.push({ t: at(), action: e.action, waitMs: e.waitMs });
  else if (e.kind === 'step-done') done.push(at());
  steps.observe(e, at());
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
const calls_ = calls.filter((c) => c.end >= tExec);
const bucket = 250;
const rows = [];
for (let b = 0; b * bucket < tEnd - tExec; b++) {
  const lo = tExec + b * bucket;
  const hi = lo + bucket;
  const n = calls.filter((c) => c.end >= lo && c.end < hi).length;
  const s = done.filter((t) => t >= lo && t < hi).length;
  const th = throttles.filter((x) => x.t >= lo && x.t < hi).length;
  const o = steps.occupancy(pr.plan.steps, calls_, tExec, lo, hi);
  rows.push(
    `${f0(b * bucket)}: ${String(n).padStart(4)} calls ${String(s).padStart(4)} steps${th ? ` ${th} throttled` : ''}  in flight: ${o.calls.toFixed(0).padStart(3)} calls, ${o.running.toFixed(0).padStart(3)} steps (slots); ready, not started: ${o.ready.toFixed(0).padStart(4)}`,
  );
}
console.log(rows.join('\n'));
console.log(steps.criticalChain(pr.plan.steps, tExec, (k) => delays[k] ?? 100));

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
