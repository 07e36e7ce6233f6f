// Renders bench/results.json as Markdown tables (bench/RESULTS.md, also printed by run.mjs).
import { renderCpuCost } from './cpu-cost-report.mjs';
import { renderExecutorCost } from './executor-cost.mjs';

const f0 = (x) => (x === undefined || x === null ? '–' : String(Math.round(x)));
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const mark = (ok) => (ok ? 'pass' : '**miss**');

function economy(calls, minimum, target) {
  const ratio = minimum > 0 ? calls / minimum : calls === 0 ? 1 : Number.POSITIVE_INFINITY;
  return { ratio, ok: ratio <= target + 1e-9 };
}

/**
 * Where each run's CPU went: edgeform's thread and the emulator's (bench/thread-cpu.mjs). The
 * emulator serves requests on one thread; its CPU ÷ the run's network time near 1 means the
 * emulator, not edgeform's schedule, set the pace.
 */
function renderThreadCpu(estates) {
  const rows = [];
  for (const e of estates) {
    for (const [key, name] of [
      ['plan', 'plan (matching)'],
      ['applyCreate', 'apply from empty'],
      ['applyChange', 'apply the same change everywhere'],
    ]) {
      const x = e.time[key];
      const c = x.cpu;
      if (!c) continue;
      const perCall = c.served > 0 ? (1000 * c.emulatorMs) / c.served : undefined;
      const clientPerCall = c.served > 0 ? (1000 * c.clientMs) / c.served : undefined;
      rows.push(
        `| ${e.label} | ${name} | ${f0(x.wallMs)} | ${f0(c.clientMs)} (${f0(c.clientWaitMs)}) | ${f0(c.emulatorMs)} (${f0(c.emulatorWaitMs)}) | ${c.served} | ${f0(clientPerCall)} | ${f0(perCall)} | ${f2(c.emulatorMs / x.networkMs)} |`,
      );
    }
  }
  if (rows.length === 0) return [];
  return [
    "CPU of the bench's two threads in each run (Linux per-thread CPU time, 10 ms resolution), and in brackets the time each was ready to run but waited for a CPU that other processes held (`run_delay`): edgeform's thread (load, validate, plan, execute, HTTP client) and the emulator's (HTTP server, signature checks, state). Per request, edgeform's figure counts all its thread did in the operation (plan, executor, watchers, HTTP client), the emulator's all its thread did (HTTP server, signature checks, validation, state). The emulator's CPU ÷ network time near 1.00 means it served requests as fast as its thread could and set the pace; a wait comparable to the wall time means the machine, not the schedule, set it.",
    '',
    '| estate | operation | wall ms | edgeform thread CPU (wait) ms | emulator thread CPU (wait) ms | requests served | edgeform CPU µs per request | emulator CPU µs per request | emulator CPU ÷ network time |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ];
}

export function renderMarkdown(r) {
  const t = r.targets;
  const c = r.config;
  const out = [];
  out.push('# edgeform benchmark results', '');
  out.push(
    `${r.date} · ${r.machine.cpu} · ${r.machine.cores} cores · ${r.machine.memoryGb} GB · ${r.machine.os} · Node ${r.machine.node} · run took ${r.durationS} s · load average ${r.machine.loadAverage.start} at the start, ${r.machine.loadAverage.end} at the end (other processes on the machine stretch wall times)`,
    '',
    `Emulator in-process: ${c.latencyMs} ms latency per call, real rate limits (GAAP 20/s per action, Baishan 30/min per account) on a clock scaled by ${c.rateWindowScale} (a GAAP second lasts ${c.gaapWindowMs} ms, a Baishan minute ${c.baishanWindowMs / 1000} s), GAAP asynchronous states last ${
      c.asyncDelayRealMs
        ? Object.entries(c.asyncDelayRealMs)
            .map(([k, ms]) => `${k} ${ms * c.rateWindowScale} ms`)
            .join(', ')
        : `${c.asyncDelayMs} ms`
    }. Executor parallelism ${c.parallelism}. GAAP kinds registered: ${c.gaapKinds.join(', ')}; GAAP estates ${c.gaapLayer7InEstates ? 'include one HTTP listener per proxy with one domain and two rules' : 'are layer 4 only'}. How each figure is defined: bench/README.md.`,
    '',
  );

  out.push('## 1. Read economy: API calls made by `plan` on an estate matching the YAML', '');
  out.push(`Target: calls ÷ minimum = ${t.economy.toFixed(2)}.`, '');
  out.push(
    "| estate | plan calls | minimum | ratio | result | apply's read on the empty account (calls / minimum) |",
  );
  out.push('| --- | ---: | ---: | ---: | --- | ---: |');
  for (const e of r.estates) {
    const x = economy(e.read.calls, e.read.minimum, t.economy);
    out.push(
      `| ${e.label} | ${e.read.calls} | ${e.read.minimum} | ${f2(x.ratio)} | ${mark(x.ok)} | ${e.read.onEmpty.calls} / ${e.read.onEmpty.minimum} |`,
    );
  }
  out.push('');

  out.push('## 2. Write economy: API calls made by `apply`', '');
  out.push(
    `Target: write calls ÷ minimum = ${t.economy.toFixed(2)}. GAAP status polls (waits for asynchronous states) are counted apart from writes; their minimum is one poll per asynchronous write.`,
    '',
  );
  out.push('| estate | scenario | write calls | minimum | ratio | result | status polls / minimum |');
  out.push('| --- | --- | ---: | ---: | ---: | --- | ---: |');
  for (const e of r.estates) {
    for (const [key, name] of [
      ['create', 'apply from empty'],
      [
        'identicalChange',
        e.provider === 'baishan' ? 'same change on every domain' : 'same change on every proxy',
      ],
    ]) {
      const w = e.write[key];
      const x = economy(w.calls, w.minimum, t.economy);
      const polls = w.polls === undefined ? '–' : `${w.polls} / ${w.minimumPolls}`;
      out.push(
        `| ${e.label} | ${name} | ${w.calls} | ${w.minimum} | ${f2(x.ratio)} | ${mark(x.ok)} | ${polls} |`,
      );
    }
  }
  out.push('');

  out.push('## 3. Time against the rate-limit bound', '');
  out.push(
    `Target: wall time ÷ bound ≤ ${t.time.toFixed(2)}. Wall time is the whole workflow (load and validate the YAML, read, diff, execute). "Network" is the part between the first read and the last answer. The bound is the least time the rate limits, the latency and (GAAP) the dependency graph and asynchronous states impose on the same calls; for a plan it also includes the CPU edgeform spent outside its reads in the same run (loading and validating before them, diffing and rendering after; "bound set by" shows both parts), since that work cannot overlap the reads and is measured, with its own targets, under "Local cost". The last two columns recompute the bound with the median call duration edgeform observed (emulated latency + HTTP + signing + emulator work + CPU contention) instead of the configured latency: what remains above 1.00 there is orchestration (caps on steps in flight, polling, phases run one after the other), not per-call cost.`,
    '',
  );
  out.push(
    '| estate | operation | wall ms | network ms | bound ms | bound set by | wall ÷ bound | result | median call ms | wall ÷ bound at that latency |',
  );
  out.push('| --- | --- | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: |');
  for (const e of r.estates) {
    for (const [key, name] of [
      ['plan', 'plan (matching)'],
      ['applyCreate', 'apply from empty'],
      ['applyChange', 'apply the same change everywhere'],
    ]) {
      const x = e.time[key];
      const ratio = x.wallMs / x.boundMs;
      out.push(
        `| ${e.label} | ${name} | ${f0(x.wallMs)} | ${f0(x.networkMs)} | ${f0(x.boundMs)} | ${x.setBy ?? ''} | ${f2(ratio)} | ${mark(ratio <= t.time)} | ${f0(x.observedCallMs)} | ${f2(x.wallMs / x.boundObservedMs)} |`,
      );
    }
    if (e.whatIf) {
      const w = e.whatIf;
      const ratio = w.wallMs / w.boundMs;
      out.push(
        `| ${e.label} | what-if: apply from empty, parallelism ${w.parallelism}, GAAP concurrency ${w.gaapConcurrency} (not a target row) | ${f0(w.wallMs)} | ${f0(w.networkMs)} | ${f0(w.boundMs)} | critical path | ${f2(ratio)} | ${ratio <= t.time ? 'would pass' : 'would miss'} | ${f0(w.observedCallMs)} | ${f2(w.wallMs / w.boundObservedMs)} |`,
      );
    }
  }
  out.push('');
  out.push(...renderThreadCpu(r.estates));
  out.push('Throttling and convergence:', '');
  out.push(
    '| estate | server throttled | client throttle events | retries | failed steps | re-plan after apply |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const e of r.estates) {
    out.push(
      `| ${e.label} | ${e.throttling.serverThrottled} | ${e.throttling.clientThrottleEvents} | ${e.throttling.retries} | ${e.failures.length} | ${e.converged ? 'no changes' : '**changes left**'} |`,
    );
  }
  out.push('');

  if (r.warmUpMs !== undefined) {
    out.push(
      `A warm-up apply (10 domains, 1 proxy) ran first and is not recorded: the first session of a process compiles the JSON Schema, which is reported as local cost below, not as time against the rate limits.`,
      '',
    );
  }
  out.push('## 4. Local cost of planning (no network)', '');
  out.push(
    `Target: < ${t.cpuMs} ms CPU and < ${t.memMb} MB for 10,000 declared resources against a matching live state. CPU: process.cpuUsage() around loadStack + createPlan with the live state read beforehand; cold = loadStack as the first thing a fresh process does (JSON Schema compilation included, as in every CLI run) + the first createPlan; warm = both again in the same process. Memory: peak RSS of that process (including the read), and V8 heap in use after planning.`,
    '',
  );
  out.push(
    '| declared resources | Baishan domains + GAAP objects | CPU cold ms (load + plan) | CPU warm ms | wall cold ms | peak RSS MB | heap used MB | steps planned | result |',
  );
  out.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const l of r.localCost) {
    const ok = l.cold.cpuMs < t.cpuMs && l.peakRssMb < t.memMb;
    out.push(
      `| ${l.resources.toLocaleString('en-US')} | ${l.baishanDomains} + ${l.gaapResources} | ${f0(l.cold.cpuMs)} (${f0(l.cold.cpuLoadMs)} + ${f0(l.cold.cpuPlanMs)}) | ${f0(l.warm.cpuMs)} | ${f0(l.cold.wallMs)} | ${f0(l.peakRssMb)} | ${f0(l.cold.heapUsedMb)} | ${l.cold.steps} | ${mark(ok)} |`,
    );
  }
  out.push('');
  if (r.cpuCost) out.push(renderCpuCost(r.cpuCost));
  if (r.executorCost?.rows.length) out.push(renderExecutorCost(r.executorCost));
  out.push(
    'Why figures miss their targets (file and line, and the fix): bench/README.md, "Findings". How each figure is defined: the sections above it.',
    '',
  );
  return `${out.join('\n')}\n`;
}
