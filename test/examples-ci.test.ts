import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli, scratchDir } from './e2e/cli-harness.js';

const CI_DIR = join(ROOT, 'examples', 'ci');
const SECRETS = ['TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY', 'BAISHAN_TOKEN'];

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
  id?: string;
  env?: Record<string, string>;
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[]; if?: string }>;
}

const workflows = new Map<string, { text: string; doc: Workflow }>(
  readdirSync(CI_DIR)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => {
      const text = readFileSync(join(CI_DIR, f), 'utf8');
      return [f, { text, doc: parse(text) as Workflow }];
    }),
);

function wf(name: string): Workflow {
  const w = workflows.get(name);
  if (!w) throw new Error(`missing examples/ci/${name}`);
  return w.doc;
}

const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

interface Invocation {
  workflow: string;
  line: string;
  args: string[];
  /** Where the shell sends stdout (`> FILE`), if anywhere. */
  stdoutTo?: string;
}

/** Shell-ish split of one command line: quotes kept together, stops at a pipe, `;`, `&&`, `||`. */
function tokenize(line: string): { args: string[]; stdoutTo?: string } {
  const tokens = [...line.matchAll(/'[^']*'|"[^"]*"|[^\s]+/g)].map((m) =>
    m[0].replace(/^(['"])(.*)\1$/, '$2'),
  );
  const args: string[] = [];
  let stdoutTo: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (['|', ';', '&&', '||', ')'].includes(t)) break;
    if (t === '>') {
      stdoutTo = tokens[++i];
      continue;
    }
    if (t.startsWith('2>')) {
      if (t === '2>') i++;
      // `2> >(tee file >&2)`: skip the process substitution.
      while (i < tokens.length && !tokens[i]!.endsWith(')')) i++;
      continue;
    }
    args.push(t);
  }
  return stdoutTo === undefined ? { args } : { args, stdoutTo };
}

/** Every edgeform invocation in the `run:` scripts, in workflow order. */
function invocations(name: string): Invocation[] {
  const out: Invocation[] = [];
  for (const s of steps(wf(name))) {
    for (const line of (s.run ?? '').split('\n')) {
      const m = /(?:npx edgeform|node dist\/cli\/main\.js)\s+(.*)$/.exec(line);
      if (!m) continue;
      out.push({ workflow: name, line: line.trim(), ...tokenize(m[1]!) });
    }
  }
  return out;
}

describe('examples/ci GitHub Actions workflows', () => {
  it('has the three pipelines, each parsing as a workflow with jobs and steps', () => {
    expect([...workflows.keys()].sort()).toEqual([
      'edgeform-apply.yml',
      'edgeform-drift.yml',
      'edgeform-plan.yml',
    ]);
    for (const [name, { doc }] of workflows) {
      expect(doc.name, name).toBeTruthy();
      expect(Object.keys(doc.jobs).length, name).toBeGreaterThan(0);
      for (const s of steps(doc)) expect(Boolean(s.uses) !== Boolean(s.run), `${name}: ${s.name}`).toBe(true);
    }
  });

  it('takes credentials only from repository secrets, only in the steps that run edgeform, never printed', () => {
    for (const [name, { doc, text }] of workflows) {
      expect(doc.env, name).toBeUndefined();
      for (const job of Object.values(doc.jobs)) expect((job as { env?: unknown }).env, name).toBeUndefined();
      const withSecrets = steps(doc).filter((s) => SECRETS.some((k) => s.env?.[k] !== undefined));
      expect(withSecrets.length, name).toBeGreaterThan(0);
      for (const s of withSecrets) {
        expect(s.run, `${name}: ${s.name}`).toMatch(/npx edgeform (plan|apply|drift)/);
        for (const k of SECRETS) expect(s.env?.[k], `${name}: ${s.name}`).toBe(`\${{ secrets.${k} }}`);
      }
      const used = [...text.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]);
      expect(new Set(used), name).toEqual(new Set(SECRETS));
      expect(text).not.toMatch(/echo\s+["']?\$\{?(TENCENTCLOUD|BAISHAN)/);
    }
  });

  it('pins every action to a commit (the tag in a comment) and uses Node 20', () => {
    for (const [name, { doc, text }] of workflows) {
      for (const s of steps(doc).filter((x) => x.uses))
        expect(s.uses, name).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
      for (const line of text.split('\n').filter((l) => /uses: /.test(l))) {
        expect(line, name).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
      const node = steps(doc).find((s) => s.uses?.startsWith('actions/setup-node'));
      expect(node?.with?.['node-version'], name).toBe(20);
    }
  });

  it('runs apply and drift in one concurrency group, never cancelled', () => {
    const group = (n: string) =>
      (wf(n) as { concurrency?: { group: string; 'cancel-in-progress': boolean } }).concurrency;
    expect(group('edgeform-apply.yml')).toEqual({ group: 'edgeform-live', 'cancel-in-progress': false });
    expect(group('edgeform-drift.yml')).toEqual(group('edgeform-apply.yml'));
  });

  it('runs edgeform one way only: `npx edgeform`', () => {
    for (const [name, { text }] of workflows) {
      expect(text, name).not.toContain('node dist/cli/main.js');
      expect(invocations(name).length, name).toBeGreaterThan(0);
    }
  });

  it('plan on PR: Markdown for the comment, plan.json uploaded as an artifact', () => {
    const w = wf('edgeform-plan.yml');
    expect(Object.keys(w.on)).toEqual(['pull_request']);
    expect(w.permissions?.['pull-requests']).toBe('write');
    const plan = invocations('edgeform-plan.yml').find((i) => i.args[0] === 'plan')!;
    expect(plan.args).toEqual(['plan', '--format', 'markdown', '--out', 'plan.json']);
    expect(plan.stdoutTo).toBe('plan.md');
    const upload = steps(w).find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with?.name).toBe('edgeform-plan');
    expect(String(upload.with?.path)).toContain('plan.json');
    const comment = steps(w).find((s) => s.uses?.startsWith('actions/github-script'))!;
    expect(String(comment.with?.script)).toContain("readFileSync('plan.md'");
  });

  it('apply on merge: downloads the plan artifact of the merged PR and applies it, reporting PLAN_STALE', () => {
    const w = wf('edgeform-apply.yml');
    expect(w.on).toEqual({ pull_request: { types: ['closed'], branches: ['main'] } });
    expect(w.jobs.apply?.if).toBe('github.event.pull_request.merged == true');
    const all = steps(w);
    const download = all.findIndex((s) => s.uses?.startsWith('actions/download-artifact'));
    expect(all[download]!.with?.name).toBe('edgeform-plan');
    expect(all[download]!.with?.['run-id']).toContain('steps.plan-run.outputs.run-id');
    const apply = invocations('edgeform-apply.yml');
    expect(apply.map((i) => i.args)).toEqual([['apply', 'plan.json']]);
    const applyStep = all.findIndex((s) => s.run?.includes('npx edgeform apply'));
    expect(applyStep).toBeGreaterThan(download);
    expect(all[applyStep]!.run).toContain('PLAN_STALE');
    expect(all[applyStep]!.run).toMatch(/exit \$code/);
  });

  it('hourly drift: cron, Markdown report, an issue opened or updated on exit code 2', () => {
    const w = wf('edgeform-drift.yml');
    expect((w.on.schedule as { cron: string }[])[0]!.cron).toMatch(/^\d+ \* \* \* \*$/);
    expect(w.permissions?.issues).toBe('write');
    const drift = invocations('edgeform-drift.yml');
    expect(drift.map((i) => i.args)).toEqual([['drift', '--format', 'markdown']]);
    const on2 = steps(w).find((s) => s.if === "steps.drift.outputs.exit-code == '2'")!;
    expect(on2.run).toContain('gh issue create');
    expect(on2.run).toContain('gh issue edit');
  });

  it('every edgeform command line is a real command with valid flags: the pipeline runs against the sandbox', async () => {
    const dir = scratchDir('edgeform-ci-');
    copyFileSync(join(ROOT, 'examples', 'baishan-image-cdn.yaml'), join(dir, 'edgeform.yaml'));
    const env = { EDGEFORM_RATE_WINDOW_SCALE: '0.05' };
    const pipeline = [
      ...invocations('edgeform-plan.yml'),
      ...invocations('edgeform-apply.yml'),
      ...invocations('edgeform-drift.yml'),
    ];
    expect(pipeline.map((i) => i.args[0])).toEqual(['validate', 'plan', 'apply', 'drift']);
    for (const inv of pipeline) {
      // --sandbox replaces the credentials; validate makes no call and takes no such flag.
      const args = inv.args[0] === 'validate' ? inv.args : [...inv.args, '--sandbox'];
      const r = await runCli(args, { cwd: dir, env });
      expect(r.stderr, inv.line).not.toMatch(/error: (unknown|too many|missing|option)/);
      expect(r.exitCode, `${inv.line}\n${r.stderr}`).toBe(0);
      if (inv.stdoutTo) writeFileSync(join(dir, inv.stdoutTo), r.stdout);
    }
    expect(readFileSync(join(dir, 'plan.md'), 'utf8')).toContain('### edgeform plan for `media-images`');
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).steps.length).toBeGreaterThan(0);

    // After the YAML moves away from the live state, the drift line exits 2 with a Markdown report.
    writeFileSync(
      join(dir, 'edgeform.yaml'),
      readFileSync(join(dir, 'edgeform.yaml'), 'utf8').replace('time: "30"', 'time: "45"'),
    );
    const drift = pipeline.find((i) => i.args[0] === 'drift')!;
    const r = await runCli([...drift.args, '--sandbox'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toContain('Drift detected');
  });
});
