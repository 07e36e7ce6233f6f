import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { cliEnv, emulator, runCli, scratchDir, stackYaml, writeYaml } from './harness.js';

/**
 * Numbers past every bound the documents allow, `{file:}` secrets that leave the stack's
 * directory, and certificates that are not PEM: each refused at its location, with 0 requests.
 */
const CERT = readFileSync(new URL('../fixtures/gaap/site-a.pem', import.meta.url), 'utf8');
const KEY = readFileSync(new URL('../fixtures/gaap/site-a.key', import.meta.url), 'utf8');

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(async () => {
  await emu.close();
});

function requests(): number {
  const s = emu.stats();
  return s.gaap.total + s.baishan.total;
}

const proxy = (bandwidth: string, concurrent: string) =>
  stackYaml(
    'bounds',
    `gaap:
  proxies:
    edge: { accessRegion: SouthChina, realServerRegion: NorthAmerica, bandwidth: ${bandwidth}, concurrent: ${concurrent} }
`,
  );

const certificate = (content: string, key: string) =>
  stackYaml(
    'bounds',
    `gaap:\n  certificates:\n    site: { type: server, content: ${content}, key: ${key} }\n`,
  );

async function refused(dir: string, commands: string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}) {
  emu.resetStats();
  for (const command of commands) {
    const r = await runCli([command], { cwd: dir, env: cliEnv(emu, env) });
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toContain('error[INTERNAL]');
  }
  expect(requests()).toBe(0);
}

describe('numeric bounds', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'bandwidth 1e308',
      '1e308',
      '2',
      /edgeform\.yaml:5:\d+ gaap\.proxies\.edge\.bandwidth: 1e\+308 is out of range: must be between 1 and 100000/,
    ],
    [
      'bandwidth 99999999999999999999',
      '99999999999999999999',
      '2',
      /edgeform\.yaml:5:\d+ gaap\.proxies\.edge\.bandwidth: .* is out of range/,
    ],
    [
      'concurrent 1e6',
      '10',
      '1e6',
      /edgeform\.yaml:5:\d+ gaap\.proxies\.edge\.concurrent: 1000000 is out of range: must be between 1 and 1000/,
    ],
  ];
  for (const [name, bandwidth, concurrent, pattern] of cases) {
    it(`refuses ${name} at its location`, async () => {
      const dir = scratchDir('edgeform-bounds-');
      writeYaml(dir, 'edgeform.yaml', proxy(bandwidth, concurrent));
      await refused(dir, ['validate', 'plan'], pattern);
    }, 30_000);
  }
});

describe('{file:} secrets stay inside the stack', () => {
  it('refuses an absolute path outside, /proc, a symlink out and a FIFO; allows EDGEFORM_SECRET_DIRS', async () => {
    const dir = scratchDir('edgeform-confine-');
    writeYaml(dir, 'site.pem', CERT);
    writeYaml(dir, 'site.key', KEY);
    symlinkSync('/etc/hostname', join(dir, 'link.key'));
    execFileSync('mkfifo', [join(dir, 'pipe.key')]);
    const outside = scratchDir('edgeform-keys-');
    writeYaml(outside, 'site.key', KEY);
    const cases: [string, RegExp][] = [
      [
        '/etc/passwd',
        /gaap\.certificates\.site\.key: secret file \/etc\/passwd is outside the stack's directory/,
      ],
      ['/proc/self/environ', /secret file \/proc\/self\/environ is under \/proc/],
      ['link.key', /link\.key leads \(through a symlink\) to \/etc\/hostname, outside the stack's directory/],
      ['pipe.key', /secret file pipe\.key is not a regular file/],
      [join(outside, 'site.key'), /is outside the stack's directory .*EDGEFORM_SECRET_DIRS/],
    ];
    for (const [path, pattern] of cases) {
      writeYaml(dir, 'edgeform.yaml', certificate('{ file: site.pem }', `{ file: ${path} }`));
      await refused(dir, ['validate', 'plan'], pattern);
    }
    // The operator may allow a directory of its own.
    const ok = await runCli(['validate'], { cwd: dir, env: cliEnv(emu, { EDGEFORM_SECRET_DIRS: outside }) });
    expect(ok.exitCode, ok.stderr).toBe(0);
  }, 90_000);
});

describe('certificates must be PEM', () => {
  it('refuses content and keys that do not parse, before any request, without printing them', async () => {
    const dir = scratchDir('edgeform-pem-');
    mkdirSync(join(dir, 'certs'));
    writeYaml(dir, 'certs/site.pem', CERT);
    writeYaml(dir, 'certs/site.key', KEY);
    writeYaml(dir, 'certs/not.pem', 'this is not a certificate');
    writeYaml(dir, 'certs/bad.key', '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
    writeYaml(dir, 'edgeform.yaml', certificate('{ file: certs/not.pem }', '{ file: certs/site.key }'));
    // validate parses them as plan does.
    await refused(
      dir,
      ['validate', 'plan'],
      /edgeform\.yaml:\d+:\d+ gaap\.certificates\.site\.content: is not a PEM certificate/,
    );
    writeYaml(dir, 'edgeform.yaml', certificate('{ file: certs/site.pem }', '{ file: certs/bad.key }'));
    await refused(
      dir,
      ['validate', 'plan'],
      /gaap\.certificates\.site\.key: is not a PEM private key that can be read/,
      {},
    );
    for (const command of ['validate', 'plan']) {
      const r = await runCli([command], { cwd: dir, env: cliEnv(emu) });
      expect(r.stderr).not.toContain('bm90IGEga2V5');
    }
    // And a certificate that parses is valid for both.
    writeYaml(dir, 'edgeform.yaml', certificate('{ file: certs/site.pem }', '{ file: certs/site.key }'));
    const ok = await runCli(['validate'], { cwd: dir, env: cliEnv(emu) });
    expect(ok.exitCode, ok.stderr).toBe(0);
  }, 60_000);
});

describe('YAML aliases', () => {
  it('refuses a chain of anchors merging one another (80 KB) quickly, located', async () => {
    const lines = ['version: 1', 'stack: alias', 'gaap:', '  proxies:'];
    lines.push(
      '    p0: &p0\n      accessRegion: SouthChina\n      realServerRegion: NorthAmerica\n      bandwidth: 10\n      concurrent: 2',
    );
    for (let i = 1; lines.join('\n').length < 80_000; i++)
      lines.push(`    p${i}: &p${i}\n      <<: *p${i - 1}\n      bandwidth: 10`);
    const dir = scratchDir('edgeform-alias-');
    writeYaml(dir, 'edgeform.yaml', `${lines.join('\n')}\n`);
    const t0 = Date.now();
    await refused(
      dir,
      ['validate'],
      /edgeform\.yaml:\d+:\d+: anchors, aliases and merge keys expand this file to more than 2000000 values/,
    );
    // ~2 s here, the process start included; the bound leaves room for a loaded machine.
    expect(Date.now() - t0).toBeLessThan(10_000);
  }, 30_000);
});

describe('hostile shapes are answered within 5 s', () => {
  const head = 'version: 1\nstack: shapes\n';
  const proxyEntry = (i: number) =>
    `p${i}: {accessRegion: SouthChina, realServerRegion: NorthAmerica, bandwidth: 10, concurrent: 2}`;
  const cases: [string, string, RegExp][] = [
    [
      '10,000 nested flow sequences',
      `${head}gaap:\n  proxies:\n    p: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
      /error\[/,
    ],
    [
      'a 1 MB scalar',
      `${head}gaap:\n  proxies:\n    p: { name: "${'x'.repeat(1_000_000)}", accessRegion: SouthChina, realServerRegion: NorthAmerica, bandwidth: 10, concurrent: 2 }\n`,
      /gaap\.proxies\.p\.name: is longer than/,
    ],
    // The first 100 problems worded, the rest counted (test/reliability/fuzz-input.test.ts).
    [
      '10,000 keys, each wrong',
      `${head}gaap:\n  proxies:\n${Array.from({ length: 10_000 }, (_, i) => `    k${i}: 1\n`).join('')}`,
      /gaap\.proxies\.k99: expected a mapping[\s\S]*gaap\.proxies\.k100: more problems from here on/,
    ],
    [
      'one 1.5 MB line of 15,000 proxies',
      `${head}gaap: {proxies: {${Array.from({ length: 15_000 }, (_, i) => proxyEntry(i)).join(', ')}}}\n`,
      /^Valid\./,
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(name, async () => {
      const dir = scratchDir('edgeform-shapes-');
      writeYaml(dir, 'edgeform.yaml', text);
      const t0 = Date.now();
      const r = await runCli(['validate'], { cwd: dir, env: {} });
      const ms = Date.now() - t0;
      expect(`${r.stdout}${r.stderr}`).toMatch(expected);
      expect(r.stderr).not.toContain('error[INTERNAL]');
      // The process start included.
      expect(ms).toBeLessThan(5_000);
    }, 30_000);
  }
});
