import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { runCli, scratchDir, writeYaml } from './cli-harness.js';

const SIGN_KEY = 'e2e-sign-key-9f8e7d6c5b4a';
const domains = Array.from({ length: 25 }, (_, i) => `d${String(i).padStart(2, '0')}.estate.example.com`);

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  // The real limit (30 calls a minute) on a clock 20× faster: every CLI process starts with a fresh
  // client-side limiter, so back-to-back runs meet the emulator's shared budget and wait it out.
  emulator = await startEmulator({
    baishanDomains: ['img.example.com', 'www.example.com', ...domains],
    rateWindowScale: 0.05,
  });
  env = {
    EDGEFORM_BAISHAN_ENDPOINT: emulator.baishan,
    BAISHAN_TOKEN: EMULATOR_DEFAULTS.baishanToken,
    EDGEFORM_RATE_WINDOW_SCALE: '0.05',
    SIGN_KEY,
  };
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  dir = scratchDir();
});

async function admin(op: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${emulator.baishan}/_emulator/baishan/${op}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return res.json();
}

async function liveConfig(domain: string, keys: string[]): Promise<Record<string, unknown>> {
  const q = new URLSearchParams({ token: EMULATOR_DEFAULTS.baishanToken, domains: domain });
  for (const k of keys) q.append('config[]', k);
  const res = await fetch(`${emulator.baishan}/v2/domain/config?${q}`);
  const body = (await res.json()) as { data: { config: Record<string, unknown> }[] };
  return body.data[0]!.config;
}

function stack(config: string, extra = ''): string {
  return `version: 1
stack: e2e
baishan:
  domains:
    - domain: img.example.com
${extra}      config:
${config}`;
}

const BASE = `        origin:
          default_master: "203.0.113.10,203.0.113.11"
          origin_mode: http
        referer:
          type: 2
          list: ["*.example.com", "www.example.net"]
          allow_empty: true
        cache_rule_list:
          - match_method: ext
            pattern: "jpg,png,webp"
            expire: 30
            expire_unit: D
            priority: 1
        ip_black_list:
          list: ["198.51.100.0/24", "192.0.2.7"]
        cache_error_code:
          bcache: "on"
          code: ["404", "5xx"]
          cache_time: 60
          cache_unit: second
        range_back_source: "off"
`;

describe('edgeform against the Baishan emulator, through the CLI as a process', () => {
  it('applies, re-plans to no changes, updates exactly one key, removes a null key and leaves undeclared keys alone', async () => {
    await admin('set-config', {
      domain: 'img.example.com',
      config: { client_real_ip: { head: 'X-Real-IP' } },
    });
    writeYaml(dir, 'edgeform.yaml', stack(BASE));

    const planned = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
    expect(planned.stderr).not.toMatch(/error\[/);
    expect(planned.exitCode).toBe(2);
    expect(planned.stdout).toContain('~ baishan_domain "img.example.com"');
    expect(planned.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');

    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Apply complete!');

    const replan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
    expect(replan.exitCode, replan.stdout + replan.stderr).toBe(0);
    expect(replan.stdout).toContain('No changes. Live state matches the desired state.');

    // One key changes in the YAML → one update, for that key, on that domain.
    writeYaml(
      dir,
      'edgeform.yaml',
      stack(BASE.replace('"*.example.com", "www.example.net"', '"*.example.com", "cdn.example.org"')),
    );
    const one = await runCli(['plan', '--format', 'json'], { cwd: dir, env });
    expect(one.exitCode, one.stderr).toBe(0);
    const plan = JSON.parse(one.stdout);
    const changed = plan.changes.filter((c: { kind: string }) => c.kind !== 'no-op');
    expect(changed).toHaveLength(1);
    expect(changed[0].address).toBe('baishan.domain["img.example.com"]');
    expect(changed[0].attributes.map((a: { path: string }) => a.path)).toEqual(['referer']);
    expect(plan.steps).toHaveLength(1);
    expect(Object.keys(plan.steps[0].payload.config)).toEqual(['referer']);

    // A key set to null is removed live with its documented form.
    writeYaml(
      dir,
      'edgeform.yaml',
      stack(BASE.replace(/ {8}cache_error_code:\n(.*\n){4}/, '        cache_error_code: null\n')),
    );
    const removal = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(removal.exitCode, removal.stderr).toBe(0);
    const live = await liveConfig('img.example.com', ['cache_error_code', 'client_real_ip', 'referer']);
    const cec = live.cache_error_code as { bcache?: string } | undefined;
    expect(cec === undefined || cec.bcache === 'off').toBe(true);
    // The undeclared live key is untouched.
    expect(live.client_real_ip).toEqual({ head: 'X-Real-IP' });
    const after = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
    expect(after.exitCode, after.stdout).toBe(0);
  });

  it('reads 25 domains in 3 GETs and writes an identical change to them in 3 POSTs', async () => {
    const yaml = (timeout: string) => `version: 1
stack: estate
baishan:
  domains:
    - domains: [${domains.join(', ')}]
      config:
        timeout: { time: "${timeout}" }
        forward_status: { codes: [301, 302] }
`;
    writeYaml(dir, 'edgeform.yaml', yaml('30'));
    emulator.resetStats();
    const planned = await runCli(['plan'], { cwd: dir, env });
    expect(planned.exitCode, planned.stderr).toBe(0);
    expect(emulator.stats().baishan.requests).toEqual({ 'GET domain/config': 3 });

    emulator.resetStats();
    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(emulator.stats().baishan.requests).toEqual({ 'GET domain/config': 3, 'POST domain/config': 3 });

    writeYaml(dir, 'edgeform.yaml', yaml('45'));
    emulator.resetStats();
    const changed = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(changed.exitCode, changed.stderr).toBe(0);
    expect(emulator.stats().baishan.requests['POST domain/config']).toBe(3);
    const again = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
    expect(again.exitCode).toBe(0);
  });

  it('never prints a secret: plan text, plan JSON, saved plan, apply output', async () => {
    const config = `        visit_timestamp:
          pattern: ".*"
          time_format: timestamp
          key: { env: SIGN_KEY }
          deadtime: 3600
          req_uri_type: 1
`;
    writeYaml(dir, 'edgeform.yaml', stack(config).replace('img.example.com', 'www.example.com'));
    const outputs: string[] = [];
    for (const args of [
      ['plan'],
      ['plan', '--format', 'json', '--out', 'p.json'],
      ['apply', 'p.json'],
      ['plan', '--format', 'markdown'],
    ]) {
      const r = await runCli(args, { cwd: dir, env });
      expect(r.exitCode, r.stderr).toBe(0);
      outputs.push(r.stdout, r.stderr);
    }
    const { readFileSync } = await import('node:fs');
    outputs.push(readFileSync(`${dir}/p.json`, 'utf8'));
    for (const o of outputs) expect(o).not.toContain(SIGN_KEY);
    expect(outputs[0]).toContain('(sensitive)');
    // The secret did reach the API.
    const live = await liveConfig('www.example.com', ['visit_timestamp']);
    expect((live.visit_timestamp as { key: string }).key).toBe(SIGN_KEY);
  });

  it('refuses a saved plan when the live state moved (PLAN_STALE) and changes nothing', async () => {
    writeYaml(dir, 'edgeform.yaml', stack('        timeout: { time: "20" }\n'));
    const saved = await runCli(['plan', '--out', 'p.json'], { cwd: dir, env });
    expect(saved.exitCode, saved.stderr).toBe(0);
    await admin('set-config', { domain: 'img.example.com', config: { timeout: { time: '99' } } });
    emulator.resetStats();
    const stale = await runCli(['apply', 'p.json'], { cwd: dir, env });
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain('PLAN_STALE');
    expect(emulator.stats().baishan.requests['POST domain/config'] ?? 0).toBe(0);
  });

  it('drift exits 2 and names the object and field after a change behind its back, 0 after apply', async () => {
    writeYaml(dir, 'edgeform.yaml', stack('        connect_timeout: { origin_connect_timeout: "10" }\n'));
    expect((await runCli(['apply', '--auto-approve'], { cwd: dir, env })).exitCode).toBe(0);
    expect((await runCli(['drift'], { cwd: dir, env })).exitCode).toBe(0);
    await admin('set-config', {
      domain: 'img.example.com',
      config: { connect_timeout: { origin_connect_timeout: '30' } },
    });
    const drift = await runCli(['drift', '--format', 'json'], { cwd: dir, env });
    expect(drift.exitCode).toBe(2);
    const report = JSON.parse(drift.stdout);
    expect(report.inSync).toBe(false);
    expect(report.drifted[0].address).toBe('baishan.domain["img.example.com"]');
    expect(report.drifted[0].fields[0].path).toBe('connect_timeout.origin_connect_timeout');
    expect((await runCli(['apply', '--auto-approve'], { cwd: dir, env })).exitCode).toBe(0);
    expect((await runCli(['drift'], { cwd: dir, env })).exitCode).toBe(0);
  });
});

describe('bad input is rejected before any request', () => {
  const cases: [string, string, RegExp][] = [
    [
      'malformed YAML',
      'version: 1\nstack: e2e\nbaishan:\n  domains:\n    - domain: [img.example.com\n',
      /edgeform\.yaml:\d+:\d+/,
    ],
    ['unknown config key', stack('        refrer: { type: 1 }\n'), /edgeform\.yaml:7:9 .*referer/],
    ['wrong type', stack('        forward_status: { codes: "301" }\n'), /edgeform\.yaml:7:\d+/],
    [
      'out-of-range number',
      stack('        post_upload_size_limit: { limit_value: 5000 }\n'),
      /edgeform\.yaml:7:\d+/,
    ],
    [
      'referer list over 200',
      stack(
        `        referer: { type: 1, list: [${Array.from({ length: 201 }, (_, i) => `"h${i}.example.com"`).join(', ')}] }\n`,
      ),
      /edgeform\.yaml:7:\d+/,
    ],
    [
      'both IP lists',
      stack(
        '        ip_black_list: { list: ["192.0.2.1"] }\n        ip_white_list: { list: ["192.0.2.2"] }\n',
      ),
      /edgeform\.yaml:\d+:\d+/,
    ],
    [
      'domain declared twice',
      `version: 1\nstack: e2e\nbaishan:\n  domains:\n    - domain: img.example.com\n      config: { timeout: { time: "10" } }\n    - domain: img.example.com\n      config: { timeout: { time: "11" } }\n`,
      /edgeform\.yaml:7:\d+/,
    ],
    [
      'unset env secret',
      stack(
        '        visit_timestamp: { pattern: ".*", time_format: timestamp, key: { env: EDGEFORM_E2E_UNSET }, deadtime: 60, req_uri_type: 1 }\n',
      ),
      /edgeform\.yaml:7:\d+/,
    ],
    ['invalid CIDR', stack('        ip_black_list: { list: ["192.0.2.0/20"] }\n'), /edgeform\.yaml:7:\d+/],
    [
      'bad HH:ii time',
      stack(
        '        speed_limit: [{ type: all, pattern: ".*", speed: "80", begin_time: "25:00", end_time: "26:00" }]\n',
      ),
      /edgeform\.yaml:7:\d+/,
    ],
  ];
  for (const [name, yaml, where] of cases) {
    it(`${name}: exit 1 with file:line:column, no request made`, async () => {
      writeYaml(dir, 'edgeform.yaml', yaml);
      emulator.resetStats();
      for (const cmd of [['validate'], ['plan'], ['apply', '--auto-approve']]) {
        const r = await runCli(cmd, { cwd: dir, env });
        expect(r.exitCode, `${cmd[0]}: ${r.stderr}`).toBe(1);
        expect(r.stderr).toMatch(where);
        expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
      }
      expect(emulator.stats().baishan.total).toBe(0);
    });
  }
});
