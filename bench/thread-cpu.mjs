// CPU time of the calling thread and the time it waited for a CPU, from Linux's /proc/thread-self.
// process.cpuUsage() counts the whole process (the emulator's worker thread included) and Node 20
// has no per-thread figure, so the bench reads the kernel's:
// - cpuMs: user + system time (`stat` fields 14 and 15; one clock tick, 10 ms, of resolution);
// - sysMs: the system (kernel) part of it: on loopback HTTP mostly the socket writes, whose TCP
//   processing, delivery to the receiving socket and wake-up of the receiving thread are charged
//   to the sender;
// - waitMs: time the thread was runnable but waited for a CPU (`schedstat` field 2, run_delay,
//   in ns): what other processes on the machine took from it;
// - runMs: the time it ran (`schedstat` field 1, in ns): cpuMs without the tick, for short spans
//   (a small plan's local work is 5-20 ms, which ticks round to 0, 10 or 20).
// Undefined where /proc/thread-self does not exist.
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on every Linux Node supports

/** { cpuMs, sysMs, waitMs, runMs } of the calling thread so far, or undefined. */
export function threadCpu() {
  let stat;
  let sched;
  try {
    stat = readFileSync('/proc/thread-self/stat', 'utf8');
    sched = readFileSync('/proc/thread-self/schedstat', 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may contain spaces, hence the last ')'): utime is the
  // 14th field of the line, stime the 15th.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [run, wait] = sched.split(' ');
  return {
    cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS,
    sysMs: Number(f[12]) * TICK_MS,
    waitMs: Number(wait) / 1e6,
    runMs: Number(run) / 1e6,
  };
}
