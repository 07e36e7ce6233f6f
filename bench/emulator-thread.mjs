// The emulator on its own thread (same process, own event loop). Run in-process on the main
// thread, its request handling would share one event loop with the client under test and every
// millisecond of emulator CPU would count as edgeform's wall time — a cost the real APIs do not
// put on the client. Exposes what run.mjs needs of RunningEmulator (urls, stats, resetStats,
// close), asynchronously, and the CPU time of the emulator's thread (cpu).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { EMULATOR_DEFAULTS } from '../dist/emulator/emulator-defaults.js';
import { threadCpu } from './thread-cpu.mjs';

if (!isMainThread) {
  const { options, traceTakes } = workerData;
  // With traceTakes, each verdict of the emulator's rate limiter, on the absolute clock both
  // threads share (plan-timeline.mjs: when the server counted each call against its window).
  const takes = [];
  if (traceTakes) {
    const { FixedWindowLimiter } = await import('../dist/emulator/server-kit.js');
    const take = FixedWindowLimiter.prototype.take;
    FixedWindowLimiter.prototype.take = function traced(key) {
      const r = take.call(this, key);
      takes.push({ t: performance.timeOrigin + performance.now(), key, allowed: r.allowed });
      return r;
    };
  }
  const { startEmulator } = await import('../dist/emulator/index.js');
  const emu = await startEmulator(options);
  parentPort.on('message', async ({ id, op }) => {
    let value = null;
    if (op === 'stats') value = JSON.parse(JSON.stringify(emu.stats()));
    else if (op === 'resetStats') emu.resetStats();
    else if (op === 'cpu') value = threadCpu() ?? null;
    else if (op === 'takes') value = takes.splice(0);
    else if (op === 'close') await emu.close();
    parentPort.postMessage({ id, value });
    if (op === 'close') parentPort.close();
  });
  parentPort.postMessage({ id: 0, value: { gaap: emu.gaap, baishan: emu.baishan } });
}

/**
 * The environment (over `base`) that points edgeform at emulator `emu` (its `gaap` and `baishan`
 * urls) with the emulator's credentials, on the clock scaled by `scale`: the provider's rate
 * windows and poll pacing scale with it, as the emulator's do.
 */
export function emulatorEnv(emu, scale, base = process.env) {
  return {
    ...base,
    EDGEFORM_RATE_WINDOW_SCALE: String(scale),
    EDGEFORM_GAAP_ENDPOINT: emu.gaap,
    EDGEFORM_BAISHAN_ENDPOINT: emu.baishan,
    TENCENTCLOUD_SECRET_ID: EMULATOR_DEFAULTS.secretId,
    TENCENTCLOUD_SECRET_KEY: EMULATOR_DEFAULTS.secretKey,
    BAISHAN_TOKEN: EMULATOR_DEFAULTS.baishanToken,
  };
}

/**
 * Starts the emulator (startEmulator options) on a worker thread. `traceTakes`: record its rate
 * limiter's verdicts, read (and cleared) with `takes()`.
 */
export function startEmulatorThread(options, { traceTakes = false } = {}) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { options, traceTakes } });
  const pending = new Map();
  let next = 1;
  let ready;
  const started = new Promise((resolve, reject) => {
    ready = resolve;
    worker.once('error', reject);
  });
  worker.on('message', ({ id, value }) => {
    if (id === 0) return ready(value);
    pending.get(id)?.(value);
    pending.delete(id);
  });
  const ask = (op) =>
    new Promise((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      worker.postMessage({ id, op });
    });
  return started.then((urls) => ({
    gaap: urls.gaap,
    baishan: urls.baishan,
    stats: () => ask('stats'),
    resetStats: () => ask('resetStats'),
    /** { cpuMs, waitMs } of the emulator's thread so far (thread-cpu.mjs), or null. */
    cpu: () => ask('cpu'),
    /** The limiter's verdicts { t, key, allowed } since the last call (traceTakes only). */
    takes: () => ask('takes'),
    close: async () => {
      await ask('close');
      await worker.terminate();
    },
  }));
}
