import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLogFile } from '../../src/cli/log-file.js';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import {
  baishanLiveConfig,
  CREDS,
  cliEnv,
  emulator,
  FAULTS,
  gaapCertificateKeys,
  report,
  runCli,
  scratchDir,
  stackYaml,
  writeYaml,
} from './harness.js';

// Every secret edgeform handles, each with characters that URL encoding changes: the GAAP secret
// key and the Baishan token (environment), a Baishan URL-signing key (visit_timestamp.key, from
// the environment), and a certificate's private key (from a file; GAAP takes it URL-encoded).
const SIGN_KEY = 'sign+Key/42=ab&cd?ef';
const SIGN_KEY_2 = 'sign+Key/43=gh&ij?kl';
// A real certificate and key (the emulator parses both), so a create with an uncertain answer (the
// seeded faults give some) is found again by alias and validity instead of failing the apply.
const CERT = readFileSync(new URL('../fixtures/gaap/site-a.pem', import.meta.url), 'utf8');
const PRIVATE_KEY = readFileSync(new URL('../fixtures/gaap/site-a.key', import.meta.url), 'utf8');
/** A line of the key's body with characters that URL encoding changes. */
const KEY_BODY = PRIVATE_KEY.split('\n').find((l) => !l.startsWith('-----') && /[+/]/.test(l)) ?? '';
// Wrong credentials, used once to make the error paths print (they must not print these either).
const WRONG_KEY = 'wrong+Secret/Key=zz&yy';
const WRONG_TOKEN = 'wrong-Token+9/Q=r&s';

const SECRETS = [CREDS.secretKey, CREDS.baishanToken, SIGN_KEY, SIGN_KEY_2, KEY_BODY, WRONG_KEY, WRONG_TOKEN];

/** Each secret as is, URL-encoded (path and form styles) and JSON-escaped. */
const NEEDLES = [
  ...new Set(
    SECRETS.flatMap((s) => [
      s,
      encodeURIComponent(s),
      new URLSearchParams({ x: s }).toString().slice(2),
      JSON.stringify(s).slice(1, -1),
    ]),
  ),
];

let emu: RunningEmulator;
beforeAll(async () => {
  // Faults on: retry and error messages are printed and logged too.
  emu = await emulator({ ...FAULTS, seed: 5, asyncDelayMs: 30, baishanDomains: ['s0.secrets.example.com'] });
});
afterAll(async () => {
  await emu.close();
});

const YAML = stackYaml(
  'secrets',
  `baishan:
  domains:
    - domain: s0.secrets.example.com
      config:
        visit_timestamp: { pattern: ".*", time_format: timestamp, key: { env: SIGN_KEY }, deadtime: 3600, req_uri_type: 1 }
`,
  `gaap:
  certificates:
    web: { type: server, content: { file: cert.pem }, key: { file: key.pem } }
  realServers:
    origin-0: { address: 203.0.113.50 }
  proxies:
    edge:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
      listeners:
        - { protocol: TCP, port: 443, realServers: [{ realServer: origin-0, port: 443 }] }
`,
);

describe('no secret in any output', () => {
  it('validate, plan (text, json, markdown, --out), apply, drift, errors and debug logs never show a secret', async () => {
    const dir = scratchDir('edgeform-secrets-');
    writeYaml(dir, 'edgeform.yaml', YAML);
    writeFileSync(join(dir, 'cert.pem'), CERT);
    writeFileSync(join(dir, 'key.pem'), PRIVATE_KEY);
    const env = cliEnv(emu, { SIGN_KEY });
    const outputs: { what: string; text: string }[] = [];
    const run = async (args: string[], expected: number, extraEnv: NodeJS.ProcessEnv = {}) => {
      const r = await runCli(args, { cwd: dir, env: { ...env, ...extraEnv } });
      expect(r.exitCode, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(expected);
      outputs.push({ what: `${args.join(' ')} (stdout)`, text: r.stdout });
      outputs.push({ what: `${args.join(' ')} (stderr)`, text: r.stderr });
      return r;
    };
    const logs = ['plan', 'saved', 'apply', 'drift', 'apply2', 'error'].map((n) => join(dir, `${n}.jsonl`));

    await run(['validate'], 0);
    const text = await run(['plan', '-v', '--log-file', logs[0]!], 0);
    expect(text.stdout).toContain('(sensitive)');
    await run(['plan', '--format', 'markdown'], 0);
    await run(['plan', '--format', 'json', '--out', 'p.json', '--log-file', logs[1]!], 0);
    await run(['apply', 'p.json', '-v', '--log-file', logs[2]!], 0);
    await run(['drift', '--log-file', logs[3]!], 0);
    // A changed secret: shown as a sensitive change, applied.
    await run(['drift', '--format', 'json'], 2, { SIGN_KEY: SIGN_KEY_2 });
    await run(['drift', '--format', 'markdown'], 2, { SIGN_KEY: SIGN_KEY_2 });
    await run(['plan'], 0, { SIGN_KEY: SIGN_KEY_2 });
    await run(['apply', '--auto-approve', '--format', 'json', '--log-file', logs[4]!], 0, {
      SIGN_KEY: SIGN_KEY_2,
    });
    // Wrong credentials: the errors must name the problem, not the value.
    const denied = await run(['plan', '-v', '--log-file', logs[5]!], 1, {
      BAISHAN_TOKEN: WRONG_TOKEN,
      TENCENTCLOUD_SECRET_KEY: WRONG_KEY,
      SIGN_KEY: SIGN_KEY_2,
    });
    expect(denied.stderr).toMatch(/error\[(BAISHAN|GAAP)_AUTH/);

    outputs.push({ what: 'saved plan p.json', text: readFileSync(join(dir, 'p.json'), 'utf8') });
    for (const log of logs) outputs.push({ what: log, text: readFileSync(log, 'utf8') });

    const leaks = outputs.flatMap(({ what, text }) =>
      NEEDLES.filter((n) => text.includes(n)).map((n) => `${what}: ${n}`),
    );
    expect(leaks).toEqual([]);

    // The debug log records every call: action, duration, status, and GAAP's RequestId.
    const calls = readFileSync(logs[2]!, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.kind === 'api-call');
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      expect(typeof c.action).toBe('string');
      expect(typeof c.durationMs).toBe('number');
      expect(['ok', 'error']).toContain(c.status);
    }
    expect(calls.some((c) => c.provider === 'gaap' && typeof c.requestId === 'string')).toBe(true);

    // The secrets did reach the APIs.
    // (Read through the APIs: the emulator's state endpoint shows them redacted.)
    const config = await baishanLiveConfig(emu, 's0.secrets.example.com');
    expect((config.visit_timestamp as { key?: string } | undefined)?.key).toBe(SIGN_KEY_2);
    // Stored as sent: URL-encoded (the key file's trailing newline is dropped on reading).
    const keys = await gaapCertificateKeys(emu);
    expect(keys.map((k) => decodeURIComponent(k))).toContain(PRIVATE_KEY.replace(/\n$/, ''));

    report('secrets', { outputsScanned: outputs.length, needles: NEEDLES.length, leaks: leaks.length });
  }, 150_000);

  it('the debug log scrubs credentials from any text that carries them, raw or URL-encoded', () => {
    const path = join(scratchDir('edgeform-log-'), 'log.jsonl');
    const log = openLogFile(path, {
      BAISHAN_TOKEN: CREDS.baishanToken,
      TENCENTCLOUD_SECRET_KEY: CREDS.secretKey,
    });
    log.sink({
      kind: 'retry',
      provider: 'baishan',
      action: 'GET domain/config',
      attempt: 2,
      waitMs: 10,
      reason: `GET /v2/domain/config?token=${encodeURIComponent(CREDS.baishanToken)}&domains=a: ECONNRESET`,
    });
    log.sink({ kind: 'warning', message: `echoed ${CREDS.secretKey} and ${CREDS.baishanToken}` });
    log.close();
    const text = readFileSync(path, 'utf8');
    for (const n of NEEDLES) expect(text).not.toContain(n);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.kind)).toEqual(['retry', 'warning']);
    expect(lines[0]?.reason).toBe('GET /v2/domain/config?token=***&domains=a: ECONNRESET');
    expect(lines[1]?.message).toBe('echoed *** and ***');
    expect(typeof lines[0]?.ts).toBe('string');
  });
});
