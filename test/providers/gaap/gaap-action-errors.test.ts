import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EMULATOR_DEFAULTS, startEmulator } from '../../../src/emulator/index.js';
import {
  ACTION_CODE_OVERRIDES,
  CALLED_ACTIONS,
  gaapActionErrorTable,
} from '../../../src/providers/gaap/gaap-action-errors.js';
import { GaapClient } from '../../../src/providers/gaap/gaap-client.js';
import { CLASSIFIED_CODES, classifyGaapError } from '../../../src/providers/gaap/gaap-errors.js';
import type { ActionName } from '../../../src/providers/gaap/gaap-types.js';
import { GAAP_KINDS } from '../../../src/providers/gaap/kinds/registry.js';

const catalog = JSON.parse(
  readFileSync(new URL('../../../src/providers/gaap/gaap-catalog.json', import.meta.url), 'utf8'),
) as { commonErrors: { code: string; kind: string }[]; actions: Record<string, { errors?: string[] }> };

const COMMON = catalog.commonErrors.filter((e) => e.kind === 'common').map((e) => e.code);
const documented = (action: ActionName) => [
  ...new Set([...COMMON, ...(catalog.actions[action]?.errors ?? [])]),
];
const table = gaapActionErrorTable(documented, classifyGaapError);

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Action names in the client's sources; `Create${protocol}Listener`-style templates expanded. */
function actionsNamedInSources(): Set<string> {
  const files = ['providers/gaap', 'workflow'].flatMap((dir) =>
    readdirSync(join(SRC, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('gaap-action-meta.ts') && !f.endsWith('gaap-types.ts'))
      .map((f) => join(SRC, dir, f)),
  );
  return actionsNamedIn(files.map((f) => readFileSync(f, 'utf8')).join('\n'));
}

function actionsNamedIn(text: string): Set<string> {
  const expanded = text.replace(
    /`([A-Z][A-Za-z]*)\$\{[^}]+\}([A-Za-z]*)`/g,
    (_m, pre: string, post: string) =>
      ['TCP', 'UDP', 'HTTP', 'HTTPS'].map((p) => `'${pre}${p}${post}'`).join(' '),
  );
  const named = new Set<string>();
  for (const m of expanded.matchAll(/'([A-Z][A-Za-z]+)'/g)) {
    if (Object.hasOwn(catalog.actions, m[1]!)) named.add(m[1]!);
  }
  return named;
}

describe('per-action error table of the GAAP client', () => {
  it('lists exactly the actions the client names', () => {
    const named = actionsNamedInSources();
    // Templates expand to every protocol; only the listener actions that exist count.
    expect([...CALLED_ACTIONS].sort()).toEqual([...named].sort());
  });

  it('has each kind list the actions its own file names (its `apiActions`)', async () => {
    const dir = join(SRC, 'providers/gaap/kinds');
    let kinds = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const exported: Record<string, unknown> = await import(join(dir, file));
      for (const value of Object.values(exported)) {
        if (typeof value !== 'object' || value === null || !('apiActions' in value) || !('handler' in value))
          continue;
        kinds += 1;
        const named = actionsNamedIn(readFileSync(join(dir, file), 'utf8'));
        expect([...(value.apiActions as string[])].sort(), file).toEqual([...named].sort());
      }
    }
    expect(kinds).toBe(GAAP_KINDS.length);
  });

  it('classifies every documented code of every called action explicitly', () => {
    for (const action of CALLED_ACTIONS) {
      const codes = documented(action);
      expect(Object.keys(table[action]!).sort(), action).toEqual([...codes].sort());
      const implicit = codes.filter(
        (c) => !CLASSIFIED_CODES.includes(c) && !ACTION_CODE_OVERRIDES[action]?.[c],
      );
      expect(implicit, action).toEqual([]);
    }
  });

  it('waits out busy codes, retries throttling, adopts duplicates and fails the rest', () => {
    expect(table.CreateTCPListeners!['FailedOperation.ProxyStatusNotInRuning']).toBe('wait');
    expect(table.ModifyRuleAttribute!['FailedOperation.ListenerHasTask']).toBe('wait');
    expect(table.BanAndRecoverProxy).toBeUndefined();
    expect(table.ModifyHTTPListenerAttribute!['FailedOperation.ListenerStatusError']).toBe('wait');
    expect(table.DescribeProxies!.RequestLimitExceeded).toBe('retry');
    expect(table.DescribeProxies!.InternalError).toBe('retry');
    expect(table.CreateTCPListeners!['InvalidParameterValue.DuplicatedListenerPort']).toBe('already-done');
    expect(table.OpenSecurityPolicy!['FailedOperation.ProxySecurityAlreadyOpen']).toBe('already-done');
    expect(table.ModifyProxyConfiguration!.FailedOperation).toBe('wait');
    expect(table.CreateProxy!.FailedOperation).toBe('wait');
    expect(table.CreateRule!.FailedOperation).toBe('fail');
    expect(table.DeleteProxyGroup!['FailedOperation.DeleteProxyGroupProxyRemained']).toBe('fail');
  });

  it('waits out the plain FailedOperation the emulator answers for a proxy still ADJUSTING', async () => {
    const emulator = await startEmulator({ asyncDelayMs: 300, gaapRateLimitPerSecond: 1000 });
    const client = new GaapClient({
      credentials: { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey },
      endpoint: emulator.gaap,
      retry: { busyBaseMs: 50, busyMaxMs: 200 },
    });
    try {
      const created = await client.call('CreateProxy', {
        ProjectId: 0,
        ProxyName: 'resize',
        AccessRegion: 'Guangzhou',
        RealServerRegion: 'Beijing',
        Bandwidth: 10,
        Concurrent: 2,
      });
      const id = created.InstanceId!;
      // CREATING, then two resizes back to back: each waits for the proxy to be RUNNING again.
      await client.call('ModifyProxyConfiguration', { ProxyId: id, Bandwidth: 20 });
      await client.call('ModifyProxyConfiguration', { ProxyId: id, Bandwidth: 50 });
      const stats = emulator.stats().gaap.requests;
      expect(stats.ModifyProxyConfiguration).toBeGreaterThan(2);
      const [proxy] = (await client.call('DescribeProxies', { ProxyIds: [id] })).ProxySet ?? [];
      expect(proxy?.Bandwidth).toBe(50);
    } finally {
      await client.close();
      await emulator.close();
    }
  });
});
