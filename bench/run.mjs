#!/usr/bin/env node
// `npm run bench`: edgeform against the in-process emulator with the vendors' real rate limits on
// a scaled clock. Measures, per estate size: read economy, write economy, wall time against the
// rate-limit bound, and (in a child process) the local CPU/memory cost of planning.
// Writes bench/results.json and bench/RESULTS.md and prints the tables. See bench/README.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executePlan } from '../dist/executor/execute-plan.js';
import { createPlan } from '../dist/planner/create-plan.js';
import { GAAP_KINDS } from '../dist/providers/gaap/kinds/registry.js';
import { PAGE_LIMITS } from '../dist/providers/gaap/paging.js';
import { plan as planWorkflow } from '../dist/workflow/run-plan.js';
import { openSession } from '../dist/workflow/session.js';
import { gaapJointFloor, gaapReadFloor, gaapRelaxedBound, slidingWindowPhases } from './bounds.mjs';
import { benchCpuCost } from './cpu-cost.mjs';
import { emulatorEnv, startEmulatorThread as startEmulator } from './emulator-thread.mjs';
import { baishanEstate, DOC, gaapEstate } from './estates.mjs';
import { benchExecutorCost } from './executor-cost.mjs';
import { renderMarkdown } from './report.mjs';
import { threadCpu as readThreadCpu } from './thread-cpu.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** The benchmark's clock and network. */
const CONFIG = {
  latencyMs: 20,
  rateWindowScale: 0.05,
  asyncDelayMs: 100,
  // How long each kind's asynchronous state lasts on the live API (ms of real time; scaled with
  // the rate windows): a proxy takes about a minute, a listener, domain or rule a few seconds.
  asyncDelayRealMs: {
    proxy: 60_000,
    group: 30_000,
    listener: 5_000,
    domain: 3_000,
    rule: 3_000,
    policy: 5_000,
    globalDomain: 5_000,
    dns: 5_000,
  },
  // Steps in flight at once: the CLI's default (`--parallelism`, src/cli/main.ts).
  parallelism: 64,
  baishanSizes: [10, 100, 1000],
  gaapSizes: [2, 10, 50, 200],
  executorSteps: [1_000, 10_000, 50_000],
  localCost: [
    { baishan: 80, proxies: 1 },
    { baishan: 900, proxies: 5 },
    { baishan: 9000, proxies: 50 },
  ],
};
if (process.env.BENCH_QUICK) {
  CONFIG.baishanSizes = [10, 100];
  CONFIG.gaapSizes = [2, 10];
  CONFIG.executorSteps = [1_000];
  CONFIG.localCost = [{ baishan: 80, proxies: 1 }];
}
// BENCH_ONLY=gaap|baishan|local|executor|cpu runs one part (for development; the published run does
// all, and a partial run never replaces bench/results.json).
const ONLY = process.env.BENCH_ONLY;
if (ONLY && ONLY !== 'gaap') CONFIG.gaapSizes = [];
if (ONLY && ONLY !== 'baishan') CONFIG.baishanSizes = [];
if (ONLY && ONLY !== 'local') CONFIG.localCost = [];
if (ONLY && ONLY !== 'executor') CONFIG.executorSteps = [];
if (process.env.BENCH_GAAP_SIZES) CONFIG.gaapSizes = process.env.BENCH_GAAP_SIZES.split(',').map(Number);
const TARGET = { economy: 1.0, time: 1.1, cpuMs: 1000, memMb: 300 };

const windows = (scale) => ({ baishanMs: 60_000 * scale, gaapMs: 1_000 * scale });
/** Each kind's asynchronous delay on the benchmark's clock. */
const asyncDelays = (scale) =>
  Object.fromEntries(Object.entries(CONFIG.asyncDelayRealMs).map(([k, ms]) => [k, ms * scale]));

/**
 * The GAAP execution floor of these steps (bounds.mjs gaapJointFloor): the rate limits and the
 * dependency graph together, each wait ending when its object is ready; `proven`, a proven lower
 * bound of the same execution (gaapRelaxedBound), checks that no other order of the calls could
 * end sooner than the floor's.
 */
function execFloor(steps, g) {
  const model = {
    windowMs: g.windowMs,
    latencyMs: g.latencyMs,
    delayOf: (kind) => g.delays[kind] ?? CONFIG.asyncDelayMs,
  };
  const { floor, critical } = gaapJointFloor(steps, model);
  return { bound: floor, critical, proven: gaapRelaxedBound(steps, model) };
}

/** Which term sets the floor, and whether the proven lower bound reaches it. */
function floorSetBy(exec) {
  const term = exec.bound > exec.critical * 1.01 ? 'rate limits on the graph' : 'critical path';
  return exec.proven >= exec.bound - 0.5
    ? `${term} (proven)`
    : `${term} (proven ≥ ${Math.round(exec.proven)})`;
}
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (s) => process.stderr.write(`${s}\n`);
const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

const work = mkdtempSync(join(os.tmpdir(), 'edgeform-bench-'));
const started = Date.now();
const loadAtStart = os.loadavg();

function collector() {
  const c = {
    throttled: 0,
    retries: 0,
    apiErrors: 0,
    stepWaitEvents: 0,
    failed: [],
    read: {},
    readCpu: {},
    callMs: [],
  };
  c.sink = (e) => {
    switch (e.kind) {
      case 'throttled':
        c.throttled++;
        break;
      case 'retry':
        c.retries++;
        break;
      case 'api-call':
        if (e.status === 'error') c.apiErrors++;
        c.callMs.push(e.durationMs);
        break;
      case 'step-wait':
        c.stepWaitEvents++;
        break;
      case 'step-failed':
        c.failed.push(`${e.summary}: ${e.error}`);
        break;
      case 'read-start':
        c.read[e.provider] = { start: now() };
        // The thread's CPU when the first read starts and when the last one ends: the rest of a
        // plan's CPU is local work (load, validate, diff, render). In ns (runMs): 10 ms ticks
        // put a small plan's 5-20 ms of local work at 0, 10 or 20, its bound ±30 %.
        c.readCpu.start ??= readThreadCpu()?.runMs;
        break;
      case 'read-done':
        if (c.read[e.provider]) c.read[e.provider].ms = now() - c.read[e.provider].start;
        c.readCpu.end = readThreadCpu()?.runMs;
        break;
      default:
    }
  };
  return c;
}

const snap = (emu) => emu.stats();
const median = (xs) => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const total = (requests, pred = () => true) =>
  Object.entries(requests).reduce((s, [op, n]) => s + (pred(op) ? n : 0), 0);
const isRead = (op) => /^(Describe|GET )/.test(op);
/** Requests the emulator answered (throttled ones included), both APIs. */
const served = (...stats) =>
  stats.reduce((n, s) => n + Object.values(s).reduce((m, api) => m + api.total + api.throttled, 0), 0);

/**
 * What `apply` does (run-plan.ts apply(): openSession, plan, executePlan), with the emulator's
 * counters read between the plan and the execution so reads and writes are told apart.
 */
async function runApply(ctx, files, opts = {}) {
  const ev = collector();
  const c0 = readThreadCpu();
  const t0 = now();
  const session = await openSession({ files, cwd: work, env: ctx.env, sandbox: false, events: ev.sink });
  if (opts.gaapConcurrency) {
    // What-if only: the provider's cap on steps in flight (gaap-provider.ts `limits`).
    Object.defineProperty(session.providerMap.get('gaap'), 'limits', {
      value: { concurrency: opts.gaapConcurrency },
    });
  }
  const tOpen = now();
  const cOpen = readThreadCpu();
  await ctx.emu.resetStats();
  const e0 = await ctx.emu.cpu();
  const pr = await createPlan({
    stack: session.stack.stack,
    sources: session.stack.files,
    providers: session.providers,
    events: ev.sink,
  });
  const tPlan = now();
  const cPlan = readThreadCpu();
  const ePlan = await ctx.emu.cpu();
  const readStats = await snap(ctx.emu);
  await ctx.emu.resetStats();
  let result;
  if (pr.plan.steps.length > 0) {
    result = await executePlan(pr.plan, {
      providers: session.providerMap,
      events: ev.sink,
      parallelism: opts.parallelism ?? CONFIG.parallelism,
    });
  }
  const tExec = now();
  const cExec = readThreadCpu();
  const eExec = await ctx.emu.cpu();
  const execStats = await snap(ctx.emu);
  await session.close();
  const tEnd = now();
  return {
    wallMs: tEnd - t0,
    openMs: tOpen - t0,
    readMs: tPlan - tOpen,
    execMs: tExec - tPlan,
    cpu: threadCpu(
      { open: [c0, cOpen], plan: [cOpen, cPlan], exec: [cPlan, cExec] },
      {
        plan: [e0, ePlan],
        exec: [ePlan, eExec],
      },
    ),
    served: served(readStats, execStats),
    steps: pr.plan.steps,
    changed: pr.plan.changes.filter((c) => c.kind !== 'no-op').length,
    readStats,
    execStats,
    result: result && {
      done: result.done,
      failed: result.failed,
      skipped: result.skipped,
      calls: result.calls,
      stepMs: stepDurations(result),
    },
    events: {
      throttled: ev.throttled,
      retries: ev.retries,
      apiErrors: ev.apiErrors,
      failed: ev.failed.slice(0, 5),
    },
    medianCallMs: median(ev.callMs),
  };
}

/**
 * The time row of a plan. A plan's wall time is its reads plus local work that cannot overlap
 * them (loading and validating the YAML before, diffing and rendering after), so its bound is the
 * reads' bound plus that work's CPU, measured on edgeform's thread in the same run (`localCpuMs`)
 * and shown apart: the ratio then says what the reads and their scheduling cost above their
 * floor, and the local cost stays visible (and has its own targets: "Local cost").
 */
function planRow(run, { boundMs, boundObservedMs, setBy }) {
  const local = run.localCpuMs ?? 0;
  return {
    wallMs: run.wallMs,
    cpu: run.cpu && { ...run.cpu, served: run.served },
    networkMs: run.readPhaseMs,
    readBoundMs: boundMs,
    localCpuMs: run.localCpuMs,
    boundMs: boundMs + local,
    observedCallMs: run.medianCallMs,
    boundObservedMs: boundObservedMs + local,
    setBy: `${setBy} (${Math.round(boundMs)}) + local CPU (${Math.round(local)})`,
  };
}

/** `edgeform plan`, the workflow function itself. */
async function runPlan(ctx, files) {
  const ev = collector();
  await ctx.emu.resetStats();
  const e0 = await ctx.emu.cpu();
  const c0 = readThreadCpu();
  const t0 = now();
  const r = await planWorkflow({ files, cwd: work, env: ctx.env, sandbox: false, events: ev.sink });
  const wallMs = now() - t0;
  const c1 = readThreadCpu();
  const e1 = await ctx.emu.cpu();
  const stats = await snap(ctx.emu);
  return {
    wallMs,
    cpu: threadCpu({ all: [c0, c1] }, { all: [e0, e1] }),
    served: served(stats),
    // edgeform's CPU outside the read phase: loading, validating, diffing, rendering.
    localCpuMs:
      c0 && c1 && ev.readCpu.start !== undefined && ev.readCpu.end !== undefined
        ? c1.runMs - c0.runMs - (ev.readCpu.end - ev.readCpu.start)
        : undefined,
    readPhaseMs: Math.max(0, ...Object.values(ev.read).map((x) => x.ms ?? 0)),
    readCalls: r.readCalls,
    stats,
    changed: r.plan.changes.filter((c) => c.kind !== 'no-op').length,
    events: { throttled: ev.throttled, retries: ev.retries, apiErrors: ev.apiErrors },
    medianCallMs: median(ev.callMs),
  };
}

/**
 * CPU ms of the bench's two threads over the phases of one run, and the ms each waited for a CPU
 * (thread-cpu.mjs): `client` is the thread edgeform runs on (the main thread), `emulator` the
 * emulator's worker thread; each phase is a [before, after] pair of readings. Undefined where the
 * OS gives no per-thread figure.
 */
function threadCpu(client, emulator) {
  const spans = (pairs) => {
    const out = { cpuMs: 0, waitMs: 0, phases: {} };
    for (const [k, [a, b]] of Object.entries(pairs)) {
      if (!a || !b) return undefined;
      out.phases[k] = b.cpuMs - a.cpuMs;
      out.cpuMs += b.cpuMs - a.cpuMs;
      out.waitMs += b.waitMs - a.waitMs;
    }
    return out;
  };
  const c = spans(client);
  const e = spans(emulator);
  if (!c || !e) return undefined;
  return {
    clientMs: c.cpuMs,
    clientWaitMs: c.waitMs,
    emulatorMs: e.cpuMs,
    emulatorWaitMs: e.waitMs,
    client: c,
    emulator: e,
  };
}

function stepDurations(result) {
  const by = {};
  for (const s of result.steps) {
    if (s.durationMs === undefined) continue;
    by[s.action] ??= { n: 0, totalMs: 0, maxMs: 0 };
    const b = by[s.action];
    b.n++;
    b.totalMs += s.durationMs;
    b.maxMs = Math.max(b.maxMs, s.durationMs);
  }
  for (const b of Object.values(by)) {
    b.avgMs = round(b.totalMs / b.n, 1);
    b.totalMs = round(b.totalMs);
    b.maxMs = round(b.maxMs);
  }
  return by;
}

function writeEstate(name, yaml) {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

// ---------------------------------------------------------------------------------------------

async function benchBaishan(ctx, n) {
  const { baishanMs } = windows(CONFIG.rateWindowScale);
  const settle = () => sleep(baishanMs * 1.05);
  const stack = `bench-baishan-${n}`;
  const est = baishanEstate(n, { stack, label: `b${n}` });
  const changedEst = baishanEstate(n, { stack, label: `b${n}`, timeout: '45' });
  const fileA = writeEstate(stack, est.yaml);
  const fileB = writeEstate(`${stack}-changed`, changedEst.yaml);

  log(`baishan ${n}: apply from empty`);
  const applyEmpty = await runApply(ctx, [fileA]);
  await settle();
  log(`baishan ${n}: plan (matching)`);
  const planMatch = await runPlan(ctx, [fileA]);
  await settle();
  log(`baishan ${n}: apply an identical change on every domain`);
  const applyChange = await runApply(ctx, [fileB]);
  await settle();
  const planAfter = await runPlan(ctx, [fileB]);
  await settle();

  const b = ctx.limits.baishan;
  const gets = (s) => s.baishan.requests['GET domain/config'] ?? 0;
  const posts = (s) => s.baishan.requests['POST domain/config'] ?? 0;
  const bound = (phases, latencyMs = b.latencyMs) => slidingWindowPhases(phases, { ...b, latencyMs }).at(-1);
  const setBy = (phases) => (phases.reduce((x, y) => x + y, 0) > b.limit ? 'rate limit' : 'latency');
  const r = {
    provider: 'baishan',
    size: n,
    label: `Baishan ${n} domains`,
    estate: { domains: n, groups: est.groups.length, groupSize: 25, unique: est.unique },
    converged: planAfter.changed === 0 && planMatch.changed === 0,
    read: {
      calls: gets(planMatch.stats),
      minimum: est.minimum.readCalls,
      onEmpty: { calls: gets(applyEmpty.readStats), minimum: est.minimum.readCalls },
    },
    write: {
      create: {
        calls: posts(applyEmpty.execStats),
        minimum: est.minimum.createCalls,
        steps: applyEmpty.steps.length,
      },
      identicalChange: {
        calls: posts(applyChange.execStats),
        minimum: est.minimum.identicalChangeCalls,
        steps: applyChange.steps.length,
      },
    },
    time: {
      plan: planRow(planMatch, {
        boundMs: bound([gets(planMatch.stats)]),
        boundObservedMs: bound([gets(planMatch.stats)], planMatch.medianCallMs),
        setBy: setBy([gets(planMatch.stats)]),
      }),
      applyCreate: {
        wallMs: applyEmpty.wallMs,
        cpu: applyEmpty.cpu && { ...applyEmpty.cpu, served: applyEmpty.served },
        networkMs: applyEmpty.readMs + applyEmpty.execMs,
        boundMs: bound([gets(applyEmpty.readStats), posts(applyEmpty.execStats)]),
        observedCallMs: applyEmpty.medianCallMs,
        boundObservedMs: bound(
          [gets(applyEmpty.readStats), posts(applyEmpty.execStats)],
          applyEmpty.medianCallMs,
        ),
        setBy: setBy([gets(applyEmpty.readStats), posts(applyEmpty.execStats)]),
        phases: { openMs: applyEmpty.openMs, readMs: applyEmpty.readMs, execMs: applyEmpty.execMs },
      },
      applyChange: {
        wallMs: applyChange.wallMs,
        cpu: applyChange.cpu && { ...applyChange.cpu, served: applyChange.served },
        networkMs: applyChange.readMs + applyChange.execMs,
        boundMs: bound([gets(applyChange.readStats), posts(applyChange.execStats)]),
        observedCallMs: applyChange.medianCallMs,
        boundObservedMs: bound(
          [gets(applyChange.readStats), posts(applyChange.execStats)],
          applyChange.medianCallMs,
        ),
        setBy: setBy([gets(applyChange.readStats), posts(applyChange.execStats)]),
        phases: { openMs: applyChange.openMs, readMs: applyChange.readMs, execMs: applyChange.execMs },
      },
    },
    throttling: throttling([applyEmpty, applyChange], [planMatch, planAfter], 'baishan'),
    failures: [...applyEmpty.events.failed, ...applyChange.events.failed],
    stepMs: { create: applyEmpty.result?.stepMs, identicalChange: applyChange.result?.stepMs },
  };
  return r;
}

/**
 * The calls a GAAP plan read made (emulator counters, by action) as a graph for gaapReadFloor:
 * what each call needs answered before it can be sent, by the API alone (not by edgeform's read
 * order). Account-level lists (groups, real servers, certificates, proxies, global domains) need
 * nothing; their pages after the first need the first (its TotalCount); a proxy's listener lists
 * and security policy need the proxies' page naming the proxy; a listener's DescribeRules needs
 * its proxy's HTTP/HTTPS list (the bench estates: one HTTP listener a proxy); a rule's reads and
 * error pages need their listener's DescribeRules; DNS records need the global domains' list.
 */
function readGraph(s, proxies) {
  const q = s.gaap.requests;
  const calls = [];
  const add = (action, after) => calls.push({ action, after }) - 1;
  const list = (action) => {
    const n = q[action] ?? 0;
    if (n === 0) return [];
    const first = add(action, -1);
    const pages = [first];
    for (let i = 1; i < n; i++) pages.push(add(action, first));
    return pages;
  };
  const groups = list('DescribeProxyGroupList');
  list('DescribeRealServers');
  const certs = list('DescribeCertificates');
  for (let i = 0; i < (q.DescribeCertificateDetail ?? 0); i++)
    add('DescribeCertificateDetail', certs[0] ?? -1);
  const proxyPages = list('DescribeProxies');
  const domains = list('DescribeGlobalDomains');
  for (let i = 0; i < (q.DescribeGlobalDomainDns ?? 0); i++) add('DescribeGlobalDomainDns', domains[0] ?? -1);
  // The proxies' page naming proxy i (100 a page); a list past the proxies is a group's.
  const pageOf = (i) => (i < proxies ? (proxyPages[Math.floor(i / 100)] ?? -1) : (groups[0] ?? -1));
  const perProxy = (action) => Array.from({ length: q[action] ?? 0 }, (_, i) => add(action, pageOf(i)));
  perProxy('DescribeTCPListeners');
  perProxy('DescribeUDPListeners');
  const l7Lists = [...perProxy('DescribeHTTPListeners'), ...perProxy('DescribeHTTPSListeners')];
  perProxy('DescribeSecurityPolicyDetail');
  const rules = Array.from({ length: q.DescribeRules ?? 0 }, (_, i) =>
    add('DescribeRules', l7Lists[i] ?? -1),
  );
  for (const action of ['DescribeRuleRealServers', 'DescribeCustomHeader', 'DescribeDomainErrorPageInfo']) {
    for (let i = 0; i < (q[action] ?? 0); i++) add(action, rules[i % Math.max(1, rules.length)] ?? -1);
  }
  const known = new Set(calls.map((c) => c.action));
  for (const [action, n] of Object.entries(q)) {
    // An action this graph does not place (a new kind's read): no parent assumed, a floor still.
    if (!known.has(action) && isRead(action)) for (let i = 0; i < n; i++) add(action, -1);
  }
  return calls;
}

async function benchGaap(ctx, p, ipBase) {
  // Uses addresses ipBase .. ipBase + 2·max(2, p) - 1 (the what-if run takes the second half).
  const { gaapMs } = windows(CONFIG.rateWindowScale);
  const settle = () => sleep(gaapMs * 3);
  const stack = `bench-gaap-${p}`;
  const est = gaapEstate(p, { stack, ipBase, l7: ctx.l7 });
  const fileA = writeEstate(stack, est.yaml);
  const changedYaml = est.yaml.replaceAll('bandwidth: 10', 'bandwidth: 20');
  const fileB = writeEstate(`${stack}-changed`, changedYaml);

  log(`gaap ${p}: apply from empty`);
  const applyEmpty = await runApply(ctx, [fileA]);
  await settle();
  log(`gaap ${p}: plan (matching)`);
  const planMatch = await runPlan(ctx, [fileA]);
  await settle();
  log(`gaap ${p}: apply an identical change on every proxy (bandwidth)`);
  const applyChange = await runApply(ctx, [fileB]);
  await settle();
  const planAfter = await runPlan(ctx, [fileB]);
  await settle();
  let whatIf;
  if (p === 50) {
    // The same apply from empty with the step caps lifted (a fresh stack and fresh addresses), to
    // show what the executor's caps cost; the rate limits still apply in the client.
    const wide = gaapEstate(p, { stack: `${stack}-wide`, ipBase: ipBase + est.realServers, l7: ctx.l7 });
    log(`gaap ${p}: apply from empty, what-if: parallelism 200, GAAP concurrency 200`);
    const r = await runApply(ctx, [writeEstate(`${stack}-wide`, wide.yaml)], {
      parallelism: 200,
      gaapConcurrency: 200,
    });
    const b = execFloor(r.steps, ctx.limits.gaap);
    const ro = { ...ctx.limits.gaap, latencyMs: r.medianCallMs ?? ctx.limits.gaap.latencyMs };
    whatIf = {
      observedCallMs: r.medianCallMs,
      boundObservedMs: gaapReadFloor(readGraph(r.readStats, p), ro) + execFloor(r.steps, ro).bound,
      parallelism: 200,
      gaapConcurrency: 200,
      wallMs: r.wallMs,
      cpu: r.cpu && { ...r.cpu, served: r.served },
      networkMs: r.readMs + r.execMs,
      boundMs: gaapReadFloor(readGraph(r.readStats, p), ctx.limits.gaap) + b.bound,
      polls: total(r.execStats.gaap.requests, isRead),
      throttled: r.execStats.gaap.throttled + r.readStats.gaap.throttled,
      failed: r.result?.failed ?? 0,
      stepMs: r.result?.stepMs,
    };
    await settle();
  }

  const g = ctx.limits.gaap;
  const req = (s) => s.gaap.requests;
  const writes = (s) => total(req(s), (op) => !isRead(op));
  const polls = (s) => total(req(s), isRead);
  const readBound = (s, _unused, latencyMs = g.latencyMs) =>
    gaapReadFloor(readGraph(s, p), { ...g, latencyMs });
  const waits = (steps) => steps.filter((x) => x.payload?.wait).length;
  const execCreate = execFloor(applyEmpty.steps, g);
  const execChange = execFloor(applyChange.steps, g);
  const obs = (run) => ({ ...g, latencyMs: run.medianCallMs ?? g.latencyMs });
  return {
    provider: 'gaap',
    size: p,
    label: `GAAP ${p} proxies`,
    estate: {
      proxies: p,
      realServers: est.realServers,
      listeners: est.listeners,
      l7: est.l7,
      resources: est.resources,
    },
    converged: planAfter.changed === 0 && planMatch.changed === 0,
    read: {
      calls: planMatch.stats.gaap.total,
      minimum: est.minimum.readCalls,
      byAction: req(planMatch.stats),
      minimumByAction: est.minimum.readByAction,
      onEmpty: { calls: applyEmpty.readStats.gaap.total, minimum: est.minimum.readCallsEmpty },
    },
    write: {
      create: {
        calls: writes(applyEmpty.execStats),
        minimum: est.minimum.createCalls,
        polls: polls(applyEmpty.execStats),
        // One poll per step that waits for an asynchronous state.
        minimumPolls: waits(applyEmpty.steps),
        byAction: req(applyEmpty.execStats),
        minimumByAction: est.minimum.createByAction,
        steps: applyEmpty.steps.length,
      },
      identicalChange: {
        calls: writes(applyChange.execStats),
        minimum: p,
        polls: polls(applyChange.execStats),
        minimumPolls: waits(applyChange.steps),
        byAction: req(applyChange.execStats),
        steps: applyChange.steps.length,
      },
    },
    time: {
      plan: planRow(planMatch, {
        boundMs: readBound(planMatch.stats, true),
        boundObservedMs: readBound(planMatch.stats, true, planMatch.medianCallMs),
        setBy: 'latency and rate limits, read graph',
      }),
      applyCreate: {
        wallMs: applyEmpty.wallMs,
        cpu: applyEmpty.cpu && { ...applyEmpty.cpu, served: applyEmpty.served },
        networkMs: applyEmpty.readMs + applyEmpty.execMs,
        boundMs: readBound(applyEmpty.readStats, false) + execCreate.bound,
        observedCallMs: applyEmpty.medianCallMs,
        boundObservedMs:
          readBound(applyEmpty.readStats, false, applyEmpty.medianCallMs) +
          execFloor(applyEmpty.steps, obs(applyEmpty)).bound,
        setBy: floorSetBy(execCreate),
        phases: { openMs: applyEmpty.openMs, readMs: applyEmpty.readMs, execMs: applyEmpty.execMs },
        exec: execCreate,
      },
      applyChange: {
        wallMs: applyChange.wallMs,
        cpu: applyChange.cpu && { ...applyChange.cpu, served: applyChange.served },
        networkMs: applyChange.readMs + applyChange.execMs,
        boundMs: readBound(applyChange.readStats, true) + execChange.bound,
        observedCallMs: applyChange.medianCallMs,
        boundObservedMs:
          readBound(applyChange.readStats, true, applyChange.medianCallMs) +
          execFloor(applyChange.steps, obs(applyChange)).bound,
        setBy: floorSetBy(execChange),
        phases: { openMs: applyChange.openMs, readMs: applyChange.readMs, execMs: applyChange.execMs },
        exec: execChange,
      },
    },
    whatIf,
    throttling: throttling([applyEmpty, applyChange], [planMatch, planAfter], 'gaap'),
    failures: [...applyEmpty.events.failed, ...applyChange.events.failed],
    stepMs: { create: applyEmpty.result?.stepMs, identicalChange: applyChange.result?.stepMs },
  };
}

function throttling(applies, plans, provider) {
  let server = 0;
  let client = 0;
  let retries = 0;
  for (const a of applies) {
    server += a.readStats[provider].throttled + a.execStats[provider].throttled;
    client += a.events.throttled;
    retries += a.events.retries;
  }
  for (const p of plans) {
    server += p.stats[provider].throttled;
    client += p.events.throttled;
    retries += p.events.retries;
  }
  return { serverThrottled: server, clientThrottleEvents: client, retries };
}

// ---------------------------------------------------------------------------------------------

async function benchLocalCost(spec, ipBase) {
  // A fast emulator (no latency, rate windows of a fraction of a millisecond): setting up the
  // matching live state is not what is measured here.
  const scale = 0.0001;
  const emu = await startEmulator({ rateWindowScale: scale, baishanAutoDomains: true, seed: 7 });
  const ctx = { emu, env: emulatorEnv(emu, scale) };
  try {
    const stack = `bench-local-${spec.baishan}`;
    const b = baishanEstate(spec.baishan, { stack, label: `l${spec.baishan}` });
    const g = gaapEstate(spec.proxies, { stack, ipBase, listeners: 18 });
    const files = [writeEstate(`${stack}-baishan`, b.yaml), writeEstate(`${stack}-gaap`, g.yaml)];
    const resources = spec.baishan + g.resources;
    log(`local cost ${resources} resources: building the matching live state`);
    const setup = await runApply(ctx, files);
    if (setup.result?.failed) throw new Error(`local-cost setup failed: ${setup.events.failed.join('; ')}`);
    log(`local cost ${resources} resources: measuring (child process)`);
    const out = await child(join(here, 'local-cost.mjs'), { files, cwd: work }, ctx.env);
    return {
      resources,
      baishanDomains: spec.baishan,
      gaapResources: g.resources,
      readCalls: out.readCalls,
      cold: out.cold,
      warm: out.warm,
      peakRssMb: out.peakRssMb,
    };
  } finally {
    await emu.close();
  }
}

function child(script, arg, env) {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF=DIR writes a V8 CPU profile of the child (load + read + plan) into DIR.
    const prof = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
    const p = spawn(process.execPath, [...prof, '--expose-gc', script, JSON.stringify(arg)], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) reject(new Error(`${script} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const scale = CONFIG.rateWindowScale;
  const { baishanMs, gaapMs } = windows(scale);
  const emu = await startEmulator({
    latencyMs: CONFIG.latencyMs,
    rateWindowScale: scale,
    asyncDelayMs: CONFIG.asyncDelayMs,
    asyncDelayByKindMs: asyncDelays(scale),
    baishanAutoDomains: true,
    seed: 1,
  });
  // Layer 7 objects are in the GAAP estates when the registry has a kind for them (and
  // BENCH_L4_ONLY is not set); the loader validates them in openSession either way.
  const l7 = !process.env.BENCH_L4_ONLY && GAAP_KINDS.some((k) => k.handler.type === 'gaap_l7_listener');
  const ctx = {
    emu,
    l7,
    env: emulatorEnv(emu, scale),
    limits: {
      baishan: { limit: DOC.baishanPerMinute, windowMs: baishanMs, latencyMs: CONFIG.latencyMs },
      gaap: { windowMs: gaapMs, latencyMs: CONFIG.latencyMs, delays: asyncDelays(scale) },
    },
  };
  const estates = [];
  let warmUp;
  try {
    // Warm-up, not recorded: the first session of a process compiles the JSON Schema (~0.5 s
    // CPU, reported under local cost) and the emulator's handlers get JIT-compiled. The figures
    // below are steady-state.
    log('warm-up');
    const t = now();
    await runApply(ctx, [
      writeEstate('warm-b', baishanEstate(10, { stack: 'bench-warm', label: 'warm' }).yaml),
    ]);
    await runApply(ctx, [writeEstate('warm-g', gaapEstate(1, { stack: 'bench-warm-g', ipBase: 700 }).yaml)]);
    warmUp = { ms: now() - t };
    await sleep(baishanMs * 1.05);
    let ipBase = 0;
    for (const p of CONFIG.gaapSizes) {
      estates.push(await benchGaap(ctx, p, ipBase));
      ipBase += 2 * Math.max(2, p);
    }
    for (const n of CONFIG.baishanSizes) estates.push(await benchBaishan(ctx, n));
  } finally {
    await emu.close();
  }

  const localCost = [];
  for (const spec of CONFIG.localCost) localCost.push(await benchLocalCost(spec, 0));
  // Cold CPU of the CLI and of load + validate + plan at 1k/10k/50k resources (bench/cpu-cost.mjs).
  // executePlan's own CPU over N independent no-op steps (bench/executor-cost.mjs).
  const executorCost = await benchExecutorCost(CONFIG.executorSteps, { log });
  const cpuCost =
    ONLY && ONLY !== 'cpu'
      ? undefined
      : await benchCpuCost({ log, ...(process.env.BENCH_QUICK ? { sizes: [1000] } : {}) });

  const cpus = os.cpus();
  const results = {
    formatVersion: 1,
    date: new Date().toISOString(),
    durationS: round((Date.now() - started) / 1000),
    machine: {
      cpu: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      memoryGb: round(os.totalmem() / 2 ** 30, 1),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      // Other processes compete for the CPU and stretch wall times: the 1-minute load average
      // at the start and at the end of the run.
      loadAverage: { start: round(loadAtStart[0], 2), end: round(os.loadavg()[0], 2) },
    },
    config: {
      ...CONFIG,
      baishanWindowMs: baishanMs,
      gaapWindowMs: gaapMs,
      gaapKinds: GAAP_KINDS.map((k) => k.handler.type),
      gaapLayer7InEstates: l7,
      pageLimitsInCode: PAGE_LIMITS,
      pageLimitsDocumented: DOC.gaapPage,
    },
    targets: TARGET,
    warmUpMs: warmUp?.ms,
    estates,
    localCost,
    cpuCost,
    executorCost,
  };
  // A partial run (BENCH_ONLY) never replaces the published results.
  const outDir = ONLY ? work : here;
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = renderMarkdown(results);
  writeFileSync(join(outDir, 'RESULTS.md'), md);
  process.stdout.write(md);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
