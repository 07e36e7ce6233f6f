// Child process of cpu-cost.mjs: the cold CPU of load + validate + plan + render, stage by stage,
// in a fresh process, the way one `edgeform plan` run pays for it. Only the network read of the
// live state is left out (its CPU is measured and subtracted); the live state matches the YAML.
// Argument (JSON): { files, cwd, changedFiles? }. Prints one JSON line.
const bootstrap = process.cpuUsage();
const ms = (u) => (u.user + u.system) / 1000;
const since = (c0) => ms(process.cpuUsage(c0));

const { files, cwd, changedFiles } = JSON.parse(process.argv[2]);
const env = process.env;
const noop = () => {};

// What `edgeform plan` imports, minus commander (see the --version row for that): the stages,
// from the chunks of the bundled CLI (dist/cli/plan-pipeline.js, scripts/bundle-cli.mjs).
const c0 = process.cpuUsage();
const { openSession, createPlan, renderPlanText, makeColors } = await import('../dist/cli/plan-pipeline.js');
// The JIT setting the CLI makes once a command's modules are loaded (src/cli/jit-tuning.ts, main.ts).
(await import('../dist/cli/jit-tuning.js')).tuneJitForShortRun();
const importMs = since(c0);
const colors = makeColors(false);

/** load + validate (openSession: loadStack and the providers, no network), read (subtracted), plan, render. */
async function run(theFiles) {
  let c = process.cpuUsage();
  const session = await openSession({ files: theFiles, cwd, env, sandbox: false, events: noop });
  const loadMs = since(c);
  // The providers read over the network; the planner starts once every read is done. CPU from
  // the start of createPlan to the last read's end is the read's, not the plan's.
  let readsLeft = session.providers.filter((p) => p.hasDesired).length;
  let readDone;
  const providers = session.providers.map((p) => ({
    id: p.id,
    hasDesired: p.hasDesired,
    limits: p.limits,
    read: async (ctx) => {
      const live = await p.read(ctx);
      if (--readsLeft === 0) readDone = process.cpuUsage();
      return live;
    },
    plan: (l, ctx) => p.plan(l, ctx),
    execute: (s, ctx) => p.execute(s, ctx),
    fingerprints: (l, a) => p.fingerprints(l, a),
  }));
  c = process.cpuUsage();
  const result = await createPlan({
    stack: session.stack.stack,
    sources: session.stack.files,
    providers,
    events: noop,
  });
  const end = process.cpuUsage();
  await session.close();
  const readMs = ms({ user: readDone.user - c.user, system: readDone.system - c.system });
  const planMs = ms({ user: end.user - readDone.user, system: end.system - readDone.system });
  c = process.cpuUsage();
  const text = renderPlanText(result.plan, colors);
  const renderMs = since(c);
  return {
    loadMs,
    readMs,
    planMs,
    renderMs,
    textKb: text.length / 1024,
    declared: session.stack.baishan.domains.length,
    changes: result.plan.changes.length,
    changed: result.plan.changes.filter((x) => x.kind !== 'no-op').length,
    steps: result.plan.steps.length,
  };
}

const cold = await run(files);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const changed = changedFiles ? await run(changedFiles) : undefined;
process.stdout.write(
  `${JSON.stringify({
    bootstrapMs: ms(bootstrap),
    importMs,
    cold,
    // Cold total: what one run costs, the network read excepted.
    coldCpuMs: ms(bootstrap) + importMs + cold.loadMs + cold.planMs + cold.renderMs,
    peakRssMb,
    changed,
  })}\n`,
);
