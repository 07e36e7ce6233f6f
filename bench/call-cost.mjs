#!/usr/bin/env node
// Development aid (issue 11, CPU per call): N GAAP calls through edgeform's GaapClient against the
// emulator on its worker thread, with no latency, no rate limits and no asynchronous delays, C at
// a time, and the CPU each thread spent per call (thread-cpu.mjs): the fixed cost of a call on
// each side (signing and verifying, HTTP, JSON, validation), apart from the account's size and
// the schedule.
// `node bench/call-cost.mjs [N=4000] [C=64]`. Needs `npm run build`.
import { EMULATOR_DEFAULTS } from '../dist/emulator/emulator-defaults.js';
import { GaapClient } from '../dist/providers/gaap/gaap-client.js';
import { KeyedRateLimiter, RateLimiter } from '../dist/transport/rate-limiter.js';
import { startEmulatorThread } from './emulator-thread.mjs';
import { threadCpu } from './thread-cpu.mjs';

const N = Number(process.argv[2] ?? 4000);
const C = Number(process.argv[3] ?? 64);
const emu = await startEmulatorThread({
  latencyMs: 0,
  // DescribeRealServers keeps its own 1,000 a window whatever the limit: windows of 1 ms.
  gaapRateLimitPerSecond: 1e6,
  rateWindowScale: 0.001,
  asyncDelayMs: 0,
  seed: 1,
});
const client = new GaapClient({
  credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
  endpoint: emu.gaap,
  region: 'ap-guangzhou',
  // A window of 1 ms: the limiter keeps what a real window holds (a few dozen calls), not 1e6.
  limiters: new KeyedRateLimiter(() => new RateLimiter({ limit: 1e6, windowMs: 1 })),
});

// 50 real servers; then a write that changes one record (the state does not grow), a read of one
// record by ID and a read of a page of 20.
const ids = [];
for (let k = 0; k < 50; k++) {
  const r = await client.call('AddRealServers', {
    RealServerIP: [`10.0.0.${k}`],
    RealServerName: `rs-${k}`,
    ProjectId: 0,
  });
  ids.push(r.RealServerSet[0].RealServerId);
}
let i = 0;
async function one(k) {
  const id = ids[k % ids.length];
  const m = k % 3;
  if (m === 0) await client.call('ModifyRealServerName', { RealServerId: id, RealServerName: `rs-${k}` });
  else if (m === 1)
    await client.call('DescribeRealServers', { ProjectId: 0, SearchValue: id, Limit: 1, Offset: 0 });
  else await client.call('DescribeRealServers', { ProjectId: 0, Limit: 20, Offset: 0 });
}
async function run(n) {
  i = 0;
  const worker = async () => {
    while (i < n) await one(i++);
  };
  await Promise.all(Array.from({ length: C }, worker));
}
await run(600); // warm-up: JIT, sockets
const c0 = threadCpu();
const e0 = await emu.cpu();
const t0 = performance.now();
await run(N);
const wall = performance.now() - t0;
const c1 = threadCpu();
const e1 = await emu.cpu();
const per = (a, b, k) => (((b[k] - a[k]) * 1000) / N).toFixed(0);
const side = (a, b) =>
  `${per(a, b, 'cpuMs')} (system ${per(a, b, 'sysMs')}), waited for a CPU ${(b.waitMs - a.waitMs).toFixed(0)} ms`;
const { throttled } = (await emu.stats()).gaap;
console.log(`${N} calls, ${C} at a time, ${wall.toFixed(0)} ms, ${throttled} refused; CPU µs per call:`);
console.log(`  client   ${side(c0, c1)}`);
console.log(`  emulator ${side(e0, e1)}`);
await client.close();
await emu.close();
