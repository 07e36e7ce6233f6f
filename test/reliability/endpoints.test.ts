import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { CREDS, cliEnv, emulator, runCli, scratchDir, stackYaml, writeYaml } from './harness.js';

/**
 * Credentials go only where the operator says: a `providers.*.endpoint` in the YAML (which in a
 * GitOps flow comes from the pull request) receives nothing unless the environment allows it, and
 * a secret reference may not name edgeform's own credential variables.
 */
let emu: RunningEmulator;
let trap: Server;
let trapUrl: string;
const caught: { url: string; headers: IncomingMessage['headers'] }[] = [];

beforeAll(async () => {
  emu = await emulator({ baishanDomains: ['ep.example.com'] });
  trap = createServer((req, res) => {
    caught.push({ url: req.url ?? '', headers: req.headers });
    res.end('{}');
  });
  await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
  trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emu.close();
  await new Promise((r) => trap.close(r));
});

const BAISHAN = `baishan:
  domains:
    - domain: ep.example.com
      config: { range_back_source: "off" }
`;
const GAAP = `gaap:
  realServers:
    origin: { address: 203.0.113.77 }
`;

function stackWith(providers: string): string {
  return stackYaml('ep', `providers:\n${providers}`, BAISHAN, GAAP);
}

/** The CLI environment with credentials but without the operator's endpoint overrides. */
function envWithoutEndpoints(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { EDGEFORM_GAAP_ENDPOINT: _g, EDGEFORM_BAISHAN_ENDPOINT: _b, ...env } = cliEnv(emu);
  return { ...env, ...extra };
}

describe('endpoints named by the YAML', () => {
  it('are refused, before any request, with the fix', async () => {
    for (const vendor of ['gaap', 'baishan']) {
      const dir = scratchDir('edgeform-ep-');
      writeYaml(dir, 'edgeform.yaml', stackWith(`  ${vendor}: { endpoint: "${trapUrl}" }\n`));
      const r = await runCli(['plan'], { cwd: dir, env: envWithoutEndpoints() });
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toContain('ENDPOINT_NOT_ALLOWED');
      expect(r.stderr).toContain(`EDGEFORM_${vendor.toUpperCase()}_ENDPOINT`);
      expect(r.stderr).toContain('EDGEFORM_ALLOW_YAML_ENDPOINTS=1');
      expect(r.stderr).not.toContain('INTERNAL');
    }
    expect(caught).toEqual([]);
  });

  it('lose to the environment, which receives the credentials instead', async () => {
    const dir = scratchDir('edgeform-ep-');
    writeYaml(
      dir,
      'edgeform.yaml',
      stackWith(`  gaap: { endpoint: "${trapUrl}" }\n  baishan: { endpoint: "${trapUrl}" }\n`),
    );
    const r = await runCli(['plan'], { cwd: dir, env: cliEnv(emu) });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(caught).toEqual([]);
  });

  it('are used when the environment allows them, but never over plain HTTP to another host', async () => {
    const dir = scratchDir('edgeform-ep-');
    writeYaml(
      dir,
      'edgeform.yaml',
      stackWith(`  gaap: { endpoint: "${emu.gaap}" }\n  baishan: { endpoint: "${emu.baishan}" }\n`),
    );
    const ok = await runCli(['plan'], {
      cwd: dir,
      env: envWithoutEndpoints({ EDGEFORM_ALLOW_YAML_ENDPOINTS: '1' }),
    });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Plan:');

    writeYaml(dir, 'edgeform.yaml', stackWith('  baishan: { endpoint: "http://192.0.2.1:8080" }\n'));
    const clear = await runCli(['plan'], {
      cwd: dir,
      env: envWithoutEndpoints({ EDGEFORM_ALLOW_YAML_ENDPOINTS: '1' }),
    });
    expect(clear.exitCode).toBe(1);
    expect(clear.stderr).toContain('ENDPOINT_NOT_ALLOWED');
    expect(clear.stderr).toContain('https://');
  });

  it("accept the vendor's own host over HTTPS", async () => {
    const dir = scratchDir('edgeform-ep-');
    writeYaml(dir, 'edgeform.yaml', stackWith('  baishan: { endpoint: "https://cdn.api.baishan.com" }\n'));
    const r = await runCli(['validate'], { cwd: dir, env: envWithoutEndpoints() });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

describe("secret references to edgeform's own credentials", () => {
  const cases = {
    'a Baishan URL-signing key': stackYaml(
      'ep',
      `baishan:
  domains:
    - domain: ep.example.com
      config:
        visit_timestamp: { pattern: ".*", time_format: timestamp, key: { env: TENCENTCLOUD_SECRET_KEY }, deadtime: 3600, req_uri_type: 1 }
`,
    ),
    'a GAAP certificate key': stackYaml(
      'ep',
      `gaap:
  certificates:
    web: { type: server, content: { env: CERT_PEM }, key: { env: BAISHAN_TOKEN } }
`,
    ),
  };
  for (const [name, yaml] of Object.entries(cases)) {
    it(`are refused in ${name}`, async () => {
      const dir = scratchDir('edgeform-ep-');
      writeYaml(dir, 'edgeform.yaml', yaml);
      const env = cliEnv(emu, { CERT_PEM: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' });
      for (const command of [['validate'], ['plan']]) {
        const r = await runCli(command, { cwd: dir, env });
        expect(r.exitCode).toBe(1);
        expect(r.stderr).toContain("one of edgeform's own credential variables");
        expect(r.stderr).toMatch(/edgeform\.yaml:\d+:\d+/);
        for (const secret of [CREDS.secretKey, CREDS.baishanToken]) {
          expect(r.stderr + r.stdout).not.toContain(secret);
        }
      }
    });
  }
});
