import { type ChildProcess, spawn } from 'node:child_process';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/emulator-types.js';
import type { GaapState } from '../../src/emulator/gaap/state.js';
import { startEmulator } from '../../src/emulator/index.js';
import { CLI as BUILT_CLI, type CliResult, scratchDir, writeYaml } from '../e2e/cli-harness.js';

export { scratchDir, writeYaml };

/** The built CLI (`npm run build`); EDGEFORM_TEST_CLI runs the suite against another build. */
const CLI = process.env.EDGEFORM_TEST_CLI ?? BUILT_CLI;

/**
 * Every rate window runs 20× faster: Baishan's minute lasts 3 s, GAAP's second 50 ms. The client
 * is told the same (EDGEFORM_RATE_WINDOW_SCALE), so the ratios are the real ones.
 */
export const SCALE = 0.05;

/**
 * Credentials of these tests, distinctive and full of characters that URL encoding changes, so a
 * leak is found in its raw and its encoded form alike.
 */
export const CREDS = {
  secretId: 'AKIDreliability0000000000000000000042',
  secretKey: 'rel+Secret/Key=9f8e&7d6c?5b4a',
  baishanToken: 'rel-Token+9/Z=x&y',
} as const;

export const FAULTS = { faultRate: 0.2, dropRate: 0.05, dropAfterCommitRate: 0.05, latencyMs: 5 } as const;

export async function emulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    secretId: CREDS.secretId,
    secretKey: CREDS.secretKey,
    baishanToken: CREDS.baishanToken,
    rateWindowScale: SCALE,
    ...opts,
  });
}

export function cliEnv(emu: RunningEmulator, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    EDGEFORM_GAAP_ENDPOINT: emu.gaap,
    EDGEFORM_BAISHAN_ENDPOINT: emu.baishan,
    TENCENTCLOUD_SECRET_ID: CREDS.secretId,
    TENCENTCLOUD_SECRET_KEY: CREDS.secretKey,
    BAISHAN_TOKEN: CREDS.baishanToken,
    EDGEFORM_RATE_WINDOW_SCALE: String(SCALE),
    ...extra,
  };
}

/** Starts the CLI as a process without waiting for it (to kill it). */
export function spawnCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ exitCode: code ?? -1, signal, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout };
}

export function runCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  return spawnCli(args, opts).done;
}

// ---------------------------------------------------------------------------------------------
// Estates

export interface BaishanEstate {
  yaml: string;
  domains: string[];
}

/**
 * `n` domains in three shapes: two groups sharing one config each (merged into calls of up to 10
 * domains) and the rest with a config of their own (one call each).
 */
export function baishanEstate(stack: string, n: number, prefix = 'd'): BaishanEstate {
  const domains = Array.from(
    { length: n },
    (_, i) => `${prefix}${String(i).padStart(2, '0')}.${stack}.example.com`,
  );
  const groupA = domains.slice(0, Math.ceil(n * 0.4));
  const groupB = domains.slice(groupA.length, groupA.length + Math.ceil(n * 0.3));
  const single = domains.slice(groupA.length + groupB.length);
  const entries = [
    `    - domains: [${groupA.join(', ')}]
      config:
        timeout: { time: "30" }
        forward_status: { codes: [301, 302] }
        range_back_source: "off"`,
    `    - domains: [${groupB.join(', ')}]
      config:
        referer: { type: 2, list: ["*.example.com", "www.example.net"], allow_empty: true }
        cache_rule_list:
          - { match_method: ext, pattern: "jpg,png,webp", expire: 30, expire_unit: D, priority: 1 }
          - { match_method: dir, pattern: "/static/", expire: 7, expire_unit: D, priority: 2 }
        ip_black_list: { list: ["198.51.100.0/24", "192.0.2.7"] }`,
    ...single.map(
      (d, i) => `    - domain: ${d}
      config:
        origin: { default_master: "203.0.113.${10 + i}", origin_mode: http }
        client_real_ip: { head: X-Client-IP }`,
    ),
  ];
  return { yaml: `baishan:\n  domains:\n${entries.join('\n')}\n`, domains };
}

/**
 * A GAAP layer-4 estate: `proxies` proxies, each with a TCP listener on two ports and a UDP
 * listener, bound to shared real servers.
 */
export function gaapL4Estate(proxies: number, realServers = 4, net = '203.0.113'): string {
  const rs = Array.from({ length: realServers }, (_, i) => `    origin-${i}: { address: ${net}.${100 + i} }`);
  const px = Array.from(
    { length: proxies },
    (_, p) => `    edge-${p}:
      accessRegion: ${p % 2 === 0 ? 'SouthChina' : 'EastChina'}
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
      listeners:
        - protocol: TCP
          ports: [${7000 + p * 10}, ${7001 + p * 10}]
          scheduler: wrr
          healthCheck: { enabled: true, delayLoop: 10, connectTimeout: 3, healthyThreshold: 3, unhealthyThreshold: 3 }
          realServers:
            - { realServer: origin-${p % realServers}, port: 8080, weight: 10 }
            - { realServer: origin-${(p + 1) % realServers}, port: 8080, weight: 5 }
        - protocol: UDP
          port: ${7100 + p}
          realServers:
            - { realServer: origin-${(p + 2) % realServers}, port: 9000 }`,
  );
  return `gaap:\n  realServers:\n${rs.join('\n')}\n  proxies:\n${px.join('\n')}\n`;
}

export function stackYaml(stack: string, ...sections: string[]): string {
  return `version: 1\nstack: ${stack}\n${sections.join('')}`;
}

// ---------------------------------------------------------------------------------------------
// Emulator state

/**
 * The private keys of every certificate, as GAAP answers them (DescribeCertificateDetail, URL-encoded):
 * the state endpoint shows secrets redacted, the API (with credentials) as stored.
 */
export async function gaapCertificateKeys(emu: RunningEmulator): Promise<string[]> {
  const { GaapClient } = await import('../../src/providers/gaap/gaap-client.js');
  const client = new GaapClient({
    credentials: { secretId: CREDS.secretId, secretKey: CREDS.secretKey },
    endpoint: emu.gaap,
  });
  const keys: string[] = [];
  for (const id of Object.keys((await gaapState(emu)).certificates)) {
    const detail = await client.call('DescribeCertificateDetail', { CertificateId: id });
    if (detail.CertificateDetail?.CertificateKey) keys.push(detail.CertificateDetail.CertificateKey);
  }
  return keys;
}

/** A domain's stored config as the Baishan API answers it (GET with the token): secrets in clear. */
export async function baishanLiveConfig(
  emu: RunningEmulator,
  domain: string,
): Promise<Record<string, unknown>> {
  const q = new URLSearchParams({ token: CREDS.baishanToken, domains: domain });
  // The read counts against the emulator's Baishan rate limit like any call (right after an apply
  // the minute's budget can be spent) and meets its seeded faults (503): both are waited out.
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${emu.baishan}/v2/domain/config?${q}`);
    const text = await res.text();
    const body = JSON.parse(text) as { data?: { config: Record<string, unknown> }[] };
    if (Array.isArray(body.data)) return body.data[0]?.config ?? {};
    const again = res.status === 429 || res.status >= 500;
    if (!again || attempt >= 10) throw new Error(`GET domain/config ${domain}: HTTP ${res.status} ${text}`);
    const wait = res.status === 429 ? Number(res.headers.get('x-retry-after')) * 1000 : 200;
    await new Promise((r) => setTimeout(r, (Number.isFinite(wait) && wait > 0 ? wait : 1000) + 100));
  }
}

export async function gaapState(emu: RunningEmulator): Promise<GaapState> {
  return (await (await fetch(`${emu.gaap}/_emulator/state`)).json()) as GaapState;
}

export interface BaishanDomainState {
  name: string;
  status: string;
  config: Record<string, unknown>;
}

export async function baishanState(emu: RunningEmulator): Promise<BaishanDomainState[]> {
  const body = (await (await fetch(`${emu.baishan}/_emulator/state`)).json()) as {
    domains: BaishanDomainState[];
  };
  return body.domains;
}

export async function baishanAdmin(emu: RunningEmulator, op: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${emu.baishan}/_emulator/baishan/${op}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return res.json();
}

function tag(set: { TagKey: string; TagValue: string }[] | undefined, key: string): string | undefined {
  return set?.find((t) => t.TagKey === key)?.TagValue;
}

/**
 * Objects that exist more than once under one identity: proxies and real servers by their
 * edgeform:stack + edgeform:name tags (and real servers by address, which GAAP keeps unique per
 * project), listeners by (proxy, protocol, port), bindings by (real server, port). Each entry names
 * the identity and how many objects share it.
 */
export function gaapDuplicates(state: GaapState): string[] {
  const counts = new Map<string, number>();
  const see = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const p of Object.values(state.proxies)) {
    if (p.stable === 'DESTROYED') continue;
    see(`proxy ${tag(p.TagSet, 'edgeform:stack')}/${tag(p.TagSet, 'edgeform:name')}`);
  }
  for (const r of Object.values(state.realServers)) {
    see(`real server ${tag(r.TagSet, 'edgeform:stack')}/${tag(r.TagSet, 'edgeform:name')}`);
    see(`real server address ${r.ProjectId}/${r.RealServerIP}`);
  }
  for (const l of Object.values(state.listeners)) {
    see(`listener ${l.ProxyId || l.GroupId}/${l.Protocol}:${l.Port}`);
    for (const b of l.bindings) see(`binding ${l.ListenerId} → ${b.RealServerId}:${b.RealServerPort}`);
  }
  return [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}

/** Live (not destroyed) objects per kind, for the report. */
export function gaapCounts(state: GaapState): Record<string, number> {
  return {
    proxies: Object.values(state.proxies).filter((p) => p.stable !== 'DESTROYED').length,
    realServers: Object.keys(state.realServers).length,
    listeners: Object.keys(state.listeners).length,
  };
}

// ---------------------------------------------------------------------------------------------
// Plans

export interface PlanJson {
  changes: { address: string; kind: string; attributes?: { path: string }[] }[];
  steps: { id: string; action: string; addresses: string[] }[];
}

export function changedAddresses(plan: PlanJson): string[] {
  return plan.changes
    .filter((c) => c.kind !== 'no-op')
    .map((c) => c.address)
    .sort();
}

/** Figures for the report, printed once per test file (vitest shows them with --reporter=verbose). */
export function report(label: string, figures: Record<string, unknown>): void {
  process.stdout.write(`[reliability] ${label}: ${JSON.stringify(figures)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Answers lost after the server committed

export interface LossyProxy {
  url: string;
  /** Requests lost (or failed by the proxy) so far, by GAAP action. */
  lost: Map<string, number>;
  close(): Promise<void>;
}

/**
 * What the proxy does with one request: `false` forwards it; `true` lets the server commit and
 * answer, then drops the client's connection instead of passing the answer on (the client cannot
 * know the write happened); `{ lateMs }` drops the connection at once and lets the server commit
 * that much later; `'internal-error'` answers GAAP's InternalError itself and `'drop'` closes the
 * connection without forwarding (both like the emulator's injected faults: nothing committed).
 */
export type LossVerdict = boolean | { lateMs: number } | 'internal-error' | 'drop';

/** A loopback proxy in front of the GAAP emulator that treats each request as `lose` says. */
export async function lossyGaapProxy(
  target: string,
  lose: (action: string, seen: number) => LossVerdict,
): Promise<LossyProxy> {
  const { createServer, request } = await import('node:http');
  const to = new URL(target);
  const seen = new Map<string, number>();
  const lost = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = String(req.headers['x-tc-action'] ?? '');
      const n = (seen.get(action) ?? 0) + 1;
      seen.set(action, n);
      const verdict = lose(action, n);
      if (verdict === 'drop') {
        lost.set(action, (lost.get(action) ?? 0) + 1);
        req.socket.destroy();
        return;
      }
      if (verdict === 'internal-error') {
        lost.set(action, (lost.get(action) ?? 0) + 1);
        const message = 'An internal error has occurred. Retry later.';
        const body = JSON.stringify({
          Response: { Error: { Code: 'InternalError', Message: message }, RequestId: `proxy-${action}-${n}` },
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
        return;
      }
      if (typeof verdict === 'object') {
        // A late commit: the client's connection is dropped at once, the server gets the request
        // only `lateMs` later, after the client's looks for it.
        lost.set(action, (lost.get(action) ?? 0) + 1);
        req.socket.destroy();
        setTimeout(() => {
          const late = request(
            { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
            (r) => r.resume(),
          );
          late.on('error', () => {});
          late.end(Buffer.concat(chunks));
        }, verdict.lateMs);
        return;
      }
      const out = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
        (r) => {
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => {
            if (verdict) {
              lost.set(action, (lost.get(action) ?? 0) + 1);
              req.socket.destroy();
              return;
            }
            res.writeHead(r.statusCode ?? 502, {
              'content-type': String(r.headers['content-type'] ?? 'application/json'),
            });
            res.end(Buffer.concat(parts));
          });
        },
      );
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    lost,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
