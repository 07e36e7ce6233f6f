import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stableStringify } from '../../src/core/json.js';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { isRead } from '../../src/emulator/gaap/handlers.js';
import { GaapClient } from '../../src/providers/gaap/gaap-client.js';
import { CREDS, cliEnv, emulator, gaapState, runCli, scratchDir, stackYaml, writeYaml } from './harness.js';

/**
 * A saved plan is an artifact passed between CI jobs: `apply PLAN` refuses every damaged or hostile
 * plan before its first write, never with error[INTERNAL], and no saved plan can touch an object
 * the stack does not own.
 */
let emu: RunningEmulator;
let dir: string;
let env: NodeJS.ProcessEnv;
let foreignProxy: string;
let planText: string;

const SIGN_KEY = 'Summer2026!';

const yaml = (bandwidth: number, origin: string) =>
  stackYaml(
    'hostile',
    `baishan:
  domains:
    - domain: hp.example.com
      config:
        visit_timestamp: { pattern: ".*", time_format: timestamp, key: { env: SIGN_KEY }, deadtime: ${bandwidth * 360}, req_uri_type: 1 }
`,
    `gaap:
  realServers:
    origin: { address: ${origin} }
  proxies:
    web:
      accessRegion: SouthChina
      realServerRegion: NorthAmerica
      bandwidth: ${bandwidth}
      concurrent: 2
`,
  );

beforeAll(async () => {
  emu = await emulator({ asyncDelayMs: 20, baishanDomains: ['hp.example.com'] });
  env = cliEnv(emu, { SIGN_KEY });
  dir = scratchDir('edgeform-hostile-');
  writeYaml(dir, 'edgeform.yaml', yaml(10, '203.0.113.20'));
  const first = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
  expect(first.exitCode, first.stderr).toBe(0);
  // A proxy of the same account that this stack does not own.
  const client = new GaapClient({
    credentials: { secretId: CREDS.secretId, secretKey: CREDS.secretKey },
    endpoint: emu.gaap,
  });
  const created = await client.call('CreateProxy', {
    ProjectId: 0,
    ProxyName: 'someone-else',
    AccessRegion: 'SouthChina',
    RealServerRegion: 'NorthAmerica',
    Bandwidth: 10,
    Concurrent: 2,
  });
  foreignProxy = created.InstanceId;
  await client.close();
  writeYaml(dir, 'edgeform.yaml', yaml(20, '203.0.113.21'));
  const saved = await runCli(['plan', '--out', 'plan.json'], { cwd: dir, env });
  expect(saved.exitCode, saved.stderr).toBe(0);
  planText = readFileSync(join(dir, 'plan.json'), 'utf8');
}, 120_000);
afterAll(async () => {
  await emu.close();
});

type PlanDoc = Record<string, unknown> & {
  steps: { id: string; provider: string; action: string; dependsOn: string[]; payload: unknown }[];
};

/** What an attacker who knows the format does: edit, then recompute the (unkeyed) digest. */
function redigest(doc: Record<string, unknown>): Record<string, unknown> {
  const { digest: _d, ...body } = doc;
  return { ...body, digest: `sha256:${createHash('sha256').update(stableStringify(body)).digest('hex')}` };
}

function edited(edit: (doc: PlanDoc) => unknown, digest = true): () => string {
  return () => {
    const doc = JSON.parse(planText) as PlanDoc;
    const out = (edit(doc) ?? doc) as Record<string, unknown>;
    return JSON.stringify(
      digest && out && typeof out === 'object' && !Array.isArray(out) ? redigest(out) : out,
    );
  };
}

function writes(): number {
  const s = emu.stats();
  // Reads include the plan-time catalog checks (CheckProxyCreate) the re-plan may make.
  const gaap = Object.entries(s.gaap.requests).filter(([op]) => !isRead(op));
  const baishan = Object.entries(s.baishan.requests).filter(([op]) => op.startsWith('POST'));
  return [...gaap, ...baishan].reduce((n, [, c]) => n + c, 0);
}

const step = (doc: PlanDoc, action: string) => doc.steps.find((s) => s.action.includes(action))!;

const HOSTILE: Record<string, [() => string, string]> = {
  'an unknown provider': [
    edited((d) => {
      d.steps[0]!.provider = 'evil';
    }),
    'PLAN_INVALID',
  ],
  'a tampered real server IP (digest recomputed)': [
    edited((d) => {
      const s = JSON.stringify(d.steps).replaceAll('203.0.113.21', '198.51.100.66');
      d.steps = JSON.parse(s);
    }),
    'PLAN_STALE',
  ],
  'a tampered real server IP (digest kept)': [
    edited((d) => {
      d.steps = JSON.parse(JSON.stringify(d.steps).replaceAll('203.0.113.21', '198.51.100.66'));
    }, false),
    'PLAN_TAMPERED',
  ],
  'a proxy ID of another owner': [
    edited((d) => {
      const s = step(d, 'ModifyProxyConfiguration');
      s.payload = JSON.parse(
        JSON.stringify(s.payload).replace(/"ProxyId":"[^"]+"/, `"ProxyId":"${foreignProxy}"`),
      );
      s.action = 'DestroyProxies';
    }),
    'PLAN_STALE',
  ],
  'a dangling dependsOn': [
    edited((d) => {
      d.steps[d.steps.length - 1]!.dependsOn.push('gaap.999');
    }),
    'PLAN_INVALID',
  ],
  'a cyclic dependsOn': [
    edited((d) => {
      const [a, b] = d.steps;
      a!.dependsOn.push(b!.id);
      b!.dependsOn.push(a!.id);
    }),
    'PLAN_INVALID',
  ],
  'steps not a list': [
    edited((d) => {
      (d as Record<string, unknown>).steps = { a: 1 };
    }),
    'PLAN_INVALID',
  ],
  'liveFingerprints null': [
    edited((d) => {
      (d as Record<string, unknown>).liveFingerprints = null;
    }),
    'PLAN_INVALID',
  ],
  'only formatVersion': [() => '{"formatVersion":"1.0"}', 'PLAN_INVALID'],
  'a JSON array': [() => '[1,2,3]', 'PLAN_INVALID'],
  'not JSON': [() => '{"formatVersion": ', 'PLAN_UNREADABLE'],
  'a secret reference to a credential variable': [
    edited((d) => {
      d.steps = JSON.parse(
        JSON.stringify(d.steps).replaceAll('"env":"SIGN_KEY"', '"env":"TENCENTCLOUD_SECRET_KEY"'),
      );
    }),
    'PLAN_STALE',
  ],
};

describe('hostile saved plans', () => {
  it('the genuine plan is a real change of owned objects, with a keyed secret fingerprint', () => {
    const doc = JSON.parse(planText) as PlanDoc;
    expect(doc.steps.map((s) => s.action)).toEqual(
      expect.arrayContaining([expect.stringContaining('ModifyProxyConfiguration')]),
    );
    // The old fingerprint was sha256('edgeform-secret\0' + value): no dictionary can test a word now.
    const unkeyed = createHash('sha256').update(`edgeform-secret\0${SIGN_KEY}`).digest('hex').slice(0, 16);
    expect(planText).not.toContain(unkeyed);
    expect(planText).not.toContain(SIGN_KEY);
    expect(planText).toMatch(/"fingerprint": "hmac:[0-9a-f]{32}"/);
  });

  for (const [name, [text, code]] of Object.entries(HOSTILE)) {
    it(`refuses ${name} with ${code} and 0 writes`, async () => {
      const file = join(dir, 'hostile.json');
      writeFileSync(file, text());
      emu.resetStats();
      const r = await runCli(['apply', 'hostile.json'], { cwd: dir, env });
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toContain(`error[${code}]`);
      expect(r.stderr).not.toContain('INTERNAL');
      expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
      expect(writes()).toBe(0);
    });
  }

  it('leaves the foreign proxy alone, then applies the genuine plan once', async () => {
    const state = await gaapState(emu);
    expect(state.proxies[foreignProxy]?.stable).not.toBe('DESTROYED');
    const r = await runCli(['apply', 'plan.json'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    const again = await runCli(['apply', 'plan.json'], { cwd: dir, env });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('PLAN_STALE');
  });
});
