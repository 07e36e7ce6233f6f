import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GaapHarness, startGaap } from './gaap-test-client.js';
import { createPrerequisites, type SeedExample } from './seed-replay-prereqs.js';
import { shapeDiff } from './shape-diff.js';

/**
 * Every example request/response pair of the GAAP seed (002), replayed against the emulator. The
 * pairs come from test/fixtures/seed-examples/gaap-examples.json, which
 * scripts/extract-seed-examples.mjs derives from the seed (seed-fixtures.test.ts proves it current).
 * The objects an example's request names are created first, under the example's own IDs.
 */
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/seed-examples/gaap-examples.json', import.meta.url), 'utf8'),
) as { examples: SeedExample[] };

/**
 * Examples whose request contradicts the action's own parameter table in 002: the emulator
 * refuses them with the code given here, which the action documents. Keyed by `Action@line`.
 */
const CONTRADICTIONS: Record<string, { code: string; why: string }> = {
  // NOTE: 1000000 is no code the doc lists (countries 101001…, zones 101000, continents 100000).
  'CreateGlobalDomainDns@6230': {
    code: 'InvalidParameterValue',
    why: 'NationCountryInnerCodes ["1000000"] is not a country, zone or continent code',
  },
  // NOTE: the table says ConnectTimeout must be less than DelayLoop; the example sends 20 and 20.
  'CreateTCPListeners@9721': {
    code: 'InvalidParameterValue',
    why: 'ConnectTimeout 20 is not < DelayLoop 20',
  },
  // NOTE: the example uses the placeholder `string` for the server certificate (type 2) and the
  // client CA (type 1) alike; one certificate has one type.
  'ModifyHTTPSListenerAttribute@12108': {
    code: 'InvalidParameterValue',
    why: 'one certificate `string` cannot be both a server certificate and a client CA',
  },
  // NOTE: "Guangzho" is a typo of Guangzhou in the seed's CreateProxyGroup example.
  'CreateProxyGroup@17687': { code: 'InvalidParameterValue', why: 'AccessRegion "Guangzho" is no region' },
  // NOTE: the example fills every field with the placeholder 字符串 ("string"); Action and
  // Protocol are enums (ACCEPT/DROP, ALL/TCP/UDP).
  'CreateSecurityRules@21054': {
    code: 'InvalidParameterValue',
    why: 'RuleList.0.Action 字符串 is not ACCEPT or DROP',
  },
};

describe('GAAP seed examples replayed against the emulator', () => {
  let h: GaapHarness;
  beforeAll(async () => {
    h = await startGaap();
  });
  afterAll(() => h.close());

  it('extracts an example for every action of the catalog', () => {
    const actions = new Set(fixture.examples.map((e) => e.action));
    expect(fixture.examples.length).toBeGreaterThanOrEqual(107);
    expect(actions.size).toBe(102);
  });

  for (const ex of fixture.examples) {
    const key = `${ex.action}@${ex.line}`;
    const contradiction = CONTRADICTIONS[key];
    it(`${key} ${ex.title}`, async () => {
      h.admin('reset');
      await createPrerequisites(h, ex);
      const got = await h.call(ex.action, ex.request);
      const doc = ex.response.Response;
      if (contradiction) {
        expect(got.Error?.Code, contradiction.why).toBe(contradiction.code);
        return;
      }
      if (doc.Error) {
        // NOTE: DisableGlobalDomain's only example is an error answer; replayed against an
        // existing domain it succeeds, so only the error envelope's shape is compared elsewhere.
        expect(got.Error, JSON.stringify(got)).toBeUndefined();
        return;
      }
      expect(got.Error, `${ex.action} refused: ${JSON.stringify(got.Error)}`).toBeUndefined();
      expect(shapeDiff(doc, got)).toEqual([]);
    });
  }
});
