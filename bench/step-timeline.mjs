// Step timelines of one execution (bench/apply-timeline.mjs, bench/sched-sim.mjs): when each
// step started, registered its wait and was done, from the executor's events; what a run's
// critical chain spent where; slots and calls in flight over time.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { waitKind } from './bounds.mjs';
import { emulatorEnv } from './emulator-thread.mjs';
import { gaapEstate } from './estates.mjs';

/**
 * The bench's GAAP estate of `p` proxies (with layer 7) written to a fresh temporary folder, and
 * the environment that points edgeform at emulator `emu` on the clock scaled by `scale`.
 */
export function gaapEstateOn(emu, p, scale, label) {
  const env = emulatorEnv(emu, scale);
  const work = mkdtempSync(join(os.tmpdir(), `edgeform-${label}-`));
  const file = join(work, 'estate.yaml');
  writeFileSync(file, gaapEstate(p, { stack: `${label}-${p}`, l7: true }).yaml);
  return { env, work, file };
}

const f0 = (x) => x.toFixed(0).padStart(6);

export class StepTimeline {
  /** Per step id: { start, wait, done } in the caller's ms. */
  times = new Map();

  /** Records a step event at `t`. */
  observe(e, t) {
    if (e.kind !== 'step-start' && e.kind !== 'step-wait' && e.kind !== 'step-done') return;
    let x = this.times.get(e.stepId);
    if (!x) {
      x = {};
      this.times.set(e.stepId, x);
    }
    if (e.kind === 'step-start') x.start = t;
    else if (e.kind === 'step-wait') x.wait ??= t;
    else x.done = t;
  }

  /**
   * Mean calls in flight (`calls`: { end, ms }), steps holding a slot and steps ready but not
   * started over [lo, hi), sampled every 5 ms.
   */
  occupancy(steps, calls, t0, lo, hi) {
    const byId = new Map(steps.map((x) => [x.id, x]));
    let inFlight = 0;
    let running = 0;
    let ready = 0;
    let samples = 0;
    for (let t = lo; t < hi; t += 5) {
      samples++;
      for (const c of calls) if (c.end - c.ms <= t && c.end > t) inFlight++;
      for (const [id, x] of this.times) {
        if (x.start === undefined) continue;
        const freed = x.wait ?? x.done ?? Number.POSITIVE_INFINITY;
        if (x.start <= t && freed > t) running++;
        let r = t0;
        for (const d of byId.get(id).dependsOn) r = Math.max(r, this.times.get(d)?.done ?? t0);
        if (r <= t && x.start > t) ready++;
      }
    }
    return { calls: inFlight / samples, running: running / samples, ready: ready / samples };
  }

  /**
   * The run's own critical chain: from the step done last, back through the dependency done last,
   * each step's time split into waiting to start (ready, but no slot or budget), its calls (start
   * to the wait's registration, or to done), and its wait (registration to done, against the kind's
   * delay). Then the same split summed over all steps, by the step's first action.
   */
  criticalChain(steps, t0, delayOf) {
    const byId = new Map(steps.map((s) => [s.id, s]));
    const readyAt = (s) => {
      let r = t0;
      for (const d of s.dependsOn) {
        const t = this.times.get(d)?.done;
        if (t !== undefined && byId.has(d)) r = Math.max(r, t);
      }
      return r;
    };
    const actionOf = (s) => s.payload?.calls?.[0]?.action ?? s.payload?.wait?.action ?? s.action;
    const split = (s) => {
      const x = this.times.get(s.id) ?? {};
      const ready = readyAt(s);
      const callsEnd = x.wait ?? x.done;
      return {
        queued: x.start - ready,
        calls: callsEnd - x.start,
        waited: x.wait === undefined ? 0 : x.done - x.wait,
        delay: waitKind(s) === undefined ? 0 : delayOf(waitKind(s)),
      };
    };
    let last;
    for (const s of steps) {
      const d = this.times.get(s.id)?.done;
      if (d !== undefined && (!last || d > this.times.get(last.id).done)) last = s;
    }
    const chain = [];
    for (let s = last; s; ) {
      chain.push(s);
      let prev;
      for (const d of s.dependsOn) {
        const dep = byId.get(d);
        const t = this.times.get(d)?.done;
        if (dep && t !== undefined && (!prev || t > this.times.get(prev.id).done)) prev = dep;
      }
      s = prev;
    }
    const out = ['\ncritical chain of this run (ms after the execution began):'];
    out.push(
      'step                                              ready  queued   calls  waited (delay)   done',
    );
    for (const s of chain.reverse()) {
      const p = split(s);
      out.push(
        `${`${actionOf(s)} ${s.id}`.slice(0, 48).padEnd(48)} ${f0(readyAt(s) - t0)} ${f0(p.queued)} ${f0(p.calls)} ${f0(p.waited)} (${f0(p.delay)}) ${f0(this.times.get(s.id).done - t0)}`,
      );
    }
    const sums = new Map();
    for (const s of steps) {
      if (this.times.get(s.id)?.done === undefined) continue;
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
}
