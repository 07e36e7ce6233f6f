import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EdgeformError, toEdgeformError } from '../core/errors.js';
import type { Plan } from '../planner/plan-types.js';
import type { DriftReport } from '../workflow/drift.js';

/** How a drift run ended, as the `reason` label of `edgeform_drift_last_run_exit_code`. */
export type DriftExit = 'in_sync' | 'drift' | 'error';

export interface DriftRun {
  /** Unix time of the end of the run, seconds. */
  endedAt: number;
  durationMs: number;
  /** The stack, when the files could be read far enough to name it. */
  stack?: string;
  outcome: { plan: Plan; report: DriftReport } | { error: unknown };
}

const EXIT_CODES: Record<DriftExit, number> = { in_sync: 0, drift: 2, error: 1 };

/**
 * `drift --metrics-file FILE`: the run in the Prometheus text exposition format, for the node
 * exporter's textfile collector (or any scraper of a file) behind an hourly cron job. Objects
 * checked and drifted per provider and type, whether drift was found, the busy objects, the last
 * run's time, duration, exit code and its reason (`in_sync`, `drift`, `error` with its code).
 */
export function driftMetricsText(run: DriftRun): string {
  const stack = run.stack ?? ('plan' in run.outcome ? run.outcome.plan.stack : '');
  const base = { stack };
  const out: string[] = [];
  const metric = (name: string, type: 'gauge', help: string, samples: [Record<string, string>, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${labelText({ ...base, ...labels })} ${value}`);
  };
  let exit: DriftExit;
  let errorCode = '';
  if ('plan' in run.outcome) {
    const { plan, report } = run.outcome;
    exit = report.inSync ? 'in_sync' : 'drift';
    const checked = new Map<string, [Record<string, string>, number]>();
    for (const c of plan.changes) {
      const key = `${c.provider}\0${c.type}`;
      const entry = checked.get(key) ?? [{ provider: c.provider, type: c.type }, 0];
      entry[1]++;
      checked.set(key, entry);
    }
    const provider = new Map(plan.changes.map((c) => [c.address, c.provider]));
    const drifted = new Map<string, [Record<string, string>, number]>();
    for (const d of report.drifted) {
      const p = provider.get(d.address) ?? '';
      const key = `${p}\0${d.type}\0${d.kind}`;
      const entry = drifted.get(key) ?? [{ provider: p, type: d.type, change: d.kind }, 0];
      entry[1]++;
      drifted.set(key, entry);
    }
    metric(
      'edgeform_drift_objects',
      'gauge',
      'Objects compared by the last drift run, per provider and type.',
      [...checked.values()],
    );
    metric(
      'edgeform_drift_drifted_objects',
      'gauge',
      'Objects that differ from the desired state, per provider, type and the change an apply would make.',
      [...drifted.values()],
    );
    metric('edgeform_drift_detected', 'gauge', '1 when the last drift run found drift, else 0.', [
      [{}, report.inSync ? 0 : 1],
    ]);
    metric('edgeform_drift_busy_objects', 'gauge', 'Objects in a transitional state, not compared.', [
      [{}, report.busy.length],
    ]);
  } else {
    exit = 'error';
    errorCode = toEdgeformError(run.outcome.error).code;
  }
  metric('edgeform_drift_last_run_timestamp_seconds', 'gauge', 'Unix time the last drift run ended.', [
    [{}, run.endedAt],
  ]);
  metric('edgeform_drift_last_run_duration_seconds', 'gauge', 'How long the last drift run took.', [
    [{}, run.durationMs / 1000],
  ]);
  metric(
    'edgeform_drift_last_run_exit_code',
    'gauge',
    'Exit code of the last drift run (0 in sync, 2 drift, 1 error); `reason` says which, `error_code` the error.',
    [[{ reason: exit, error_code: errorCode }, EXIT_CODES[exit]]],
  );
  return `${out.join('\n')}\n`;
}

/** Label values escaped as the text format requires (backslash, double quote, newline). */
function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return `{${parts.join(',')}}`;
}

/**
 * Written whole or not at all: a temporary file in the same directory, then a rename, so a
 * scraper never reads half a file.
 */
export function writeMetricsFile(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (cause) {
    throw new EdgeformError({
      code: 'METRICS_FILE_UNWRITABLE',
      message: `cannot write the metrics file ${path}`,
      resolution: 'pass --metrics-file a path in an existing, writable directory',
      cause,
    });
  }
}
