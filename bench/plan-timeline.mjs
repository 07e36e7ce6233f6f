#!/usr/bin/env node
// Development aid (issue 11): `edgeform plan` of the bench's GAAP estate with P proxies, traced
// call by call (`node bench/plan-timeline.mjs 50`; PLANS=3 plans in a row, FRESH=1 a fresh
// session each time as the CLI does — the default). The estate is built first by an apply from
// empty that is not shown. For each plan: when each call was asked for (client.call), when its
// attempt started (after its rate slot), when it was answered, and when the emulator counted it
// against its action's window (the emulator's limiter, traced on its thread on the same clock);
// then per action the server's windows: how many calls each held and how late each opened after
// the previous one could have. Shows where a plan spends the time above its read floor.
// Needs `npm run build`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { executePlan } from '../dist/executor/execute-plan.js';
import { createPlan } from '../dist/planner/create-plan.js';
import { GaapClient } from '../dist/providers/gaap/gaap-client.js';
import { plan as planWorkflow } from '../dist/workflow/run-plan.js';
import { openSession } from '../dist/workflow/session.js';
import { emulatorEnv, startEmulatorThread } from './emulator-thread.mjs';
import { gaapEstate } from './estates.mjs';
import { threadCpu } from './thread-cpu.mjs';

const abs = () => performance.timeOrigin + performance.now();

await main();

async function main() {
  const P = Number(process.argv[2] ?? 50);
  const PLANS = Number(process.env.PLANS ?? 3);
  const scale = 0.05;
  const windowMs = 1000 * scale;
  const emu = await startEmulatorThread(
    {
      latencyMs: 20,
      rateWindowScale: scale,
      asyncDelayMs: 100,
      asyncDelayByKindMs: { proxy: 3000, group: 1500, listener: 250, domain: 150, rule: 150 },
      seed: 1,
    },
    { traceTakes: true },
  );
  const env = emulatorEnv(emu, scale);
  const work = mkdtempSync(join(os.tmpdir(), 'edgeform-plan-timeline-'));
  const file = join(work, 'estate.yaml');
  writeFileSync(file, gaapEstate(P, { stack: `plan-timeline-${P}`, l7: true }).yaml);

  const s = await openSession({ files: [file], cwd: work, env, sandbox: false, events: () => {} });
  const built = await createPlan({
    stack: s.stack.stack,
    sources: s.stack.files,
    providers: s.providers,
    events: () => {},
  });
  await executePlan(built.plan, { providers: s.providerMap, events: () => {}, parallelism: 64 });
  await s.close();
  await new Promise((r) => setTimeout(r, 300));

  // Each call: asked (client.call entered), answered; the attempt's start from its api-call event.
  let calls = [];
  const call = GaapClient.prototype.call;
  GaapClient.prototype.call = function traced(action, params, opts) {
    const c = { action, asked: abs(), sent: Number.NaN, answered: Number.NaN };
    calls.push(c);
    return call.call(this, action, params, opts).finally(() => {
      c.answered = abs();
    });
  };
  const f = (x, w = 6) => (Number.isFinite(x) ? x.toFixed(0) : '-').padStart(w);
  for (let k = 0; k < PLANS; k++) {
    await emu.takes();
    calls = [];
    const attempts = [];
    const c0 = threadCpu();
    const e0 = await emu.cpu();
    const t0 = abs();
    let readStart = Number.NaN;
    let readEnd = Number.NaN;
    await planWorkflow({
      files: [file],
      cwd: work,
      env,
      sandbox: false,
      events: (e) => {
        if (e.kind === 'api-call')
          attempts.push({
            action: e.action,
            end: abs(),
            ms: e.durationMs,
            status: e.status,
            code: e.errorCode,
          });
        else if (e.kind === 'read-start') readStart = abs();
        else if (e.kind === 'read-done') readEnd = abs();
      },
    });
    const wall = abs() - t0;
    const c1 = threadCpu();
    const e1 = await emu.cpu();
    await new Promise((r) => setTimeout(r, 50));
    const takes = (await emu.takes()).filter((x) => !x.key.startsWith('tag:'));
    // Attempts in order of their ends, per action: the first attempt of the i-th call answered.
    const byAction = new Map();
    for (const a of attempts) {
      const g = byAction.get(a.action) ?? { attempts: [], calls: [], takes: [] };
      g.attempts.push(a);
      byAction.set(a.action, g);
    }
    for (const c of calls) byAction.get(c.action)?.calls.push(c);
    for (const x of takes) byAction.get(x.key)?.takes.push(x);
    const refused = takes.filter((x) => !x.allowed).length;
    console.log(
      `\nplan ${k + 1}: wall ${f(wall)} ms, before the reads ${f(readStart - t0)}, reads ${f(readEnd - readStart)}, after ${f(t0 + wall - readEnd)}; ${calls.length} calls, ${refused} refused; CPU ms (wait): edgeform ${c1.cpuMs - c0.cpuMs} (${f(c1.waitMs - c0.waitMs, 0)}), emulator ${e1.cpuMs - e0.cpuMs} (${f(e1.waitMs - e0.waitMs, 0)})`,
    );
    console.log(
      'action                        calls  asked  sent1  sentN answerN  call ms med/max  counted first..last  windows (calls: opened late by ms)',
    );
    const r0 = readStart;
    const rows = [...byAction].sort(
      (x, y) => Math.min(...x[1].calls.map((c) => c.asked)) - Math.min(...y[1].calls.map((c) => c.asked)),
    );
    for (const [action, g] of rows) {
      const sends = g.attempts.map((a) => a.end - a.ms).sort((a, b) => a - b);
      const ms = g.attempts.map((a) => a.ms).sort((a, b) => a - b);
      const asked = Math.min(...g.calls.map((c) => c.asked));
      const answered = Math.max(...g.calls.map((c) => c.answered));
      // The server's fixed windows as it opened them: a window opens at the first count after the
      // previous one's end; "late" is how long after that end it opened (0 for the first).
      const wins = [];
      for (const x of g.takes) {
        const w = wins[wins.length - 1];
        if (!w || x.t - w.start >= windowMs)
          wins.push({ start: x.t, n: x.allowed ? 1 : 0, late: w ? x.t - w.start - windowMs : 0 });
        else if (x.allowed) w.n++;
      }
      const counted = g.takes.map((x) => x.t);
      console.log(
        `${action.padEnd(28)} ${String(g.calls.length).padStart(5)} ${f(asked - r0)} ${f(sends[0] - r0)} ${f(sends[sends.length - 1] - r0)} ${f(answered - r0, 7)} ${f(ms[ms.length >> 1], 8)}/${f(ms[ms.length - 1], 0)}  ${f(Math.min(...counted) - r0, 8)}..${f(Math.max(...counted) - r0, 0)}  ${wins.map((w) => `${w.n}${w.late > 0.5 ? `:${w.late.toFixed(0)}` : ''}`).join(' ')}`,
      );
    }
    if (process.env.CALLS) {
      for (const [action, g] of rows) {
        const sends = g.attempts
          .map((a) => [a.end - a.ms - r0, a.end - r0, a.status])
          .sort((a, b) => a[0] - b[0]);
        const counts = g.takes.map((x) => `${(x.t - r0).toFixed(1)}${x.allowed ? '' : '!'}`);
        console.log(
          `${action}: sent→answered ${sends.map(([a, b]) => `${a.toFixed(1)}→${b.toFixed(1)}`).join(' ')}`,
        );
        console.log(`${' '.repeat(action.length)}  counted ${counts.join(' ')}`);
      }
    }
  }
  await emu.close();
}
