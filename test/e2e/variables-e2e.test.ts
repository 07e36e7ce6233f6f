import { describe, expect, it } from 'vitest';
import { runCli, scratchDir, writeYaml } from './cli-harness.js';

/** One base stack, several stages: `vars:` with `${var.x}`, `--var-file` and `--var` (built CLI). */
const BASE = `version: 1
stack: shop-\${var.stage}
vars:
  stage: staging
  bandwidth: 10
  origin: 203.0.113.20
gaap:
  realServers:
    app: { address: "\${var.origin}" }
  proxies:
    web:
      accessRegion: EastChina
      realServerRegion: SouthChina
      bandwidth: \${var.bandwidth}
      concurrent: 2
      listeners:
        - protocol: TCP
          port: 443
          realServers: [{ realServer: app, port: 443 }]
baishan:
  domains:
    - domain: \${var.stage}.shop.example.com
      config:
        origin: { default_master: "\${var.origin}", origin_mode: http }
        timeout: { time: "30" }
`;

interface PlanJson {
  stack: string;
  variables?: { vars: string[]; varFiles: string[] };
  changes: { address: string; attributes: { path: string; after?: unknown }[] }[];
}
const attr = (plan: PlanJson, address: string, path: string) =>
  plan.changes.find((c) => c.address === address)?.attributes.find((a) => a.path === path)?.after;

describe('variables: one base, several stages', () => {
  const dir = scratchDir();
  writeYaml(dir, 'edgeform.yaml', BASE);
  writeYaml(dir, 'prod.yaml', 'stage: prod\nbandwidth: 20\n');

  it('the defaults of vars: apply without flags; a var file and --var override them, typed', async () => {
    const staging = await runCli(['plan', '--sandbox', '--format', 'json'], { cwd: dir });
    expect(staging.exitCode, staging.stderr.slice(-800)).toBe(0);
    const s = JSON.parse(staging.stdout) as PlanJson;
    expect(s.stack).toBe('shop-staging');
    expect(attr(s, 'gaap.proxy["web"]', 'bandwidth')).toBe(10);
    expect(s.changes.map((c) => c.address)).toContain('baishan.domain["staging.shop.example.com"]');
    expect(s.variables).toBeUndefined();

    const prod = await runCli(['plan', '--sandbox', '--format', 'json', '--var-file', 'prod.yaml'], {
      cwd: dir,
    });
    expect(prod.exitCode, prod.stderr).toBe(0);
    const p = JSON.parse(prod.stdout) as PlanJson;
    expect(p.stack).toBe('shop-prod');
    expect(attr(p, 'gaap.proxy["web"]', 'bandwidth')).toBe(20);
    expect(attr(p, 'gaap.real_server["app"]', 'address')).toBe('203.0.113.20');
    expect(p.changes.map((c) => c.address)).toContain('baishan.domain["prod.shop.example.com"]');

    const flag = await runCli(
      ['plan', '--sandbox', '--format', 'json', '--var-file', 'prod.yaml', '--var', 'stage=canary'],
      { cwd: dir },
    );
    expect(flag.exitCode, flag.stderr).toBe(0);
    const f = JSON.parse(flag.stdout) as PlanJson;
    expect(f.stack).toBe('shop-canary');
    expect(attr(f, 'gaap.proxy["web"]', 'bandwidth')).toBe(20);
    expect(f.variables?.vars).toEqual(['stage=canary']);
  });

  it('a saved plan records its variables and applies with them; the stage then plans to No changes', async () => {
    const saved = await runCli(['plan', '--sandbox', '--var-file', 'prod.yaml', '--out', 'prod-plan.json'], {
      cwd: dir,
    });
    expect(saved.exitCode, saved.stderr).toBe(0);
    const applied = await runCli(['apply', '--sandbox', 'prod-plan.json'], { cwd: dir });
    expect(applied.exitCode, applied.stderr).toBe(0);
    const again = await runCli(['plan', '--sandbox', '--var-file', 'prod.yaml', '--detailed-exitcode'], {
      cwd: dir,
    });
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes.');
  });

  it('errors are located: an undeclared reference, a bad var file value, an unknown --var', async () => {
    writeYaml(dir, 'typo.yaml', BASE.replace('var.bandwidth}', 'var.bandwith}'));
    const typo = await runCli(['validate', '-f', 'typo.yaml'], { cwd: dir });
    expect(typo.exitCode).toBe(1);
    expect(typo.stderr).toMatch(
      /typo\.yaml:14:18 gaap\.proxies\.web\.bandwidth: \$\{var\.bandwith\} names no declared variable \(declared: stage, bandwidth, origin\)/,
    );

    writeYaml(dir, 'bad-vars.yaml', 'stage: prod\nbandwidth: [20]\n');
    const bad = await runCli(['validate', '--var-file', 'bad-vars.yaml'], { cwd: dir });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/bad-vars\.yaml:2:12 bandwidth: variable bandwidth is a list/);

    const unknown = await runCli(['validate', '--var', 'stagee=prod'], { cwd: dir });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('variable stagee is not declared');
  });

  it('secrets still come only from {env:} / {file:}: a variable where a secret goes is an inline secret', async () => {
    writeYaml(
      dir,
      'secret.yaml',
      `version: 1
stack: shop
vars:
  signing_key: not-a-place-for-secrets
baishan:
  domains:
    - domain: dl.shop.example.com
      config:
        visit_timestamp:
          pattern: ".*"
          req_uri_type: 1
          time_format: timestamp
          style: "$ourkey$uri$time"
          keyname: sign
          timename: t
          deadtime: 3600
          key: \${var.signing_key}
`,
    );
    const r = await runCli(['validate', '-f', 'secret.yaml'], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /secret\.yaml:17:16 \S+visit_timestamp\.key: a secret cannot come from a variable/,
    );
    expect(r.stderr).not.toContain('not-a-place-for-secrets');
  });
});
