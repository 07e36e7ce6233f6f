import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadStack } from '../../src/config/load-stack.js';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { ROOT, runCli, scratchDir, writeYaml } from './cli-harness.js';

const IMAGE_CDN = join(ROOT, 'examples', 'baishan-image-cdn.yaml');
const ESTATE_50 = join(ROOT, 'examples', 'baishan-estate-50.yaml');
const SIGN_KEY = 'export-e2e-sign-key-5a4b3c';
const TOS_SECRET = 'export-e2e-tos-secret-77aa';
const TOS_ACCESS = 'export-e2e-tos-access-88bb';

function exampleDomains(file: string): string[] {
  const { stack, diagnostics } = loadStack([file], { cwd: ROOT, env: {} });
  if (!stack) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return stack.baishan.domains.map((d) => d.domain);
}

const imageDomains = exampleDomains(IMAGE_CDN);
const estateDomains = exampleDomains(ESTATE_50);

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({
    baishanDomains: [
      ...imageDomains,
      ...estateDomains,
      'sig1.example.com',
      'sig2.example.com',
      'tos.example.com',
      'empty.example.com',
      'hand.example.com',
    ],
    rateWindowScale: 0.05,
  });
  env = {
    EDGEFORM_BAISHAN_ENDPOINT: emulator.baishan,
    BAISHAN_TOKEN: EMULATOR_DEFAULTS.baishanToken,
    EDGEFORM_RATE_WINDOW_SCALE: '0.05',
  };
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  dir = scratchDir('edgeform-export-');
});

describe('edgeform export --baishan', () => {
  it('round-trips the image CDN and the 50-domain estate: exported YAML validates and plans "No changes."', async () => {
    for (const file of [IMAGE_CDN, ESTATE_50]) {
      const r = await runCli(['apply', '--auto-approve', '-f', file], { cwd: dir, env });
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const all = [...imageDomains, ...estateDomains];
    emulator.resetStats();
    const exported = await runCli(
      [
        'export',
        '--baishan',
        all.slice(0, 20).join(','),
        '--baishan',
        all.slice(20).join(','),
        '-o',
        'exported.yaml',
      ],
      { cwd: dir, env },
    );
    expect(exported.exitCode, exported.stderr).toBe(0);
    // Every key of every domain, ceil(51/10) = 6 GETs and nothing else.
    expect(emulator.stats().baishan.requests).toEqual({ 'GET domain/config': Math.ceil(all.length / 10) });
    expect(exported.stdout).toBe('');
    expect(exported.stderr).toContain(`Exported ${all.length} Baishan domains`);

    const text = readFileSync(join(dir, 'exported.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=\S+edgeform\.schema\.json$/);
    const schemaRef = /\$schema=(\S+)/.exec(text)![1]!;
    expect(readFileSync(join(dir, schemaRef), 'utf8')).toContain('"$id"');
    const doc = parse(text);
    expect(doc.version).toBe(1);
    expect(doc.stack).toBe('exported');
    // Domains with identical configs share one entry: 1 + 5 groups of 10 (the estate's entries).
    const entries = doc.baishan.domains as { domain?: string; domains?: string[]; config: object }[];
    expect(entries).toHaveLength(6);
    expect(entries.filter((e) => e.domains?.length === 10)).toHaveLength(5);
    // Read-only and flag fields are not written; values keep the table types.
    const img = entries.find((e) => e.domain === 'img.example.com')!.config as Record<
      string,
      Record<string, unknown>
    >;
    expect(img.ip_black_list).toEqual({ list: ['203.0.113.0/24', '198.51.100.66'] });
    expect(img.add_response_head?.type).toBeUndefined();
    expect(img.referer?.type).toBe(2);
    expect(img.timeout).toEqual({ time: '30' });
    expect(img.range_back_source).toBeUndefined(); // "on" is the default state

    const validate = await runCli(['validate', '-f', 'exported.yaml'], { cwd: dir, env });
    expect(validate.exitCode, validate.stderr).toBe(0);
    expect(validate.stderr).not.toContain('warning');

    const plan = await runCli(['plan', '-f', 'exported.yaml', '--detailed-exitcode'], { cwd: dir, env });
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes. Live state matches the desired state.');
  });

  it('never writes a secret: visit_timestamp.key and tos_origin keys become {env: EDGEFORM_<DOMAIN>_<FIELD>}', async () => {
    const secretEnv = { ...env, SIGN_KEY, TOS_SECRET, TOS_ACCESS };
    writeYaml(
      dir,
      'seed.yaml',
      `version: 1
stack: seed
baishan:
  domains:
    - domains: [sig1.example.com, sig2.example.com]
      config:
        visit_timestamp: { pattern: ".*", time_format: timestamp, key: { env: SIGN_KEY }, deadtime: 3600, req_uri_type: 1 }
        visit_deny_whitelist: [{ url: /healthz, turn_on: true }, { url: /robots.txt }]
        referer: { type: 1, list: [bad.example.org] }
    - domain: tos.example.com
      config:
        tos_origin:
          - isp: default
            ips: ["192.0.2.1"]
            auth_type: oss
            auth_secret_key: { env: TOS_SECRET }
            auth_access_key: { env: TOS_ACCESS }
            auth_bucket_name: media
        range_back_source: "off"
`,
    );
    const seeded = await runCli(['apply', '--auto-approve', '-f', 'seed.yaml'], { cwd: dir, env: secretEnv });
    expect(seeded.exitCode, seeded.stderr).toBe(0);

    const exported = await runCli(
      ['export', '--baishan', 'sig1.example.com,SIG2.example.com,tos.example.com', '--stack', 'adopted'],
      { cwd: dir, env },
    );
    expect(exported.exitCode, exported.stderr).toBe(0);
    for (const out of [exported.stdout, exported.stderr]) {
      for (const s of [SIGN_KEY, TOS_SECRET, TOS_ACCESS]) expect(out).not.toContain(s);
    }
    const doc = parse(exported.stdout);
    expect(doc.stack).toBe('adopted');
    const [sig, tos] = doc.baishan.domains;
    expect(sig.domains).toEqual(['sig1.example.com', 'sig2.example.com']);
    expect(sig.config.visit_timestamp.key).toEqual({ env: 'EDGEFORM_SIG1_EXAMPLE_COM_VISIT_TIMESTAMP_KEY' });
    expect(sig.config.visit_timestamp.request_style).toBeUndefined();
    // GET shape {url:[...]} → the POST shape the desired state takes.
    expect(sig.config.visit_deny_whitelist).toEqual([
      { url: '/healthz', turn_on: true },
      { url: '/robots.txt', turn_on: true },
    ]);
    expect(tos.config.tos_origin[0].auth_secret_key).toEqual({
      env: 'EDGEFORM_TOS_EXAMPLE_COM_TOS_ORIGIN_AUTH_SECRET_KEY',
    });
    expect(tos.config.tos_origin[0].auth_access_key).toEqual({
      env: 'EDGEFORM_TOS_EXAMPLE_COM_TOS_ORIGIN_AUTH_ACCESS_KEY',
    });
    // stderr names the variables to set (names only).
    for (const v of [
      'EDGEFORM_SIG1_EXAMPLE_COM_VISIT_TIMESTAMP_KEY',
      'EDGEFORM_TOS_EXAMPLE_COM_TOS_ORIGIN_AUTH_SECRET_KEY',
      'EDGEFORM_TOS_EXAMPLE_COM_TOS_ORIGIN_AUTH_ACCESS_KEY',
    ]) {
      expect(exported.stderr).toContain(v);
    }

    writeYaml(dir, 'adopted.yaml', exported.stdout);
    const withSecrets = {
      ...env,
      EDGEFORM_SIG1_EXAMPLE_COM_VISIT_TIMESTAMP_KEY: SIGN_KEY,
      EDGEFORM_TOS_EXAMPLE_COM_TOS_ORIGIN_AUTH_SECRET_KEY: TOS_SECRET,
      EDGEFORM_TOS_EXAMPLE_COM_TOS_ORIGIN_AUTH_ACCESS_KEY: TOS_ACCESS,
    };
    const plan = await runCli(['plan', '-f', 'adopted.yaml', '--detailed-exitcode'], {
      cwd: dir,
      env: withSecrets,
    });
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    // Without the variables, the file is refused before any call, naming the variable.
    const unset = await runCli(['validate', '-f', 'adopted.yaml'], { cwd: dir, env });
    expect(unset.exitCode).toBe(1);
    expect(unset.stderr).toContain('EDGEFORM_SIG1_EXAMPLE_COM_VISIT_TIMESTAMP_KEY');
  });

  it('domains with no config are named on stderr and left out', async () => {
    writeYaml(
      dir,
      'seed.yaml',
      'version: 1\nstack: seed\nbaishan:\n  domains:\n    - domain: img.example.com\n      config: { timeout: { time: "30" } }\n',
    );
    expect((await runCli(['apply', '--auto-approve', '-f', 'seed.yaml'], { cwd: dir, env })).exitCode).toBe(
      0,
    );
    const r = await runCli(['export', '--baishan', 'img.example.com,empty.example.com'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/left out, no config key is set live: empty\.example\.com/);
    expect(parse(r.stdout).baishan.domains.map((e: { domain: string }) => e.domain)).toEqual([
      'img.example.com',
    ]);
  });

  it('a hand-made live state: refused combinations and invalid values are left out with a warning, masked secrets named', async () => {
    // Written behind edgeform's back, without validation, as a console or an old script might have.
    await fetch(`${emulator.baishan}/_emulator/baishan/set-config`, {
      method: 'POST',
      body: JSON.stringify({
        domain: 'hand.example.com',
        config: {
          cache_rule: [{ type: 1, pattern: 'jpg', time: 60, timeunit: 'i' }],
          cache_rule_list: [
            { match_method: 'ext', pattern: 'png', expire: 1, expire_unit: 'D', priority: 1 },
          ],
          forbid_httpx: { protocol: 'gopher' },
          visit_timestamp: {
            pattern: '.*',
            time_format: 'timestamp',
            key: '***',
            deadtime: 60,
            req_uri_type: 1,
            request_style: 'x',
          },
          timeout: { time: 30 },
        },
      }),
    });
    const r = await runCli(['export', '--baishan', 'hand.example.com'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    const config = parse(r.stdout).baishan.domains[0].config;
    expect(Object.keys(config).filter((k) => k.startsWith('cache_rule'))).toHaveLength(1);
    expect(config.forbid_httpx).toBeUndefined();
    expect(r.stderr).toMatch(/hand\.example\.com: forbid_httpx left out \(not managed\)/);
    expect(r.stderr).toMatch(/hand\.example\.com: cache_rule(_list)? left out \(not managed\)/);
    expect(config.timeout).toEqual({ time: '30' });
    expect(config.visit_timestamp.key).toEqual({ env: 'EDGEFORM_HAND_EXAMPLE_COM_VISIT_TIMESTAMP_KEY' });
    expect(r.stderr).toContain('masked by the API');

    writeYaml(dir, 'hand.yaml', r.stdout);
    const plan = await runCli(['plan', '-f', 'hand.yaml', '--detailed-exitcode'], {
      cwd: dir,
      env: { ...env, EDGEFORM_HAND_EXAMPLE_COM_VISIT_TIMESTAMP_KEY: 'whatever-was-set' },
    });
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
  });

  it('refuses bad requests with exit 1 and a code, before any call', async () => {
    emulator.resetStats();
    const cases: [string[], string][] = [
      [['export', '--gaap'], 'EXPORT_STACK_REQUIRED'],
      [['export', '--gaap', '--baishan', 'img.example.com'], 'EXPORT_STACK_REQUIRED'],
      [['export'], 'EXPORT_NOTHING_SELECTED'],
      [['export', '--baishan', 'not a domain'], 'EXPORT_DOMAIN_INVALID'],
      [['export', '--baishan', 'img.example.com', '--stack', 'Bad_Name'], 'EXPORT_STACK_INVALID'],
    ];
    for (const [args, code] of cases) {
      const r = await runCli(args, { cwd: dir, env });
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`error[${code}]`);
      expect(r.stderr).toContain('fix:');
      expect(r.stdout).toBe('');
    }
    expect(emulator.stats().baishan.total).toBe(0);
  });

  it('an unknown domain is BAISHAN_DOMAIN_NOT_FOUND, exit 1', async () => {
    const r = await runCli(['export', '--baishan', 'img.example.com,nope.example.com'], { cwd: dir, env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('BAISHAN_DOMAIN_NOT_FOUND');
    expect(r.stderr).toContain('nope.example.com');
    expect(r.stdout).toBe('');
  });

  it('--sandbox exports from the embedded emulator without credentials', async () => {
    writeYaml(
      dir,
      'seed.yaml',
      'version: 1\nstack: seed\nbaishan:\n  domains:\n    - domain: sb.example.com\n      config: { forward_status: { codes: [302, 301] } }\n',
    );
    const sandboxEnv = { EDGEFORM_RATE_WINDOW_SCALE: '0.05' };
    const applied = await runCli(['apply', '--sandbox', '--auto-approve', '-f', 'seed.yaml'], {
      cwd: dir,
      env: sandboxEnv,
    });
    expect(applied.exitCode, applied.stderr).toBe(0);
    const r = await runCli(['export', '--sandbox', '--baishan', 'sb.example.com', '-o', 'out.yaml'], {
      cwd: dir,
      env: sandboxEnv,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(parse(readFileSync(join(dir, 'out.yaml'), 'utf8')).baishan.domains[0]).toEqual({
      domain: 'sb.example.com',
      config: { forward_status: { codes: [302, 301] } }, // the live order
    });
    const plan = await runCli(['plan', '--sandbox', '-f', 'out.yaml', '--detailed-exitcode'], {
      cwd: dir,
      env: sandboxEnv,
    });
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
  });
});
