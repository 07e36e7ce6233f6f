// `node --require bench/cpu-at-exit.cjs …`: when the process exits, writes its own CPU time
// (user + system, from process start, so Node's bootstrap is included) and peak RSS as JSON to
// the file named by EDGEFORM_BENCH_CPU_OUT. Portable (no /usr/bin/time); costs well under 1 ms.
const { writeFileSync } = require('node:fs');

const out = process.env.EDGEFORM_BENCH_CPU_OUT;
if (out) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(
      out,
      JSON.stringify({ cpuMs: (user + system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 }),
    );
  });
}
