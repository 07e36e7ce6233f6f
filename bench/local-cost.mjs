// Child process of run.mjs: the local cost of planning, without the network.
//
// 1. Cold: loadStack (load + validate the YAML) as the very first thing the process does, the way
//    every CLI run pays for it (the JSON Schema is compiled on first use).
// 2. Reads the live state once, over the network, through the normal session (not measured).
// 3. createPlan with providers whose read() hands back the live state read in step 2 — the whole
//    plan pipeline (diff, steps, DAG order, summary, fingerprints) minus the network. Cold = 1 + 3.
// 4. Warm: loadStack + createPlan again in the same process.
// Prints one JSON line. Run with --expose-gc so the baseline is taken after a collection.
import { resourceUsage } from 'node:process';
import { loadStack } from '../dist/config/load-stack.js';
import { createPlan } from '../dist/planner/create-plan.js';
import { BaishanProvider } from '../dist/providers/baishan/baishan-provider.js';
import { GaapProvider } from '../dist/providers/gaap/gaap-provider.js';
import { openSession } from '../dist/workflow/session.js';

const { files, cwd } = JSON.parse(process.argv[2]);
const env = process.env;
const noop = () => {};

// Cold: the first loadStack of the process, as in every CLI run (it compiles the JSON Schema).
globalThis.gc?.();
const coldCpu0 = process.cpuUsage();
const coldT0 = performance.now();
const coldLoaded = loadStack(files, { cwd, env });
const coldLoad = { cpu: process.cpuUsage(coldCpu0), wallMs: performance.now() - coldT0 };
if (!coldLoaded.stack) throw new Error('local-cost: invalid estate');

const session = await openSession({ files, cwd, env, sandbox: false, events: noop });
const pre = await createPlan({
  stack: session.stack.stack,
  sources: session.stack.files,
  providers: session.providers,
  events: noop,
});
await session.close();
const live = pre.live;
const readCalls = pre.readCalls;

const offline = () => {
  throw new Error('local-cost: no network in the measured phase');
};

async function measure(preloaded) {
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const loaded = preloaded ? preloaded.loaded : loadStack(files, { cwd, env });
  if (!loaded.stack) throw new Error(`local-cost: invalid estate: ${JSON.stringify(loaded.diagnostics[0])}`);
  const stack = loaded.stack;
  const cpuLoad = preloaded ? preloaded.cpu : process.cpuUsage(cpu0);
  const tLoad = performance.now();
  const loadWallMs = preloaded ? preloaded.wallMs : tLoad - t0;
  const real = [
    new GaapProvider({ ...stack, gaap: stack.gaap }, offline, cwd),
    new BaishanProvider(stack, offline, cwd),
  ];
  const providers = real.map((p) => ({
    id: p.id,
    hasDesired: p.hasDesired,
    limits: p.limits,
    read: async () => live.get(p.id),
    plan: (l, ctx) => p.plan(l, ctx),
    execute: offline,
    fingerprints: (l, a) => p.fingerprints(l, a),
  }));
  const result = await createPlan({ stack: stack.stack, sources: stack.files, providers, events: noop });
  const cpuPlan = process.cpuUsage(cpu0);
  const cpu = preloaded
    ? { user: cpuPlan.user + cpuLoad.user, system: cpuPlan.system + cpuLoad.system }
    : cpuPlan;
  const t1 = performance.now();
  const mem = process.memoryUsage();
  const declared = stack.baishan.domains.length;
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    cpuLoadMs: (cpuLoad.user + cpuLoad.system) / 1000,
    cpuPlanMs: (cpu.user + cpu.system - cpuLoad.user - cpuLoad.system) / 1000,
    wallMs: t1 - tLoad + loadWallMs,
    wallLoadMs: loadWallMs,
    heapUsedMb: mem.heapUsed / 2 ** 20,
    heapDeltaMb: (mem.heapUsed - heap0) / 2 ** 20,
    rssMb: mem.rss / 2 ** 20,
    baishanDomains: declared,
    changes: result.plan.changes.length,
    changed: result.plan.changes.filter((c) => c.kind !== 'no-op').length,
    steps: result.plan.steps.length,
  };
}

const cold = await measure({ loaded: coldLoaded, ...coldLoad });
const warm = await measure();
process.stdout.write(
  `${JSON.stringify({ readCalls, cold, warm, peakRssMb: resourceUsage().maxRSS / 1024 })}\n`,
);
