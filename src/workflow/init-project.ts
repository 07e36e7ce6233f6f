import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { bundledDesiredSchema } from '../config/schema-bundle.js';
import { EdgeformError } from '../core/errors.js';

/** Written by `edgeform init` next to the YAML; `edgeform schema > edgeform.schema.json` renews it. */
export const PROJECT_SCHEMA_FILE = 'edgeform.schema.json';

export interface InitOptions {
  dir: string;
  stack: string;
  /** Overwrite files that exist (the editor settings are merged, never replaced). */
  force: boolean;
}

export interface InitResult {
  written: string[];
  /** Files left as they were, with why. */
  kept: { path: string; why: string }[];
}

/**
 * A starter project: `edgeform.yaml` (one GAAP proxy and one Baishan domain, so that
 * `edgeform plan --sandbox` shows both networks), the desired-state JSON Schema as one file, and VS
 * Code settings that point the YAML extension at it.
 * NOTE: the schema is copied into the project rather than referenced inside node_modules: a path into
 * an installation is machine-specific (global installs live anywhere), and a copy keeps working for
 * a colleague who has not installed edgeform yet.
 */
export function initProject(opts: InitOptions): InitResult {
  const result: InitResult = { written: [], kept: [] };
  const yamlPath = join(opts.dir, 'edgeform.yaml');
  if (existsSync(yamlPath) && !opts.force) {
    throw new EdgeformError({
      code: 'INIT_FILE_EXISTS',
      message: `${yamlPath} exists; init does not overwrite it`,
      resolution: 'run init in an empty directory, or pass --force to replace the file',
    });
  }
  write(result, yamlPath, starterYaml(opts.stack));
  write(result, join(opts.dir, PROJECT_SCHEMA_FILE), `${JSON.stringify(bundledDesiredSchema(), null, 2)}\n`);

  const settingsPath = join(opts.dir, '.vscode', 'settings.json');
  const merged = mergeEditorSettings(settingsPath);
  if (merged.kind === 'unreadable') {
    result.kept.push({
      path: relative(opts.dir, settingsPath),
      why: `not JSON (${merged.why}); add "yaml.schemas": { "./${PROJECT_SCHEMA_FILE}": ["edgeform.yaml", "*.edgeform.yaml"] } by hand`,
    });
  } else {
    mkdirSync(dirname(settingsPath), { recursive: true });
    write(result, settingsPath, `${JSON.stringify(merged.settings, null, 2)}\n`);
  }
  result.written = result.written.map((p) => relative(opts.dir, p));
  return result;
}

function write(result: InitResult, path: string, text: string): void {
  writeFileSync(path, text);
  result.written.push(path);
}

type Merge = { kind: 'ok'; settings: Record<string, unknown> } | { kind: 'unreadable'; why: string };

/** Adds our entry to `yaml.schemas`, keeping every other setting (VS Code's file allows comments; we do not parse those). */
function mergeEditorSettings(path: string): Merge {
  let settings: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { kind: 'unreadable', why: 'not an object' };
      }
      settings = parsed as Record<string, unknown>;
    } catch (e) {
      return { kind: 'unreadable', why: (e as Error).message };
    }
  }
  const schemas = (settings['yaml.schemas'] ?? {}) as Record<string, unknown>;
  settings['yaml.schemas'] = {
    ...schemas,
    [`./${PROJECT_SCHEMA_FILE}`]: ['edgeform.yaml', '*.edgeform.yaml'],
  };
  return { kind: 'ok', settings };
}

function starterYaml(stack: string): string {
  return `# yaml-language-server: $schema=./${PROJECT_SCHEMA_FILE}
#
# A starter edgeform stack: one GAAP proxy in front of a TCP service and one Baishan CDN domain.
# Try it against the embedded emulator (no account needed):
#
#   edgeform plan --sandbox
#   edgeform apply --sandbox --auto-approve
#
# Then point it at your accounts (TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY, BAISHAN_TOKEN)
# and drop --sandbox. The reference of every field: docs/desired-state.md in the edgeform package.
version: 1
stack: ${stack}

gaap:
  realServers:
    app: { address: 203.0.113.10 }
  proxies:
    app-east:
      accessRegion: EastChina
      realServerRegion: SouthChina
      bandwidth: 10          # Mbps
      concurrent: 2          # x 10,000 connections
      listeners:
        - protocol: TCP
          port: 443
          realServers:
            - { realServer: app, port: 443 }

baishan:
  domains:
    # Only the keys listed are managed; every other key of the domain is left as it is live.
    - domain: www.example.com
      config:
        origin: { default_master: "203.0.113.20", origin_mode: http }
`;
}
