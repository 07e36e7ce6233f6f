import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, scratchDir, writeYaml } from './cli-harness.js';

/** GitHub Actions conventions of the built CLI: annotations on stderr, a Markdown step summary. */
const STACK = `version: 1
stack: gha
gaap:
  realServers:
    app: { address: 203.0.113.10 }
  proxies:
    web:
      accessRegion: EastChina
      realServerRegion: SouthChina
      bandwidth: 10
      concurrent: 2
      listeners:
        - protocol: TCP
          port: 443
          realServers: [{ realServer: app, port: 443 }]
baishan:
  domains:
    - domain: www.gha.example.com
      config:
        timeout: { time: "30" }
`;

describe('in GitHub Actions (GITHUB_ACTIONS=true)', () => {
  const dir = scratchDir();
  const summary = join(dir, 'summary.md');
  const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: dir };
  const readSummary = () => {
    const text = existsSync(summary) ? readFileSync(summary, 'utf8') : '';
    writeFileSync(summary, '');
    return text;
  };
  beforeAll(() => {
    writeYaml(dir, 'edgeform.yaml', STACK);
    writeFileSync(summary, '');
  });

  it('a located error is an ::error annotation at its file, line and column, and the summary says it failed', async () => {
    writeYaml(
      dir,
      'bad.yaml',
      'version: 1\nstack: gha\nbaishan:\n  domains:\n    - domain: x.gha.example.com\n      config:\n        refrer: { type: 1 }\n',
    );
    const r = await runCli(['plan', '--sandbox', '-f', 'bad.yaml'], { cwd: dir, env });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('::'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^::error file=bad\.yaml,line=7,col=9,title=edgeform DESIRED_SCHEMA_INVALID::baishan\.domains\[0\]\.config\.refrer: .*referer/,
    );
    // The human error is still there, for the log.
    expect(r.stderr).toContain('error[DESIRED_SCHEMA_INVALID]');
    const md = readSummary();
    expect(md).toContain('### ❌ edgeform plan failed');
    expect(md).toContain('bad.yaml:7:9');
  });

  it('an error with no location is one ::error annotation with its code', async () => {
    const r = await runCli(['plan', '--sandbox', '-f', 'missing.yaml'], { cwd: dir, env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^::error title=edgeform FILE_NOT_FOUND::file not found: .*missing\.yaml/m);
    readSummary();
  });

  it('plan, apply and drift append their Markdown to the step summary; stdout is unchanged', async () => {
    const plain = await runCli(['plan', '--sandbox', '--format', 'json'], { cwd: dir });
    const plan = await runCli(['plan', '--sandbox', '--format', 'json'], { cwd: dir, env });
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(() => JSON.parse(plan.stdout)).not.toThrow();
    expect(plan.stdout.split('\n')[0]).toBe(plain.stdout.split('\n')[0]);
    const planMd = readSummary();
    expect(planMd).toContain('**Plan:** 3 to add, 1 to change, 0 to destroy');
    expect(planMd).toContain('CreateProxy');

    const apply = await runCli(['apply', '--sandbox', '--auto-approve'], { cwd: dir, env });
    expect(apply.exitCode, apply.stderr).toBe(0);
    const applyMd = readSummary();
    expect(applyMd).toContain('### ✅ edgeform apply complete');
    expect(applyMd).toMatch(/\| `gaap\.proxy\["web"\]` \| `accessDomain` \| `"[^"]+\.[^"]+"` \|/);

    const drift = await runCli(['drift', '--sandbox'], { cwd: dir, env });
    expect(drift.exitCode, drift.stderr).toBe(0);
    expect(readSummary()).toContain('### ✅ No drift');
    expect(drift.stderr).not.toContain('::');
  });

  it('outside GitHub Actions: no annotation, no summary', async () => {
    const r = await runCli(['plan', '--sandbox', '-f', 'bad.yaml'], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).not.toContain('::error');
    expect(readSummary()).toBe('');
  });
});
