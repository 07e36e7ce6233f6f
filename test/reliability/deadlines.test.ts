import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { cliEnv, emulator, runCli, scratchDir, stackYaml, writeYaml } from './harness.js';

/**
 * Every run ends: a server that never answers, one that answers its headers and then drips its
 * body, one that stalls every write, and a run or step that outlasts its limit all end with a
 * located error naming what was slow, within the limits set (scaled down here: the same code
 * paths, seconds instead of minutes).
 */
const GAAP_ONLY = stackYaml(
  'deadlines',
  `gaap:
  realServers:
    origin: { address: 203.0.113.90 }
  proxies:
    edge:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: 10
      concurrent: 2
`,
);
const BAISHAN_ONLY = stackYaml(
  'deadlines',
  `baishan:
  domains:
    - domain: slow.example.com
      config:
        timeout: { time: "30" }
`,
);

type Behaviour = 'stall' | 'drip';
const held: ServerResponse[] = [];

/** A server that accepts every request and never completes an answer. */
async function hangingServer(how: Behaviour): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    held.push(res);
    if (how === 'stall') return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{');
    const t = setInterval(() => res.write(' '), 20_000);
    res.on('close', () => clearInterval(t));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Forwards reads to the emulator; holds every write without an answer. */
async function writeStaller(target: string): Promise<{ url: string; server: Server }> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = String(req.headers['x-tc-action'] ?? '');
      if (!/^(Describe|Inquiry|Check)/.test(action)) {
        held.push(res);
        return;
      }
      const out = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, { 'content-type': 'application/json' });
          r.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const servers: Server[] = [];
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await emulator({ asyncDelayMs: 20_000, baishanDomains: ['slow.example.com'] });
});
afterAll(async () => {
  for (const r of held) r.destroy();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await emu.close();
});

async function timed(args: string[], yaml: string, env: NodeJS.ProcessEnv) {
  const dir = scratchDir('edgeform-deadline-');
  writeYaml(dir, 'edgeform.yaml', yaml);
  const t0 = Date.now();
  const r = await runCli(args, { cwd: dir, env });
  return { ...r, seconds: (Date.now() - t0) / 1000 };
}

describe('per-call deadline (headers and body)', () => {
  it('ends a plan against a GAAP server that drips its body, naming the action and the body', async () => {
    const { url, server } = await hangingServer('drip');
    servers.push(server);
    const r = await timed(
      ['plan'],
      GAAP_ONLY,
      cliEnv(emu, { EDGEFORM_GAAP_ENDPOINT: url, EDGEFORM_CALL_TIMEOUT: '0.5' }),
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /GAAP Describe\w+ failed( after \d+ attempts)?: EDGEFORM_CALL_DEADLINE: no complete answer within 0\.5 s \(headers came, the body did not finish/,
    );
    expect(r.stderr).not.toContain('error[INTERNAL]');
    // Attempts of 0.5 s, retried within 3× that, plus the process's start.
    expect(r.seconds).toBeLessThan(15);
  }, 60_000);

  it('ends a plan against a Baishan server that never answers, naming the headers', async () => {
    const { url, server } = await hangingServer('stall');
    servers.push(server);
    const r = await timed(
      ['plan'],
      BAISHAN_ONLY,
      cliEnv(emu, { EDGEFORM_BAISHAN_ENDPOINT: url, EDGEFORM_CALL_TIMEOUT: '0.3' }),
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/GET domain\/config.*no complete answer within 0\.3 s \(no headers yet/);
    expect(r.seconds).toBeLessThan(15);
  }, 60_000);

  it('ends an apply whose every write stalls, with the write named and nothing duplicated', async () => {
    const { url, server } = await writeStaller(emu.gaap);
    servers.push(server);
    const r = await timed(
      ['apply', '--auto-approve'],
      GAAP_ONLY,
      cliEnv(emu, { EDGEFORM_GAAP_ENDPOINT: url, EDGEFORM_CALL_TIMEOUT: '0.5' }),
    );
    expect(r.exitCode).toBe(1);
    // Each create is sent up to 10 times, each send only after a lookup found nothing, so the
    // step ends once its budget of sends is spent, naming the stalled call.
    expect(r.stderr).toMatch(
      /failed AddRealServers 203\.0\.113\.90 \(origin\): .*EDGEFORM_CALL_DEADLINE: 10 sends failed.*no complete answer within 0\.5 s/,
    );
    expect(r.stderr).not.toContain('error[INTERNAL]');
    // 10 sends of 0.5 s, their lookups and the backoff between them (36 s on a quiet machine).
    expect(r.seconds).toBeLessThan(100);
  }, 150_000);
});

describe('per-step and per-run limits', () => {
  it('ends an apply at the run limit, naming the steps in flight and what they wait for', async () => {
    const r = await timed(['apply', '--auto-approve'], GAAP_ONLY, cliEnv(emu, { EDGEFORM_RUN_TIMEOUT: '3' }));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /the run reached its limit of 3 s \(EDGEFORM_RUN_TIMEOUT\) after 3(\.\d)? s; in flight: CreateProxy edge .*waiting for/,
    );
    expect(r.seconds).toBeLessThan(15);
  }, 60_000);

  it('ends a step at its limit with STEP_TIMEOUT naming the step', async () => {
    const { url, server } = await writeStaller(emu.gaap);
    servers.push(server);
    const yaml = GAAP_ONLY.replace('203.0.113.90', '203.0.113.91').replace('edge:', 'edge2:');
    const r = await timed(
      ['apply', '--auto-approve'],
      yaml,
      cliEnv(emu, { EDGEFORM_GAAP_ENDPOINT: url, EDGEFORM_CALL_TIMEOUT: '1', EDGEFORM_STEP_TIMEOUT: '1.5' }),
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /step gaap\.\d+ \(AddRealServers 203\.0\.113\.91 \(origin\)\) took longer than its limit of 1\.5 s \(EDGEFORM_STEP_TIMEOUT\)/,
    );
    expect(r.seconds).toBeLessThan(20);
  }, 60_000);

  it('refuses a limit that is not a number of seconds, before any call', async () => {
    const r = await timed(['plan'], GAAP_ONLY, cliEnv(emu, { EDGEFORM_CALL_TIMEOUT: 'soon' }));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('EDGEFORM_CALL_TIMEOUT="soon" is not a number of seconds');
  }, 30_000);
});
