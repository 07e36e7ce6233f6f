import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator/index.js';
import { executePlan } from '../../src/executor/execute-plan.js';
import type { GaapDesired } from '../../src/model/gaap-desired-types.js';
import { createPlan } from '../../src/planner/create-plan.js';
import { GaapClient } from '../../src/providers/gaap/gaap-client.js';
import { GaapProvider } from '../../src/providers/gaap/gaap-provider.js';
import { expectApplied, fixtureSecret } from '../providers/gaap/gaap-harness.js';
import { gaapState } from './harness.js';

/**
 * A create the server commits after the client gave up: the proxy below drops the client's
 * connection at once, and hands the request to the emulator only `LATE_MS` later. Certificates
 * have neither a ClientToken nor a unique alias, so a resend after one look would leave two.
 */
const LATE_MS = 1_500;
let emu: RunningEmulator;
let proxy: Server;
let proxyUrl: string;
let delayed = 0;

beforeAll(async () => {
  emu = await startEmulator({ asyncDelayMs: 0 });
  const target = new URL(emu.gaap);
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = () =>
        new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
          const out = request(
            {
              host: target.hostname,
              port: target.port,
              method: req.method,
              path: req.url,
              headers: req.headers,
            },
            (r) => {
              const parts: Buffer[] = [];
              r.on('data', (c: Buffer) => parts.push(c));
              r.on('end', () =>
                resolve({
                  status: r.statusCode ?? 502,
                  headers: { 'content-type': String(r.headers['content-type'] ?? 'application/json') },
                  body: Buffer.concat(parts),
                }),
              );
            },
          );
          out.on('error', reject);
          out.end(body);
        });
      if (req.headers['x-tc-action'] === 'CreateCertificate' && delayed === 0) {
        delayed++;
        // The answer is lost, and the server commits the create only after the client moved on.
        req.socket.destroy();
        setTimeout(() => void forward().catch(() => {}), LATE_MS);
        return;
      }
      forward().then(
        (r) => {
          res.writeHead(r.status, r.headers);
          res.end(r.body);
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => proxy.close(r));
  await emu.close();
});

it('a create committed after the client gave up leaves one object', async () => {
  const client = new GaapClient({
    credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
    endpoint: proxyUrl,
  });
  const model: GaapDesired = {
    certificates: {
      site: { type: 'server', content: fixtureSecret('site-a.pem'), key: fixtureSecret('site-a.key') },
    },
  };
  const provider = new GaapProvider(
    { stack: 'late', gaap: model, settings: { gaap: { rateLimitPerSecond: 20 } } },
    () => client,
    process.cwd(),
    { pollMs: { base: 20, max: 50 }, lateCommitWaitsMs: [500, 1_000, 2_000] },
  );
  const { plan } = await createPlan({ stack: 'late', sources: [], providers: [provider], events: () => {} });
  const reasons: string[] = [];
  const result = await executePlan(plan, {
    providers: new Map([['gaap', provider]]),
    events: (e) => {
      if (e.kind === 'retry') reasons.push(e.reason);
    },
    parallelism: 4,
  });
  await client.close();
  expectApplied(result);
  expect(delayed).toBe(1);
  expect(reasons.some((r) => r.includes('late commit'))).toBe(true);
  const certs = Object.values((await gaapState(emu)).certificates);
  expect(certs).toHaveLength(1);
});
