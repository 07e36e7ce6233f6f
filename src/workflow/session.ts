import { join } from 'node:path';
import { certificateDiagnostics } from '../config/certificate-pem.js';
import type { Diagnostic } from '../config/diagnostic-types.js';
import { hasErrors } from '../config/diagnostics.js';
import { desiredStateError, formatDiagnostic } from '../config/format-diagnostics.js';
import { loadStack } from '../config/load-stack.js';
import type { VariableInput } from '../config/variables.js';
import type { EventSink } from '../core/event-types.js';
import type { RunningEmulator } from '../emulator/emulator-types.js';
import type { LoadedStack } from '../model/stack-types.js';
import type { Provider } from '../planner/provider-types.js';
import { BaishanProvider } from '../providers/baishan/baishan-provider.js';
import { GaapProvider } from '../providers/gaap/gaap-provider.js';
import { LATE_COMMIT_WAITS_MS } from '../providers/gaap/gaap-step-runner.js';
import { baishanClientFor, gaapClientFor, rateWindowScale, sandboxEnv } from './clients.js';
import { endpointFor } from './endpoints.js';

export interface SessionOptions {
  files: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  sandbox: boolean;
  events: EventSink;
  /** `--var` / `--var-file` (config/variables.ts). */
  variables?: VariableInput;
  /**
   * Default true: check the desired state against the live catalogs (values GAAP would refuse) and
   * hint at adoptions — what a plan that may be applied needs. `drift` and `outputs` only report,
   * so a refusable desired value does not stop them.
   */
  planChecks?: boolean;
}

export interface Session {
  stack: LoadedStack;
  diagnostics: Diagnostic[];
  providers: Provider[];
  providerMap: Map<string, Provider>;
  /** The vendor endpoints this session talks to. */
  endpoints: string[];
  /** Set in --sandbox mode: the in-process emulator. */
  emulator?: RunningEmulator;
  close(): Promise<void>;
}

export const SANDBOX_STATE = join('.edgeform', 'sandbox.json');

/**
 * Loads and validates the desired state, then wires providers to their endpoints and credentials.
 * Invalid input stops here, before any network call (and before the sandbox starts).
 */
export async function openSession(opts: SessionOptions): Promise<Session> {
  const { stack, diagnostics } = loadStack(opts.files, {
    cwd: opts.cwd,
    env: opts.env,
    ...(opts.variables ? { variables: opts.variables } : {}),
  });
  for (const d of diagnostics) {
    if (d.severity === 'warning') {
      opts.events({
        kind: 'warning',
        message: formatDiagnostic({ ...d, severity: 'error' }),
      });
    }
  }
  if (!stack || hasErrors(diagnostics)) throw desiredStateError(diagnostics);
  // Certificates are parsed before anything is read or sent: content not PEM is located here.
  const pem = certificateDiagnostics(stack.gaap);
  if (pem.length > 0) throw desiredStateError(pem);

  let env = opts.env;
  let emulator: RunningEmulator | undefined;
  if (opts.sandbox) {
    emulator = await startSandbox(opts.cwd, opts.env);
    env = sandboxEnv(opts.env, emulator);
  }
  // Before any client exists: a YAML-chosen endpoint is refused here, not at the first call.
  const endpoints = [
    endpointFor('gaap', env, stack.settings.gaap.endpoint),
    endpointFor('baishan', env, stack.settings.baishan.endpoint),
  ];

  const clients: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(client: T): T => {
    clients.push(client);
    return client;
  };
  const baishanClient = lazy(() => track(baishanClientFor(env, stack.settings.baishan, opts.events)));
  const gaapClient = lazy(() => track(gaapClientFor(env, stack.settings.gaap, opts.events)));
  const scale = rateWindowScale(env);

  const secretBaseDir = stack.files[0] ? join(stack.files[0], '..') : opts.cwd;
  const providers: Provider[] = [
    new GaapProvider(stack, gaapClient, secretBaseDir, {
      ...(scale < 1
        ? {
            pollMs: { base: Math.max(20, 500 * scale), max: Math.max(50, 5000 * scale) },
            lateCommitWaitsMs: LATE_COMMIT_WAITS_MS.map((ms) => Math.max(50, ms * scale)),
          }
        : {}),
      ...(opts.planChecks === false ? { planChecks: false } : {}),
    }),
    new BaishanProvider(stack, baishanClient, secretBaseDir),
  ];
  return {
    stack,
    diagnostics,
    providers,
    providerMap: new Map(providers.map((p) => [p.id, p])),
    endpoints,
    ...(emulator ? { emulator } : {}),
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await emulator?.close();
    },
  };
}

/** The sandbox: the emulator in-process, state in .edgeform/sandbox.json, any domain exists. */
export async function startSandbox(cwd: string, env: NodeJS.ProcessEnv): Promise<RunningEmulator> {
  // Imported here, not at the top: only --sandbox runs load the emulator.
  const { startEmulator } = await import('../emulator/index.js');
  return startEmulator({
    statePath: join(cwd, SANDBOX_STATE),
    baishanAutoDomains: true,
    rateWindowScale: rateWindowScale(env),
  });
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
