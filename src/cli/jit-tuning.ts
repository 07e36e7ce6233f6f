import { setFlagsFromString } from 'node:v8';

/**
 * NOTE: start-up cost. An edgeform command is a short, cold run: most of its code runs a few
 * thousand times and then never again. V8 still optimises the hottest functions, and TurboFan
 * inlines their callees into each one, so the YAML parser's or the diff's optimised code is a
 * large compile job (25–50 ms each on a background thread, measured with --trace-opt) whose CPU
 * the run pays and rarely earns back. Without inlining (functions are still optimised, one by
 * one) load + validate + plan of 10,000 resources costs ~12 % less CPU cold: 618 against 704 ms
 * median of 5 alternating cold runs each, at load 7 (bench/cpu-cost.mjs estate); 50,000 Baishan
 * domains the same or less (1.40 against 1.48 s). The CLI sets it first thing (main.ts), and
 * bench/cpu-cost-child.mjs likewise. `edgeform emulator` is a long-running server: its action
 * turns inlining back on, for code that runs millions of times.
 */
export function tuneJitForShortRun(): void {
  setFlagsFromString('--no-turbo-inlining');
}

/** The V8 default again, for a long-running process (the emulator server). */
export function tuneJitForLongRun(): void {
  setFlagsFromString('--turbo-inlining');
}
