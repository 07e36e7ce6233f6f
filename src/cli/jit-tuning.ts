import { createRequire } from 'node:module';

/**
 * NOTE: start-up cost. An edgeform command is a short, cold run: most of its code runs a few
 * thousand times and then never again. V8 still optimises the hottest functions, and TurboFan
 * inlines their callees into each one, so the YAML parser's or the diff's optimised code is a
 * large compile job (25–50 ms each on a background thread, measured with --trace-opt) whose CPU
 * the run pays and rarely earns back. Without inlining (functions are still optimised, one by
 * one) load + validate + plan of 10,000 resources costs ~10 % less CPU cold: 815 against 745 ms
 * median of 8 alternating cold runs each at load 6–9 (bench/cpu-cost.mjs estate); 50,000 Baishan
 * domains the same or less. It is set once a command's modules are loaded (main.ts `loaded`;
 * bench/cpu-cost-child.mjs likewise): loading them runs Node's own module loader, which does gain
 * from inlining (set before the imports, they cost ~30 ms more). `edgeform emulator`, a
 * long-running server, keeps V8's defaults.
 */
export function tuneJitForShortRun(): void {
  // node:v8 is required here, not imported: `--version` and `--help` do not load it (~2.5 ms).
  const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString('--no-turbo-inlining');
}
