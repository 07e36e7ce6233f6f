import { EdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import type { RunningEmulator } from '../emulator/emulator-types.js';
import { EMULATOR_DEFAULTS } from '../emulator/index.js';
import { BAISHAN_DEFAULT_ENDPOINT, BaishanClient } from '../providers/baishan/baishan-client.js';
import { type BaishanExport, exportBaishan, parseDomainList, STACK_NAME_PATTERN } from './export-baishan.js';
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

/**
 * `edgeform export`: checks the request (before any network call or sandbox start), wires the
 * Baishan client to its endpoint and token, and exports.
 */
export async function exportStack(opts: ExportOptions): Promise<BaishanExport> {
  if (opts.gaap) {
    // NOTE: the GAAP provider reads only objects tagged for a stack and has no live → desired
    // conversion yet, so an account built by hand cannot be exported faithfully. Refusing beats
    // writing a partial file that would plan deletions or creations.
    throw new EdgeformError({
      code: 'EXPORT_GAAP_UNSUPPORTED',
      message: 'exporting GAAP objects is not supported by this version of edgeform',
      resolution:
        'export the Baishan domains now (edgeform export --baishan DOMAIN,...) and declare GAAP objects by hand under `gaap:` (see docs/desired-state.md); GAAP export will come in a later version',
    });
  }
  if (opts.baishan.length === 0) {
    throw new EdgeformError({
      code: 'EXPORT_NOTHING_SELECTED',
      message: 'nothing to export',
      resolution:
        'name what to export: edgeform export --baishan img.example.com,www.example.com -o edgeform.yaml',
    });
  }
  const domains = parseDomainList(opts.baishan);
  if (opts.stack !== undefined && !STACK_NAME_PATTERN.test(opts.stack)) {
    throw new EdgeformError({
      code: 'EXPORT_STACK_INVALID',
      message: `"${opts.stack}" is not a valid stack name`,
      resolution: 'use lower-case letters, digits and "-", at most 63 characters, e.g. --stack media-prod',
    });
  }

  let emulator: RunningEmulator | undefined;
  let env = opts.env;
  if (opts.sandbox) {
    emulator = await startSandbox(opts.cwd, opts.env);
    env = {
      ...env,
      EDGEFORM_BAISHAN_ENDPOINT: emulator.baishan,
      BAISHAN_TOKEN: EMULATOR_DEFAULTS.baishanToken,
    };
  }
  let client: BaishanClient | undefined;
  try {
    const token = env.BAISHAN_TOKEN;
    if (!token) {
      throw new EdgeformError({
        code: 'BAISHAN_TOKEN_MISSING',
        message: 'BAISHAN_TOKEN is not set',
        resolution: 'export BAISHAN_TOKEN=<your Baishan API token>, or try edgeform with --sandbox',
      });
    }
    client = new BaishanClient({
      endpoint: env.EDGEFORM_BAISHAN_ENDPOINT || BAISHAN_DEFAULT_ENDPOINT,
      token,
      rateLimitPerMinute: 30,
      rateWindowMs: 60_000 * rateWindowScale(env),
      events: opts.events,
    });
    return await exportBaishan(client, {
      domains,
      events: opts.events,
      ...(opts.stack === undefined ? {} : { stack: opts.stack }),
      ...(opts.schemaRef === undefined ? {} : { schemaRef: opts.schemaRef }),
    });
  } finally {
    await client?.close();
    await emulator?.close();
  }
}
