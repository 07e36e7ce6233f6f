import { parse } from 'yaml';
import { DEFAULT_GAAP_SETTINGS } from '../config/build-stack.js';
import type { GaapSettings } from '../config/stack-types.js';
import { EdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import type { RunningEmulator } from '../emulator/emulator-types.js';
import { EMULATOR_DEFAULTS } from '../emulator/index.js';
import { BAISHAN_DEFAULT_ENDPOINT, BaishanClient } from '../providers/baishan/baishan-client.js';
import { GAAP_ACTIONS } from '../providers/gaap/gaap-action-meta.js';
import { GaapClient } from '../providers/gaap/gaap-client.js';
import { gaapCredentialsFromEnv } from '../providers/gaap/gaap-credentials.js';
import type { ActionName } from '../providers/gaap/gaap-types.js';
import { KeyedRateLimiter, RateLimiter } from '../transport/rate-limiter.js';
import { type BaishanExport, exportBaishan, parseDomainList, STACK_NAME_PATTERN } from './export-baishan.js';
import { type ExportedFile, exportGaap, type GaapExport, renderStackYaml } from './export-gaap.js';
import { rateWindowScale, startSandbox } from './session.js';

export interface ExportOptions {
  /** `--baishan` values (each may hold several comma-separated domains). */
  baishan: readonly string[];
  gaap: boolean;
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
  if (opts.stack !== undefined && !STACK_NAME_PATTERN.test(opts.stack)) {
    throw new EdgeformError({
      code: 'EXPORT_STACK_INVALID',
      message: `"${opts.stack}" is not a valid stack name`,
      resolution: 'use lower-case letters, digits and "-", at most 63 characters, e.g. --stack media-prod',
    });
  }
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
    env = {
      ...env,
      EDGEFORM_GAAP_ENDPOINT: emulator.gaap,
      TENCENTCLOUD_SECRET_ID: EMULATOR_DEFAULTS.secretId,
      TENCENTCLOUD_SECRET_KEY: EMULATOR_DEFAULTS.secretKey,
      EDGEFORM_BAISHAN_ENDPOINT: emulator.baishan,
      BAISHAN_TOKEN: EMULATOR_DEFAULTS.baishanToken,
    };
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
        { stack, settings, events: opts.events },
      );
    }
    let baishan: BaishanExport | undefined;
    if (domains.length > 0) {
      const token = env.BAISHAN_TOKEN;
      if (!token) {
        throw new EdgeformError({
          code: 'BAISHAN_TOKEN_MISSING',
          message: 'BAISHAN_TOKEN is not set',
          resolution: 'export BAISHAN_TOKEN=<your Baishan API token>, or try edgeform with --sandbox',
        });
      }
      const client = new BaishanClient({
        endpoint: env.EDGEFORM_BAISHAN_ENDPOINT || BAISHAN_DEFAULT_ENDPOINT,
        token,
        rateLimitPerMinute: 30,
        rateWindowMs: 60_000 * rateWindowScale(env),
        events: opts.events,
      });
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
function gaapClientFor(env: NodeJS.ProcessEnv, settings: GaapSettings, events: EventSink): GaapClient {
  const scale = rateWindowScale(env);
  return new GaapClient({
    credentials: gaapCredentialsFromEnv(env),
    endpoint: env.EDGEFORM_GAAP_ENDPOINT || settings.endpoint || 'https://gaap.tencentcloudapi.com',
    ...(settings.region ? { region: settings.region } : {}),
    events,
    limiters: new KeyedRateLimiter((action) => {
      const documented = GAAP_ACTIONS[action as ActionName]?.rateLimitPerSecond ?? 20;
      return new RateLimiter({
        limit: documented > 20 ? documented : settings.rateLimitPerSecond,
        windowMs: 1000 * scale,
      });
    }),
  });
}
