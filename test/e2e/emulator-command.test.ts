import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { EMULATOR_DEFAULTS } from '../../src/emulator/index.js';
import { GaapClient } from '../../src/providers/gaap/gaap-client.js';
import { CLI } from './cli-harness.js';

it('`edgeform emulator` prints one JSON ready line, serves both APIs, and stops cleanly on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [CLI, 'emulator', '--baishan-domains', 'cdn.example.com', '--latency-ms', '1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve) => lines.once('line', resolve));
  const ready = JSON.parse(first) as { gaap: string; baishan: string };
  expect(Object.keys(ready).sort()).toEqual(['baishan', 'gaap']);
  expect(ready.gaap).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(ready.baishan).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

  // GAAP: a signed call with the default credentials.
  const client = new GaapClient({
    credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
    endpoint: ready.gaap,
  });
  const regions = await client.call('DescribeAccessRegions', {});
  expect(regions.AccessRegionSet.length).toBeGreaterThan(0);
  await client.close();

  // Baishan: the token, and a domain given on the command line.
  const q = new URLSearchParams({ token: EMULATOR_DEFAULTS.baishanToken, domains: 'cdn.example.com' });
  q.append('config[]', 'origin');
  const res = await fetch(`${ready.baishan}/v2/domain/config?${q}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('x-ratelimit-limit')).toBe('30');
  const body = (await res.json()) as { code: number; data: { domain: string }[] };
  expect(body.code).toBe(0);
  expect(body.data[0]?.domain).toBe('cdn.example.com');

  let more = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    more += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.kill('SIGTERM');
  expect(await exit).toBe(0);
  expect(more).toBe(''); // exactly one line on stdout
});
