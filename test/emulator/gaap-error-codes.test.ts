import { describe, expect, it } from 'vitest';
import { catalog, KNOWN_ERROR_CODES } from '../../src/emulator/gaap/catalog.js';
import { answerCode, documentedCodes } from '../../src/emulator/gaap/documented-codes.js';
import { runningProxy, startGaap } from './gaap-test-client.js';

const ACTIONS = Object.keys(catalog.actions);

describe('GAAP emulator error codes are the ones 002 documents for the action', () => {
  // Every rule of the emulator raises one of KNOWN_ERROR_CODES (GaapError refuses any other), and
  // every answer goes through answerCode: so this covers every code any action can answer.
  it.each(ACTIONS)('%s answers only codes it documents (or common ones)', (action) => {
    const documented = documentedCodes(action);
    for (const code of KNOWN_ERROR_CODES) expect(documented.has(answerCode(action, code)), code).toBe(true);
  });

  it('keeps a documented code, and picks the nearest documented busy code otherwise', () => {
    expect(answerCode('CreateTCPListeners', 'FailedOperation.ProxyStatusNotInRuning')).toBe(
      'FailedOperation.ProxyStatusNotInRuning',
    );
    expect(answerCode('ModifyRuleAttribute', 'FailedOperation.ActionIsDoing')).toBe(
      'FailedOperation.ListenerHasTask',
    );
    expect(answerCode('CreateDomainErrorPageInfo', 'FailedOperation.InstanceStatusNotInRuning')).toBe(
      'FailedOperation.ProxyStatusNotInRuning',
    );
    expect(answerCode('ModifyProxyConfiguration', 'FailedOperation.InstanceStatusNotInRuning')).toBe(
      'FailedOperation',
    );
    expect(answerCode('CreateProxyGroup', 'InvalidParameterValue.UnknownAccessRegion')).toBe(
      'InvalidParameterValue',
    );
  });

  it('answers a busy proxy with a code each action lists, over HTTP', async () => {
    const h = await startGaap({ asyncDelayMs: 60_000 });
    try {
      const id = await runningProxy(h);
      h.admin('finish-transitions');
      await h.ok('ModifyProxyConfiguration', { ProxyId: id, Bandwidth: 20 });
      const calls: [string, Record<string, unknown>][] = [
        ['ModifyProxyConfiguration', { ProxyId: id, Bandwidth: 50 }],
        [
          'CreateTCPListeners',
          { ProxyId: id, Ports: [81], Scheduler: 'rr', RealServerType: 'IP', HealthCheck: 0 },
        ],
        ['CreateHTTPListener', { ProxyId: id, Port: 82, ListenerName: 'h' }],
      ];
      for (const [action, params] of calls) {
        const code = (await h.call(action, params)).Error?.Code;
        expect(code, action).toBeDefined();
        expect(documentedCodes(action).has(code!), `${action} answered ${code}`).toBe(true);
      }
    } finally {
      await h.close();
    }
  });
});
