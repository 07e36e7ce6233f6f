import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BAISHAN_SECRET_FIELDS } from '../../src/emulator/baishan/baishan-api.js';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { SECRET_FIELDS } from '../../src/model/baishan-keys.js';
import { CREDS, cliEnv, emulator, runCli, scratchDir, stackYaml, writeYaml } from './harness.js';

/**
 * The emulator's unauthenticated state endpoint, its admin answers and its state files (`--state`,
 * the sandbox's .edgeform/sandbox.json) hold no secret the stacks gave it — Baishan signing keys,
 * a certificate's private key, basic-auth password hashes — in any encoding; and a restarted
 * emulator with the same credentials still knows them exactly (no changes planned, a changed key
 * planned as a change).
 */
const SIGN_KEY = 'emu+Sign/Key=42&ab?cd';
const SIGN_KEY_2 = 'emu+Sign/Key=43&ef?gh';
const HTPASSWD = 'alice:$apr1$Qm0f3Kx1$yWl0aH1aZ1b9Qv6o2Q9f1/';
const PRIVATE_KEY = readFileSync(new URL('../fixtures/gaap/site-a.key', import.meta.url), 'utf8');
const CERT = readFileSync(new URL('../fixtures/gaap/site-a.pem', import.meta.url), 'utf8');
/** A line of the key's body with characters that URL encoding changes. */
const KEY_BODY = PRIVATE_KEY.split('\n').find((l) => !l.startsWith('-----') && /[+/]/.test(l)) ?? '';
const HASH = HTPASSWD.split('$').at(-1) ?? '';

const NEEDLES = [
  ...new Set(
    [SIGN_KEY, SIGN_KEY_2, KEY_BODY, HASH].flatMap((s) => [
      s,
      encodeURIComponent(s),
      new URLSearchParams({ x: s }).toString().slice(2),
      JSON.stringify(s).slice(1, -1),
    ]),
  ),
];

function leaks(text: string): string[] {
  return NEEDLES.filter((n) => n.length >= 8 && text.includes(n));
}

const DOMAIN = 'emu.secrets.example.com';
const yaml = (stack: string) =>
  stackYaml(
    stack,
    `baishan:
  domains:
    - domain: ${DOMAIN}
      config:
        visit_timestamp: { pattern: ".*", time_format: timestamp, key: { env: SIGN_KEY }, deadtime: 3600, req_uri_type: 1 }
`,
    `gaap:
  certificates:
    web: { type: server, content: { file: cert.pem }, key: { file: key.pem } }
    users: { type: basic-auth, content: "${HTPASSWD}" }
`,
  );

function project(stack: string): string {
  const dir = scratchDir('edgeform-emulator-secrets-');
  writeFileSync(join(dir, 'cert.pem'), CERT);
  writeFileSync(join(dir, 'key.pem'), PRIVATE_KEY);
  writeYaml(dir, 'edgeform.yaml', yaml(stack));
  return dir;
}

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const start = (statePath: string, baishanToken: string = CREDS.baishanToken) =>
  emulator({ statePath, baishanToken, baishanDomains: [DOMAIN] });

describe('emulator secret hygiene', () => {
  it('names the same Baishan secret fields as the client catalog', () => {
    const key = (f: { key: string; path: string }) => `${f.key} ${f.path}`;
    expect(BAISHAN_SECRET_FIELDS.map(key).sort()).toEqual(SECRET_FIELDS.map(key).sort());
  });

  it('state endpoint, admin answers and --state file: no secret; a restart with the same credentials knows them', async () => {
    const dir = project('emusecrets');
    const statePath = join(dir, 'emulator-state.json');
    emu = await start(statePath);
    const env = cliEnv(emu, { SIGN_KEY });
    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(applied.exitCode, applied.stderr).toBe(0);

    const outputs: string[] = [];
    for (const base of [emu.gaap, emu.baishan])
      outputs.push(await (await fetch(`${base}/_emulator/state`)).text());
    // The Baishan admin write answers the stored config: redacted too.
    const setConfig = await fetch(`${emu.baishan}/_emulator/baishan/set-config`, {
      method: 'POST',
      body: JSON.stringify({ domain: DOMAIN, config: { client_real_ip: { head: 'x-real-ip' } } }),
    });
    outputs.push(await setConfig.text());
    await fetch(`${emu.baishan}/_emulator/baishan/set-config`, {
      method: 'POST',
      body: JSON.stringify({ domain: DOMAIN, config: { client_real_ip: null } }),
    });
    // The secrets are there, redacted (not simply dropped).
    expect(outputs[0]).toMatch(/"CertificateKey":\{"\$redacted":"hmac:[0-9a-f]{16}"\}/);
    expect(outputs[1]).toMatch(/"key":\{"\$redacted":"hmac:[0-9a-f]{16}"\}/);
    await emu.close();
    const file = readFileSync(statePath, 'utf8');
    outputs.push(file);
    expect(file).toContain('"$sealed":"v1.');
    expect(outputs.flatMap(leaks)).toEqual([]);

    // Restarted with the same credentials: the sealed secrets open, the stack has no changes...
    emu = await start(statePath);
    const env2 = cliEnv(emu, { SIGN_KEY });
    const replan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env: env2 });
    expect(replan.exitCode, `${replan.stdout}\n${replan.stderr}`).toBe(0);
    // ... and a new signing key is a change (the old one was known exactly, not masked).
    const rotated = await runCli(['plan', '--detailed-exitcode'], {
      cwd: dir,
      env: { ...env2, SIGN_KEY: SIGN_KEY_2 },
    });
    expect(rotated.exitCode, `${rotated.stdout}\n${rotated.stderr}`).toBe(2);
    expect(rotated.stdout).toContain('visit_timestamp');
  }, 120_000);

  it('restarted with another Baishan token: the sealed key reads back empty (write-only), never in clear', async () => {
    const dir = project('emuother');
    const statePath = join(dir, 'emulator-state.json');
    emu = await start(statePath);
    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, env: cliEnv(emu, { SIGN_KEY }) });
    expect(applied.exitCode, applied.stderr).toBe(0);
    await emu.close();
    const logged: string[] = [];
    emu = await emulator({
      statePath,
      baishanToken: 'another-token',
      baishanDomains: [DOMAIN],
      log: (l) => logged.push(l),
    });
    expect(logged.join('\n')).toMatch(
      /emulator baishan: 1 secret\(s\) .* were sealed under other credentials/,
    );
    const state = await (await fetch(`${emu.baishan}/_emulator/state`)).text();
    expect(leaks(state)).toEqual([]);
    expect(state).toContain('"key":""');
  }, 120_000);

  it('--sandbox: .edgeform/sandbox.json holds no secret, and the next sandbox run knows them', async () => {
    const dir = project('sandboxsecrets');
    const env = { SIGN_KEY, EDGEFORM_RATE_WINDOW_SCALE: '0.05' };
    const applied = await runCli(['apply', '--sandbox', '--auto-approve'], { cwd: dir, env });
    expect(applied.exitCode, applied.stderr).toBe(0);
    const file = readFileSync(join(dir, '.edgeform', 'sandbox.json'), 'utf8');
    expect(file).toContain('"$sealed":"v1.');
    expect(leaks(file)).toEqual([]);
    const replan = await runCli(['plan', '--sandbox', '--detailed-exitcode'], { cwd: dir, env });
    expect(replan.exitCode, `${replan.stdout}\n${replan.stderr}`).toBe(0);
    const rotated = await runCli(['plan', '--sandbox', '--detailed-exitcode'], {
      cwd: dir,
      env: { ...env, SIGN_KEY: SIGN_KEY_2 },
    });
    expect(rotated.exitCode, `${rotated.stdout}\n${rotated.stderr}`).toBe(2);
    expect(leaks(readFileSync(join(dir, '.edgeform', 'sandbox.json'), 'utf8'))).toEqual([]);
  }, 120_000);
});
