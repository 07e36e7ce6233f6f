import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/emulator-types.js';
import { EMULATOR_DEFAULTS, startEmulator } from '../../../src/emulator/index.js';
import { GaapClient } from '../../../src/providers/gaap/gaap-client.js';
import { isGaapApiError } from '../../../src/providers/gaap/gaap-errors.js';
import type { ActionName, Request } from '../../../src/providers/gaap/gaap-types.js';
import { gaapResourceName, tagEndpointFor } from '../../../src/providers/gaap/tag-api.js';

const credentials = { secretId: EMULATOR_DEFAULTS.secretId, secretKey: EMULATOR_DEFAULTS.secretKey };

describe('Tag API calls through the GAAP client', () => {
  let gaap: RunningEmulator;
  let tag: RunningEmulator;
  beforeAll(async () => {
    [gaap, tag] = await Promise.all([startEmulator(), startEmulator()]);
  });
  afterAll(() => Promise.all([gaap.close(), tag.close()]));

  it('the Tag endpoint follows the GAAP one: the vendor Tag host, else the same endpoint, EDGEFORM_TAG_ENDPOINT first', () => {
    expect(tagEndpointFor('https://gaap.tencentcloudapi.com', {})).toBe('https://tag.tencentcloudapi.com');
    expect(tagEndpointFor('https://gaap.intl.tencentcloudapi.com/', {})).toBe(
      'https://tag.intl.tencentcloudapi.com',
    );
    expect(tagEndpointFor('http://127.0.0.1:4566', {})).toBe('http://127.0.0.1:4566');
    expect(tagEndpointFor('http://127.0.0.1:4566', { EDGEFORM_TAG_ENDPOINT: 'http://127.0.0.1:9' })).toBe(
      'http://127.0.0.1:9',
    );
  });

  it('routes Tag actions to the Tag endpoint, signed for the service tag, and GAAP actions to GAAP', async () => {
    const client = new GaapClient({ credentials, endpoint: gaap.gaap, tagEndpoint: tag.gaap });
    try {
      const created = await client.call('CreateProxy', {
        ProjectId: 0,
        ProxyName: 'p',
        AccessRegion: 'Guangzhou',
        RealServerRegion: 'Virginia',
        Bandwidth: 10,
        Concurrent: 2,
      });
      const resource = gaapResourceName('proxy', created.InstanceId);
      const modify = (c: GaapClient) =>
        c.call(
          'ModifyResourceTags' as ActionName,
          {
            Resource: resource,
            ReplaceTags: [{ TagKey: 'k', TagValue: 'v' }],
          } as unknown as Request<ActionName>,
        );
      // The proxy lives on the GAAP emulator, so the Tag one does not know it: proof of routing.
      const err = await modify(client).catch((e: unknown) => e);
      expect(isGaapApiError(err) && err.apiCode).toBe('ResourceNotFound');
      expect(tag.stats().gaap.requests.ModifyResourceTags).toBe(1);
      expect(gaap.stats().gaap.requests.ModifyResourceTags).toBeUndefined();

      // With the Tag API on the GAAP endpoint (the emulator's own), the tag is set and shows in GAAP.
      const same = new GaapClient({ credentials, endpoint: gaap.gaap });
      try {
        await modify(same);
        const p = await same.call('DescribeProxies', { ProxyIds: [created.InstanceId] });
        expect(p.ProxySet[0]!.TagSet).toEqual([{ TagKey: 'k', TagValue: 'v' }]);
      } finally {
        await same.close();
      }
    } finally {
      await client.close();
    }
  });
});
