import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { startEmulator } from '../../src/emulator/index.js';
import { emulatorEnv, ROOT, runCli, scratchDir, writeYaml } from './cli-harness.js';

/**
 * Every machine output of the built CLI, from a real run against the emulator, validated against
 * the schema published for it in schemas/ (docs/machine-output.md).
 */
const SCHEMAS = join(ROOT, 'schemas');
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats.default(ajv);
for (const f of readdirSync(SCHEMAS).filter((f) =>
  /^(plan|apply-result|drift-report|outputs|events|validate-result)\./.test(f),
))
  ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, f), 'utf8')) as object);
const schema = (name: string): ValidateFunction =>
  ajv.getSchema(`https://edgeform.dev/schemas/${name}.schema.json`)!;

function expectValid(name: string, doc: unknown): void {
  const v = schema(name);
  const ok = v(doc);
  expect(ok, `${name}: ${JSON.stringify(v.errors?.slice(0, 5), null, 2)}`).toBe(true);
}

const SIGN_KEY = 'schema-test-sign-key-4f1e';
const YAML = (weight: number, referers: string[]) => `version: 1
stack: schemas-e2e
gaap:
  realServers:
    a: { address: 198.51.100.81 }
    b: { address: 198.51.100.82 }
  proxies:
    edge:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
      listeners:
        - protocol: TCP
          port: 7000
          scheduler: wrr
          realServers:
            - { realServer: a, port: 7000, weight: ${weight} }
            - { realServer: b, port: 7000 }
baishan:
  domains:
    - domain: dl.schemas.example.com
      config:
        timeout: { time: "30" }
        referer: { type: 1, list: [${referers.map((r) => JSON.stringify(r)).join(', ')}], allow_empty: true }
        visit_timestamp:
          pattern: ".*"
          req_uri_type: 1
          time_format: timestamp
          style: "$ourkey$uri$time"
          keyname: sign
          timename: t
          deadtime: 3600
          origin_type: 1
          key: { env: EDGEFORM_SCHEMA_SIGN_KEY }
`;

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
const dir = scratchDir();

beforeAll(async () => {
  emulator = await startEmulator({ asyncDelayMs: 100, baishanAutoDomains: true, rateWindowScale: 0.1 });
  env = { ...emulatorEnv(emulator, 0.1), EDGEFORM_SCHEMA_SIGN_KEY: SIGN_KEY };
  writeYaml(dir, 'edgeform.yaml', YAML(70, ['a.example.com', 'b.example.com']));
});
afterAll(async () => {
  await emulator.close();
});

const eventLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      expect(l, 'a line on stderr that is not a JSON event').toMatch(/^\{"ts":/);
      return JSON.parse(l) as { kind: string };
    });

describe('machine outputs validate against their published schemas (built CLI, emulator)', () => {
  it('plan --format json is the saved plan: it validates, and `show` accepts it (digest and all)', async () => {
    const r = await runCli(['plan', '--format', 'json', '--log-file', 'plan-events.jsonl'], {
      cwd: dir,
      env,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { digest: string; changes: unknown[] };
    expectValid('plan', plan);
    expect(plan.digest).toMatch(/^sha256:/);
    expect(r.stdout).not.toContain(SIGN_KEY);
    for (const e of eventLines(readFileSync(join(dir, 'plan-events.jsonl'), 'utf8')))
      expectValid('events', e);
  });

  it('apply --format json: the result, the executed plan and the outputs validate; so do its events', async () => {
    const r = await runCli(['apply', '--auto-approve', '--format', 'json', '--events', 'jsonl'], {
      cwd: dir,
      env,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      applied: boolean;
      result: { done: number; steps: { state: string }[] };
      outputs: { type: string; values: Record<string, unknown> }[];
    };
    expectValid('apply-result', doc);
    expect(doc.applied).toBe(true);
    expect(doc.result.steps.every((s) => s.state === 'done')).toBe(true);
    expect(doc.outputs.find((o) => o.type === 'gaap_proxy')?.values.accessDomain).toEqual(expect.any(String));
    expect(r.stdout).not.toContain(SIGN_KEY);
    // --events jsonl: stderr is nothing but event lines, framed by run-start and run-end.
    const events = eventLines(r.stderr);
    for (const e of events) expectValid('events', e);
    expect(events[0]).toMatchObject({ kind: 'run-start', formatVersion: '1.0', command: 'apply' });
    expect(events.at(-1)).toMatchObject({ kind: 'run-end', exitCode: 0 });
    const kinds = new Set(events.map((e) => e.kind));
    for (const k of ['read-done', 'api-call', 'step-start', 'step-done', 'progress'])
      expect(kinds).toContain(k);
  });

  it('apply --format json of a plan with no changes: applied false, result null', async () => {
    const r = await runCli(['apply', '--auto-approve', '--format', 'json'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { applied: boolean; result: unknown };
    expectValid('apply-result', doc);
    expect(doc).toMatchObject({ applied: false, result: null });
  });

  it('outputs --format json validates and names the proxy access domain', async () => {
    const r = await runCli(['outputs', '--format', 'json'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { outputs: { type: string; values: Record<string, unknown> }[] };
    expectValid('outputs', doc);
    expect(doc.outputs.find((o) => o.type === 'gaap_proxy')?.values.accessDomain).toMatch(/\./);
  });

  it('drift --format json validates and carries values and list patches, not JSON-encoded strings', async () => {
    // The YAML moves on (as a pull request would): the live state now differs from it.
    writeYaml(dir, 'edgeform.yaml', YAML(50, ['a.example.com', 'c.example.com']));
    const r = await runCli(['drift', '--format', 'json', '--metrics-file', 'drift.prom'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(2);
    const doc = JSON.parse(r.stdout) as {
      drifted: {
        address: string;
        fields: { path: string; live?: unknown; desired?: unknown; patch?: unknown[] }[];
      }[];
    };
    expectValid('drift-report', doc);
    const fields = doc.drifted.flatMap((d) => d.fields.map((f) => ({ address: d.address, ...f })));
    const servers = fields.find((f) => f.path === 'realServers');
    expect(servers?.patch).toContainEqual({ op: 'replace', path: '/0/weight', value: 50 });
    expect(Array.isArray(servers?.live)).toBe(true);
    const referers = fields.find((f) => f.path === 'referer.list');
    expect(referers?.live).toEqual(['a.example.com', 'b.example.com']);
    expect(referers?.desired).toEqual(['a.example.com', 'c.example.com']);
    for (const f of fields)
      for (const v of [f.live, f.desired]) if (typeof v === 'string') expect(() => JSON.parse(v)).toThrow();
    expect(r.stdout).not.toContain(SIGN_KEY);
  });

  it('drift --metrics-file writes the Prometheus text format, atomically, also when the run fails', async () => {
    const prom = readFileSync(join(dir, 'drift.prom'), 'utf8');
    const samples = new Map<string, number>();
    for (const line of prom.split('\n')) {
      if (line === '' || line.startsWith('#')) {
        expect(line === '' || /^# (HELP|TYPE) edgeform_drift_\w+ \S/.test(line), line).toBe(true);
        continue;
      }
      const m = /^(edgeform_drift_\w+)\{((?:\w+="(?:[^"\\]|\\.)*",?)*)\} (-?[\d.e+-]+)$/.exec(line);
      expect(m, `not a sample line: ${line}`).not.toBeNull();
      samples.set(`${m![1]}{${m![2]}}`, Number(m![3]));
    }
    const s = 'stack="schemas-e2e"';
    expect(samples.get(`edgeform_drift_detected{${s}}`)).toBe(1);
    expect(samples.get(`edgeform_drift_objects{${s},provider="gaap",type="gaap_proxy"}`)).toBe(1);
    expect(samples.get(`edgeform_drift_objects{${s},provider="baishan",type="baishan_domain"}`)).toBe(1);
    expect(
      samples.get(
        `edgeform_drift_drifted_objects{${s},provider="baishan",type="baishan_domain",change="update"}`,
      ),
    ).toBe(1);
    expect(samples.get(`edgeform_drift_last_run_exit_code{${s},reason="drift",error_code=""}`)).toBe(2);
    const ts = samples.get(`edgeform_drift_last_run_timestamp_seconds{${s}}`)!;
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(600);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);

    // A failing run (no credentials) still says so in the file, with the error code: exit 1.
    const failed = await runCli(['drift', '--metrics-file', 'drift.prom'], {
      cwd: dir,
      env: { ...env, BAISHAN_TOKEN: '' },
    });
    expect(failed.exitCode).toBe(1);
    const after = readFileSync(join(dir, 'drift.prom'), 'utf8');
    expect(after).toMatch(
      /^edgeform_drift_last_run_exit_code\{stack="[^"]*",reason="error",error_code="[A-Z_]+"\} 1$/m,
    );
    expect(after).not.toContain('edgeform_drift_detected{');
  });

  it('--events jsonl: a failed run ends with a run-end event carrying the error, and nothing else on stderr', async () => {
    const r = await runCli(['plan', '--events', 'jsonl', '-f', 'missing.yaml'], { cwd: dir, env });
    expect(r.exitCode).toBe(1);
    const events = eventLines(r.stderr);
    for (const e of events) expectValid('events', e);
    expect(events.map((e) => e.kind)).toEqual(['run-start', 'run-end']);
    expect(events[1]).toMatchObject({ exitCode: 1, error: { code: 'FILE_NOT_FOUND' } });
    expect(r.stdout).toBe('');
  });

  it('validate --format json validates, valid or not, with located diagnostics', async () => {
    const ok = await runCli(['validate', '--format', 'json'], { cwd: dir, env });
    expect(ok.exitCode, ok.stderr).toBe(0);
    const good = JSON.parse(ok.stdout);
    expectValid('validate-result', good);
    expect(good).toMatchObject({ valid: true, stack: 'schemas-e2e', diagnostics: [] });

    writeYaml(
      dir,
      'bad.yaml',
      'version: 1\nstack: schemas-e2e\nbaishan:\n  domains:\n    - domain: x.example.com\n      config:\n        refrer: { type: 1 }\n',
    );
    const bad = await runCli(['validate', '--format', 'json', '-f', 'bad.yaml'], { cwd: dir, env });
    expect(bad.exitCode).toBe(1);
    const doc = JSON.parse(bad.stdout) as {
      valid: boolean;
      diagnostics: { code: string; line: number; column: number }[];
    };
    expectValid('validate-result', doc);
    expect(doc.valid).toBe(false);
    expect(doc.diagnostics[0]).toMatchObject({ code: 'UNKNOWN_KEY', line: 7, column: 9 });
  });
});
