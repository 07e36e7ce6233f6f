import { parse } from 'yaml';
import { DEFAULT_BAISHAN_SETTINGS, DEFAULT_GAAP_SETTINGS } from '../config/build-stack.js';
import { EdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import type { RunningEmulator } from '../emulator/emulator-types.js';
import type { GaapClient } from '../providers/gaap/gaap-client.js';
import { baishanClientFor, gaapClientFor, sandboxEnv } from './clients.js';
import { assertStackName, type BaishanExport, exportBaishan, parseDomainList } from './export-baishan.js';
import { type ExportedFile, exportGaap, type GaapExport, renderStackYaml } from './export-gaap.js';
import { startSandbox } from './session.js';

export interface ExportOptions {
  /** `--baishan` values (each may hold several comma-separated domains). */
  baishan: readonly string[];
  gaap: boolean;
  /** With `gaap`: also export the objects no stack owns, bound to the stack with `adopt:`. */
  adopt?: boolean;
  stack?: string;
  schemaRef?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  sandbox: boolean;
  events: EventSink;
}

export interface StackExport {
  /** The whole stack file. */
  yaml: string;
  stack: string;
  baishan?: BaishanExport;
  gaap?: GaapExport;
  /** Files the YAML references (certificate contents), paths relative to the YAML file. */
  files: ExportedFile[];
  warnings: string[];
}

/**
 * `edgeform export`: checks the request (before any network call or sandbox start), wires the
 * clients to their endpoints and credentials, and exports into one stack file.
 */
export async function exportStack(opts: ExportOptions): Promise<StackExport> {
  if (!opts.gaap && opts.baishan.length === 0) {
    throw new EdgeformError({
      code: 'EXPORT_NOTHING_SELECTED',
      message: 'nothing to export',
      resolution:
        'name what to export: edgeform export --baishan img.example.com,www.example.com -o edgeform.yaml, or edgeform export --gaap --stack NAME -o edgeform.yaml',
    });
  }
  const domains = opts.baishan.length > 0 ? parseDomainList(opts.baishan) : [];
  if (opts.stack !== undefined) assertStackName(opts.stack);
  if (opts.gaap && opts.stack === undefined) {
    // GAAP objects are found by their edgeform:stack tag: without a stack there is nothing to find.
    throw new EdgeformError({
      code: 'EXPORT_STACK_REQUIRED',
      message: '--gaap exports the objects of one stack: --stack is missing',
      resolution:
        'name the stack whose objects to export: edgeform export --gaap --stack game-prod -o edgeform.yaml',
    });
  }
  const stack = opts.stack ?? 'exported';

  let emulator: RunningEmulator | undefined;
  let env = opts.env;
  if (opts.sandbox) {
    emulator = await startSandbox(opts.cwd, opts.env);
    env = sandboxEnv(env, emulator);
  }
  const clients: { close(): Promise<void> }[] = [];
  try {
    let gaap: GaapExport | undefined;
    if (opts.gaap) {
      const settings = DEFAULT_GAAP_SETTINGS;
      let client: GaapClient | undefined;
      gaap = await exportGaap(
        () => {
          client ??= gaapClientFor(env, settings, opts.events);
          if (!clients.includes(client)) clients.push(client);
          return client;
        },
        { stack, settings, events: opts.events, adopt: Boolean(opts.adopt) },
      );
    }
    let baishan: BaishanExport | undefined;
    if (domains.length > 0) {
      const client = baishanClientFor(env, DEFAULT_BAISHAN_SETTINGS, opts.events);
      clients.push(client);
      baishan = await exportBaishan(client, {
        domains,
        events: opts.events,
        stack,
        ...(opts.schemaRef === undefined ? {} : { schemaRef: opts.schemaRef }),
      });
    }
    // Baishan alone keeps its own rendering; with GAAP both sections go into one file.
    const yaml =
      gaap === undefined && baishan
        ? baishan.yaml
        : renderStackYaml({
            stack,
            ...(opts.schemaRef === undefined ? {} : { schemaRef: opts.schemaRef }),
            ...(gaap ? { gaap } : {}),
            ...(baishan
              ? {
                  baishan: {
                    section: (parse(baishan.yaml) as { baishan: unknown }).baishan,
                    variables: baishan.secrets.map((s) => s.variable),
                    domains: baishan.entries.reduce((n, e) => n + e.domains.length, 0),
                  },
                }
              : {}),
          });
    return {
      yaml,
      stack,
      ...(baishan ? { baishan } : {}),
      ...(gaap ? { gaap } : {}),
      files: gaap?.files ?? [],
      warnings: [...(gaap?.warnings ?? []), ...(baishan?.warnings ?? [])],
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await emulator?.close();
  }
}

/** The GAAP client as `openSession` wires it: one limiter per action, documented limits. */
