import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import * as edgeform from '../src/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

it('the public entry loads, plans and reports drift the way the CLI does', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'edgeform-lib-'));
  const file = join(ROOT, 'examples', 'baishan-image-cdn.yaml');

  const loaded = edgeform.loadStack([file], { cwd, env: {} });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const domains = loaded.stack?.baishan.domains.length ?? 0;
  expect(domains).toBeGreaterThan(0);

  const opts = { files: [file], cwd, env: {}, sandbox: true, events: edgeform.nullSink };
  const { plan } = await edgeform.plan(opts);
  expect(edgeform.hasChanges(plan)).toBe(true);
  expect(edgeform.summarize(plan.changes).change).toBe(domains);

  // Nothing was applied: every domain the plan would change is drift.
  const { report } = await edgeform.drift(opts);
  expect(report.inSync).toBe(false);
  expect(report.drifted.map((d) => d.address).sort()).toEqual(
    plan.changes
      .filter((c) => c.kind !== 'no-op')
      .map((c) => c.address)
      .sort(),
  );

  expect(edgeform.export).toBe(edgeform.exportStack);
  expect(typeof edgeform.apply).toBe('function');
  const err = new edgeform.EdgeformError({ code: 'PLAN_STALE', message: 'm', resolution: 'r' });
  expect(edgeform.isEdgeformError(err)).toBe(true);
});
