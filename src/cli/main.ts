#!/usr/bin/env node
import type { Command } from 'commander';
import { EMULATOR_DEFAULTS } from '../emulator/emulator-defaults.js';
import { EDGEFORM_VERSION } from '../version.js';
import type { Shell } from './completion.js';
import type { GlobalFlags } from './global-flags.js';
import { tuneJitForShortRun } from './jit-tuning.js';

// NOTE: start-up cost. This file imports only the version, the emulator's default credentials (a
// module without imports, for --help) and the JIT setting; commander is loaded by main (not for a
// bare `--version`); every command module is
// imported inside its action, when it runs, so `--version`, `--help` and a usage error load no
// YAML, Ajv, undici or emulator code. A new command follows the same shape:
//   .action(async (opts, cmd) => (await loaded(import('./commands/x.js'))).runX({ ...cmd.optsWithGlobals(), ...opts }))
// (test/cli/lazy-imports.test.ts fails when a command module is imported statically here).

// Kept here (not in completion.ts) so that the CLI's start-up does not load the generators.
const SHELLS = ['bash', 'zsh', 'fish'] satisfies Shell[];

/** A command's module, loaded; then the JIT is set for the short run it makes (jit-tuning.ts). */
async function loaded<M>(module: Promise<M>): Promise<M> {
  const m = await module;
  tuneJitForShortRun();
  return m;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new commander.InvalidArgumentError('expected a whole number ≥ 1');
  return n;
};

/** `--max-destroy N` (N ≥ 0) or `off`: no limit. */
const maxDestroy = (value: string): number | 'off' => {
  if (value === 'off') return 'off';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new commander.InvalidArgumentError('expected a whole number ≥ 0, or off');
  return n;
};

function program(): Command {
  const cli = new commander.Command('edgeform')
    .description('Declarative reconciler for Tencent Cloud GAAP and Baishan CDN')
    .version(EDGEFORM_VERSION)
    .option('--no-color', 'disable colour')
    .option('--debug', 'show stack traces on errors')
    .option('-v, --verbose', 'log every API call on stderr')
    .addOption(
      new commander.Option(
        '--events <FORMAT>',
        'jsonl: stderr carries only run events, one JSON object a line (schemas/events.schema.json)',
      )
        .choices(['text', 'jsonl'])
        .default('text'),
    )
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();

  const files = () =>
    new commander.Option(
      '-f, --file <FILE>',
      'desired-state file (repeatable; default edgeform.yaml)',
    ).argParser(collect);
  const sandbox = () =>
    new commander.Option('--sandbox', 'run against an embedded emulator (state in .edgeform/sandbox.json)');
  const variables = (cmd: Command) =>
    cmd
      .addOption(
        new commander.Option(
          '--var <NAME=VALUE>',
          'set a variable declared under vars: (repeatable)',
        ).argParser(collect),
      )
      .addOption(
        new commander.Option(
          '--var-file <FILE>',
          'set variables from a YAML map of names to values (repeatable)',
        ).argParser(collect),
      );
  const maxDestroyOption = () =>
    new commander.Option(
      '--max-destroy <N>',
      'refuse a plan that destroys more than N objects (replacements count); default 20 when CI is set, no limit otherwise; `off` for none',
    ).argParser(maxDestroy);
  const logFile = () =>
    new commander.Option(
      '--log-file <FILE>',
      'append every API call and event to FILE as JSON lines (secrets redacted)',
    );

  variables(cli.command('validate'))
    .description('check desired-state files; no network')
    .addOption(files())
    .addOption(
      new commander.Option('--format <FORMAT>', 'output format').choices(['text', 'json']).default('text'),
    )
    .action(async (opts, cmd) =>
      (await loaded(import('./commands/validate.js'))).runValidate({ ...cmd.optsWithGlobals(), ...opts }),
    );

  variables(cli.command('plan'))
    .description('show the API calls that would make the live state match the YAML')
    .addOption(files())
    .option('--out <PLAN>', 'save the plan to a file for `edgeform apply PLAN`')
    .addOption(
      new commander.Option('--format <FORMAT>', 'output format')
        .choices(['text', 'json', 'markdown'])
        .default('text'),
    )
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are')
    .addOption(
      new commander.Option(
        '--target <ADDR>',
        'limit the plan to an object and what it depends on (repeatable)',
      ).argParser(collect),
    )
    .addOption(maxDestroyOption())
    .addOption(sandbox())
    .addOption(logFile())
    .action(async (opts, cmd) =>
      (await loaded(import('./commands/plan.js'))).runPlan({ ...cmd.optsWithGlobals(), ...opts }),
    );

  variables(cli.command('apply'))
    .description('make the live state match the YAML (or execute a saved plan)')
    .argument('[PLAN]', 'a plan saved with `edgeform plan --out`')
    .addOption(files())
    .option('--auto-approve', 'do not ask for confirmation')
    .addOption(
      new commander.Option('--format <FORMAT>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addOption(
      new commander.Option(
        '--parallelism <N>',
        'steps in flight at once (most GAAP steps are waits; rate limits bound the calls)',
      )
        .argParser(positiveInt)
        // As many as the GAAP provider's cap and its client's sockets (gaap-provider.ts: why 64).
        .default(64),
    )
    .addOption(maxDestroyOption())
    .option(
      '--new-stack',
      'confirm that a stack owning nothing live may create what it declares although another stack owns objects of the same names (a new stack, not a renamed one)',
    )
    .addOption(sandbox())
    .addOption(logFile())
    .action(async (planFile, opts, cmd) =>
      (await loaded(import('./commands/apply.js'))).runApply({ ...cmd.optsWithGlobals(), ...opts, planFile }),
    );

  variables(cli.command('drift'))
    .description('report where the live state differs from the YAML; exit 2 on drift')
    .addOption(files())
    .addOption(
      new commander.Option('--format <FORMAT>', 'output format')
        .choices(['text', 'json', 'markdown'])
        .default('text'),
    )
    .option(
      '--metrics-file <FILE>',
      'also write the outcome to FILE in the Prometheus text format (atomically; for a cron job)',
    )
    .addOption(sandbox())
    .addOption(logFile())
    .action(async (opts, cmd) =>
      (await loaded(import('./commands/drift.js'))).runDrift({ ...cmd.optsWithGlobals(), ...opts }),
    );

  cli
    .command('export')
    .description('write desired-state YAML for what already exists live (adoption)')
    .option('--gaap', 'export the GAAP objects of the stack named by --stack (tagged edgeform:stack=NAME)')
    .option(
      '--adopt',
      'with --gaap: also export the objects no stack owns, each bound with `adopt: <id>` (plans to No changes, then managed in place)',
    )
    .addOption(
      new commander.Option(
        '--baishan <DOMAINS>',
        'Baishan domains to export, comma-separated (repeatable)',
      ).argParser(collect),
    )
    .option('-o, --output <FILE>', 'write the YAML to FILE instead of stdout')
    .option(
      '--stack <NAME>',
      'stack name written into the file (default exported); with --gaap, the stack to export',
    )
    .addOption(sandbox())
    .action(async (opts, cmd) =>
      (await loaded(import('./commands/export.js'))).runExport({ ...cmd.optsWithGlobals(), ...opts }),
    );

  cli
    .command('show')
    .description('render a saved plan again (text, JSON or Markdown); no network')
    .argument('<PLAN>', 'a plan saved with `edgeform plan --out`')
    .addOption(
      new commander.Option('--format <FORMAT>', 'output format')
        .choices(['text', 'json', 'markdown'])
        .default('text'),
    )
    .action(async (planFile: string, opts, cmd) =>
      (await loaded(import('./commands/show.js'))).runShow({ ...cmd.optsWithGlobals(), ...opts, planFile }),
    );

  cli
    .command('init')
    .description('write a starter edgeform.yaml, its JSON Schema and editor settings here')
    .option('--stack <NAME>', 'stack name (default: the directory name)')
    .option('--force', 'replace an existing edgeform.yaml')
    .action(async (opts, cmd) =>
      (await loaded(import('./commands/init.js'))).runInit({ ...cmd.optsWithGlobals(), ...opts }),
    );

  cli
    .command('schema')
    .description('print the desired-state JSON Schema (one self-contained file)')
    .action(async () => (await loaded(import('./commands/schema.js'))).runSchema());

  cli
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new commander.Argument('<SHELL>', 'the shell').choices(SHELLS))
    .action(async (shell: Shell) => {
      process.stdout.write((await import('./completion.js')).completionScript(shell, cli));
    });

  variables(cli.command('outputs'))
    .description(
      'list the server-assigned values of what the stack owns (IDs, access domains and IPs, CNAMEs)',
    )
    .addOption(files())
    .addOption(
      new commander.Option('--format <FORMAT>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addOption(sandbox())
    .addOption(logFile())
    .action(async (opts, cmd) =>
      (await loaded(import('./commands/outputs.js'))).runOutputs({ ...cmd.optsWithGlobals(), ...opts }),
    );

  cli
    .command('emulator')
    .description('run the local GAAP + Baishan API emulator')
    .option('--host <HOST>', 'address to listen on', '127.0.0.1')
    .option('--gaap-port <PORT>', 'GAAP port (0 = any free port)', '0')
    .option('--baishan-port <PORT>', 'Baishan port (0 = any free port)', '0')
    .option('--state <FILE>', 'persist state in FILE across restarts')
    .option('--secret-id <ID>', `GAAP SecretId accepted (default ${EMULATOR_DEFAULTS.secretId})`)
    .option('--secret-key <KEY>', `GAAP SecretKey accepted (default ${EMULATOR_DEFAULTS.secretKey})`)
    .option(
      '--session-token <TOKEN>',
      'X-TC-Token accepted with the key pair, for clients using temporary credentials (default: none accepted)',
    )
    .option(
      '--strict-service',
      'accept only `gaap` as the credential-scope service (by default also the first label of a non-tencentcloudapi.com Host, as the official SDKs sign for 127.0.0.1:PORT)',
    )
    .option('--baishan-token <TOKEN>', `Baishan token accepted (default ${EMULATOR_DEFAULTS.baishanToken})`)
    .option('--baishan-domains <LIST>', 'comma-separated Baishan domains that exist at start')
    .option('--baishan-auto-domains', 'any Baishan domain asked for exists (as in --sandbox)')
    .option('--latency-ms <MS>', 'latency added to every answer', '0')
    .option('--fault-rate <RATE>', 'share of requests answered with a retryable server error (0..1)', '0')
    .option('--drop-rate <RATE>', 'share of requests whose connection is dropped (0..1)', '0')
    .option('--async-delay-ms <MS>', 'how long CREATING/ADJUSTING/... states last', '0')
    .option('--gaap-rate-limit <N>', 'GAAP requests per second per action', '20')
    .option('--baishan-rate-limit <N>', 'Baishan calls per minute', '30')
    .option(
      '--rate-window-scale <X>',
      'multiply every rate-limit window (e.g. 0.1: a Baishan minute lasts 6 s)',
      '1',
    )
    .option('--seed <N>', 'seed of the fault-injection PRNG')
    .addHelpText(
      'after',
      [
        '',
        'Ready line (stdout, one JSON line): {"gaap":"http://127.0.0.1:PORT","baishan":"http://127.0.0.1:PORT"}',
        'Credentials accepted unless overridden (test-only values, not secrets):',
        `  TENCENTCLOUD_SECRET_ID=${EMULATOR_DEFAULTS.secretId}`,
        `  TENCENTCLOUD_SECRET_KEY=${EMULATOR_DEFAULTS.secretKey}`,
        `  BAISHAN_TOKEN=${EMULATOR_DEFAULTS.baishanToken}`,
        'Any client that signs TC3-HMAC-SHA256 works, e.g. tencentcloud-sdk-nodejs with',
        '  profile.httpProfile = { endpoint: "127.0.0.1:PORT", protocol: "http://" } (see README.md).',
      ].join('\n'),
    )
    // A long-running server: the JIT keeps its defaults (not `loaded`, see jit-tuning.ts).
    .action(async (opts) => (await import('./commands/emulator.js')).runEmulator(opts));

  return cli;
}

/** commander, loaded by main (so that `--version` does not load it). */
let commander: typeof import('commander');

async function main(argv: string[]): Promise<number> {
  // NOTE: start-up cost. `edgeform --version` alone is answered as commander would answer it
  // (the version and a newline on stdout, exit 0) without loading commander (~11 ms of CPU).
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
    process.stdout.write(`${EDGEFORM_VERSION}\n`);
    return 0;
  }
  commander = await import('commander');
  const cli = program();
  // --events jsonl: a run-start line before the command runs, a run-end line (with any error) after.
  let runEvents: typeof import('./run-events.js') | undefined;
  let startedAt = 0;
  let command = '';
  cli.hook('preAction', async (_root, action) => {
    command = action.name();
    if (cli.opts<GlobalFlags>().events !== 'jsonl') return;
    runEvents = await import('./run-events.js');
    startedAt = runEvents.writeRunStart(action.name());
  });
  try {
    await cli.parseAsync(argv);
    const code = process.exitCode === undefined ? 0 : Number(process.exitCode);
    runEvents?.writeRunEnd(code, startedAt);
    return code;
  } catch (e) {
    if (runEvents) {
      runEvents.writeRunEnd(1, startedAt, e);
      return 1;
    }
    if (
      e &&
      typeof e === 'object' &&
      'exitCode' in e &&
      (e as { code?: string }).code?.startsWith('commander.')
    ) {
      const code = (e as { exitCode: number }).exitCode;
      // Help and version are not errors; usage errors are (exit 1, per the contract).
      return code === 0 ? 0 : 1;
    }
    const flags = cli.opts<GlobalFlags>();
    const [{ decideColor, makeColors }, { formatError }] = await Promise.all([
      import('./colors.js'),
      import('./print-error.js'),
    ]);
    const colors = makeColors(decideColor(process.stderr, process.env, flags.color));
    const text = formatError(e, colors, Boolean(flags.debug) || argv.includes('--debug'));
    process.stderr.write(text);
    if (process.env.GITHUB_ACTIONS === 'true') {
      const github = await import('./github.js');
      process.stderr.write(github.errorAnnotations(e, process.env));
      const plain = formatError(e, makeColors(false), false);
      github.appendStepSummary(
        process.env,
        `### ❌ edgeform ${command || 'run'} failed\n\n\`\`\`\n${plain.trimEnd()}\n\`\`\`\n`,
      );
    }
    return 1;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`edgeform: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
