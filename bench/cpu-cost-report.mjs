// Renders the cpu-cost.mjs figures (results.json `cpuCost`) as Markdown for RESULTS.md.

const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const mark = (ok) => (ok ? 'pass' : '**miss**');

/** Markdown for RESULTS.md. */
export function renderCpuCost(r) {
  const t = r.targets;
  const out = ['## Local CPU cost, cold (issue 12)', ''];
  out.push(
    `CPU time (user + system) of fresh processes, Node's start-up included (an empty module alone: ${r.nodeFloorMs} ms here), environment PATH and HOME only (no inherited NODE_OPTIONS or NODE_EXTRA_CA_CERTS). Median of several runs; load average ${r.cliLoadAverage.before} → ${r.cliLoadAverage.after}.`,
    '',
    '| command | CPU ms (median) | min | peak RSS MB | target | result |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  );
  const cliTargets = [t.versionMs, t.validateMs];
  r.cli.forEach((c, i) => {
    out.push(
      `| \`${c.label}\` | ${c.cpuMs} | ${c.minCpuMs} | ${c.peakRssMb} | < ${cliTargets[i]} | ${mark(c.cpuMs < cliTargets[i])} |`,
    );
  });
  out.push(
    '',
    'Load + validate + plan against a matching live state, in cold processes (the network read excluded, its CPU subtracted); stages in CPU ms of the process with the median cold total (the least cold total of the runs in brackets). "changed": the same estate with `timeout` changed in `defaults` (every domain updated), planned and rendered in the same process afterwards (warm).',
    '',
    '| resources | Baishan domains | start-up | imports | load + validate | plan | render | **cold total** | peak RSS MB | target | result | changed: load / plan / render ms, steps | load avg |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
  );
  for (const p of r.plans) {
    const target = p.nominal === 10000 ? t.plan10k : p.nominal === 50000 ? t.plan50k : undefined;
    const ok = target ? p.coldCpuMs < target.cpuMs && p.peakRssMb < target.rssMb : undefined;
    const ch = p.changed;
    out.push(
      `| ${p.resources} | ${p.baishanDomains} | ${round(p.bootstrapMs)} | ${round(p.importMs)} | ${round(p.cold.loadMs)} | ${round(p.cold.planMs)} | ${round(p.cold.renderMs)} | **${round(p.coldCpuMs)}**${p.minColdCpuMs !== undefined ? ` (${round(p.minColdCpuMs)} of ${p.runs})` : ''} | ${round(p.peakRssMb)} | ${target ? `< ${target.cpuMs} ms, < ${target.rssMb} MB` : '–'} | ${ok === undefined ? '–' : mark(ok)} | ${ch ? `${round(ch.loadMs)} / ${round(ch.planMs)} / ${round(ch.renderMs)}, ${ch.steps}` : '–'} | ${p.loadAverage.before} → ${p.loadAverage.after} |`,
    );
  }
  out.push('');
  return out.join('\n');
}
