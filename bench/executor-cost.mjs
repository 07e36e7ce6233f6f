// The executor's own CPU cost: `executePlan` over N independent no-op steps of one provider that
// answers at once, so everything measured is scheduling, bookkeeping and progress events.
// Run alone: `node bench/executor-cost.mjs 1000 10000 50000` prints one JSON line per size.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { executePlan } from '../dist/executor/execute-plan.js';

function noopPlan(n) {
  const steps = [];
  for (let i = 0; i < n; i++) {
    steps.push({
      id: `s${i}`,
      provider: 'noop',
      action: 'Noop',
      operation: 'update',
      summary: `no-op ${i}`,
      addresses: [`noop.${i}`],
      dependsOn: [],
      destructive: false,
      payload: null,
    });
  }
  return {
    formatVersion: '1.0',
    tool: { name: 'edgeform', version: 'bench' },
    createdAt: new Date(0).toISOString(),
    stack: 'bench',
    sources: [],
    partial: false,
    targets: [],
    changes: [],
    steps,
    summary: { add: 0, change: 0, destroy: 0, replace: 0 },
    warnings: [],
    liveFingerprints: {},
  };
}

const noopProvider = {
  id: 'noop',
  hasDesired: true,
  limits: { concurrency: 32 },
  read: async () => ({ provider: 'noop', data: null, calls: 0, warnings: [] }),
  plan: () => ({ changes: [], steps: [], warnings: [], liveFingerprints: {} }),
  fingerprints: () => ({}),
  execute: async () => ({ outputs: {}, calls: 0 }),
  estimateRemainingMs: (steps) => steps.length,
};

/** CPU milliseconds (user + system) and wall milliseconds of one executePlan over `n` no-op steps. */
export async function executorCost(n) {
  const plan = noopPlan(n);
  let events = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await executePlan(plan, {
    providers: new Map([['noop', noopProvider]]),
    events: () => {
      events++;
    },
    parallelism: 10,
  });
  const cpu = process.cpuUsage(cpu0);
  if (result.done !== n) throw new Error(`executor cost: ${result.done} of ${n} steps done`);
  return {
    steps: n,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    wallMs: Math.round(performance.now() - t0),
    events,
  };
}

/** Each size in a fresh process (no JIT or heap state carried over), in turn. */
export async function benchExecutorCost(sizes, { log = () => {} } = {}) {
  const rows = [];
  for (const n of sizes) {
    log(`executor cost: executePlan over ${n} no-op steps (child process)`);
    rows.push(await inChild(n));
  }
  return { targetCpuMs10k: 1000, rows };
}

function inChild(n) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), String(n)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`executor-cost ${n} exited ${code}`)),
    );
  });
}

/** Markdown for RESULTS.md. */
export function renderExecutorCost(r) {
  const out = ['## Executor CPU cost (issue 11)', ''];
  out.push(
    `\`executePlan\` over N independent no-op steps of one provider that answers at once: scheduling, bookkeeping and progress events only, in a fresh process per size. Target: under ${r.targetCpuMs10k} ms CPU at 10,000 steps, growing linearly.`,
    '',
    '| steps | CPU ms | wall ms | events | CPU µs per step | result |',
    '| ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const row of r.rows) {
    const perStep = Math.round((row.cpuMs * 1000) / row.steps);
    const verdict = row.steps === 10_000 ? (row.cpuMs < r.targetCpuMs10k ? 'pass' : '**miss**') : '–';
    out.push(
      `| ${row.steps.toLocaleString('en-US')} | ${row.cpuMs} | ${row.wallMs} | ${row.events} | ${perStep} | ${verdict} |`,
    );
  }
  out.push('');
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const n of process.argv.slice(2).map(Number)) {
    process.stdout.write(`${JSON.stringify(await executorCost(n))}\n`);
  }
}
