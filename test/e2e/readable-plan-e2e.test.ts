import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, ROOT, runCli, scratchDir } from './cli-harness.js';

const ESTATE = join(ROOT, 'examples', 'baishan-estate-50.yaml');

/** The 50-domain example, planned against the sandbox: what a reviewer reads, in every format. */
describe('plans readable at scale (built CLI, sandbox)', () => {
  let dir: string;
  let text: CliResult;
  let markdown: CliResult;

  beforeAll(async () => {
    dir = scratchDir();
    text = await runCli(['plan', '--sandbox', '-f', ESTATE, '--out', 'plan.json'], { cwd: dir });
    markdown = await runCli(['plan', '--sandbox', '-f', ESTATE, '--format', 'markdown'], { cwd: dir });
  }, 120_000);

  it('the text plan is under 150 lines and every line of change appears once, under its domains', () => {
    expect(text.exitCode, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(150);
    expect(text.stdout).toContain('# 50 baishan.domain objects will be updated in place');
    expect(text.stdout.match(/timeout\.time/g)).toHaveLength(1);
    // Every domain is named; the counts are Terraform's.
    for (let i = 1; i <= 10; i++) {
      for (const d of ['img', 'thumb', 'static'])
        expect(text.stdout).toContain(`${d}${String(i).padStart(2, '0')}.example.com`);
    }
    expect(text.stdout).toContain('Plan: 0 to add, 50 to change, 0 to destroy.');
  });

  it('the Markdown plan is under 15 KB and loses nothing: no value is shortened, no object cut', () => {
    expect(markdown.exitCode, markdown.stderr).toBe(0);
    expect(Buffer.byteLength(markdown.stdout)).toBeLessThan(15_000);
    expect(markdown.stdout).not.toContain('more characters');
    expect(markdown.stdout).not.toContain('cut to fit');
    expect(markdown.stdout).toContain('**🟡 update** 50 × `baishan.domain`');
    // No step waits for another: no diagram of boxes without arrows.
    expect(markdown.stdout).not.toContain('mermaid');
  });

  it('`show` renders the saved plan as plan did, in all three formats, with no network', async () => {
    const saved = readFileSync(join(dir, 'plan.json'), 'utf8');
    const shown = await runCli(['show', 'plan.json'], { cwd: dir });
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toBe(text.stdout);
    const json = await runCli(['show', 'plan.json', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(saved));
    const md = await runCli(['show', 'plan.json', '--format', 'markdown'], { cwd: dir });
    expect(md.stdout).toBe(markdown.stdout);
    const missing = await runCli(['show', 'nope.json'], { cwd: dir });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('error[PLAN_UNREADABLE]');
  });

  it('the JSON plan carries list changes as values with their RFC 6902 operations', () => {
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as {
      changes: { attributes: { path: string; before?: unknown; after?: unknown; patch?: unknown[] }[] }[];
    };
    const attrs = plan.changes.flatMap((c) => c.attributes);
    for (const a of attrs) {
      for (const v of [a.before, a.after]) if (typeof v === 'string') expect(() => JSON.parse(v)).toThrow();
    }
    // Everything is added to fresh domains: no patch (before is absent), and values are structured.
    expect(attrs.find((a) => a.path === 'cache_rule_list')?.after).toBeInstanceOf(Array);
  });
});
