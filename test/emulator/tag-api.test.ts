import { Client as TagClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tag/v20180813/tag_client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GaapHarness, runningProxy, SECRET_ID, SECRET_KEY, startGaap } from './gaap-test-client.js';

const TAG = { version: '2018-08-13', service: 'tag' } as const;
const name = (prefix: string, id: string, uin = '') => `qcs::gaap:ap-guangzhou:uin/${uin}:${prefix}/${id}`;

describe('Tag API 2018-08-13 on the GAAP emulator', () => {
  let h: GaapHarness;
  const tag = (action: string, params: Record<string, unknown>) => h.call(action, params, TAG);
  beforeAll(async () => {
    h = await startGaap();
  });
  afterAll(() => h.close());

  it('ModifyResourceTags sets and removes tags that DescribeProxies then shows', async () => {
    const id = await runningProxy(h, { TagSet: [{ TagKey: 'team', TagValue: 'edge' }] });
    const r = await tag('ModifyResourceTags', {
      Resource: name('proxy', id),
      ReplaceTags: [
        { TagKey: 'edgeform:stack', TagValue: 'prod' },
        { TagKey: 'team', TagValue: 'web' },
      ],
    });
    expect(r.Error).toBeUndefined();
    let p = await h.ok('DescribeProxies', { ProxyIds: [id] });
    expect((p.ProxySet as { TagSet: unknown[] }[])[0]!.TagSet).toEqual([
      { TagKey: 'team', TagValue: 'web' },
      { TagKey: 'edgeform:stack', TagValue: 'prod' },
    ]);
    // Found by the tag filter of the GAAP list call, as edgeform's read does.
    const byTag = await h.ok('DescribeProxies', { TagSet: [{ TagKey: 'edgeform:stack', TagValue: 'prod' }] });
    expect((byTag.ProxySet as { ProxyId: string }[]).map((x) => x.ProxyId)).toContain(id);

    await tag('ModifyResourceTags', { Resource: name('proxy', id), DeleteTags: [{ TagKey: 'team' }] });
    p = await h.ok('DescribeProxies', { ProxyIds: [id] });
    expect((p.ProxySet as { TagSet: unknown[] }[])[0]!.TagSet).toEqual([
      { TagKey: 'edgeform:stack', TagValue: 'prod' },
    ]);
  });

  it('refuses what the documentation refuses, changing nothing', async () => {
    const id = await runningProxy(h);
    const codes = async (params: Record<string, unknown>) =>
      (await tag('ModifyResourceTags', { Resource: name('proxy', id), ...params })).Error?.Code;
    expect(await codes({})).toBe('MissingParameter');
    expect(await codes({ ReplaceTags: [] })).toBe('InvalidParameterValue');
    expect(
      await codes({ ReplaceTags: [{ TagKey: 'a', TagValue: '1' }], DeleteTags: [{ TagKey: 'a' }] }),
    ).toBe('InvalidParameterValue.DeleteTagsParamError');
    expect(await codes({ ReplaceTags: [{ TagKey: 'qcloud:x', TagValue: '1' }] })).toBe(
      'InvalidParameterValue.ReservedTagKey',
    );
    expect(await codes({ ReplaceTags: [{ TagKey: 'k'.repeat(128), TagValue: '1' }] })).toBe(
      'InvalidParameterValue.TagKeyLengthExceeded',
    );
    const bad = await tag('ModifyResourceTags', {
      Resource: 'proxy/link-1',
      ReplaceTags: [{ TagKey: 'a', TagValue: 'b' }],
    });
    expect(bad.Error?.Code).toBe('InvalidParameterValue.ResourceDescriptionError');
    const gone = await tag('ModifyResourceTags', {
      Resource: name('proxy', 'link-00000000'),
      ReplaceTags: [{ TagKey: 'a', TagValue: 'b' }],
    });
    expect(gone.Error?.Code).toBe('ResourceNotFound');
    const otherAccount = await tag('ModifyResourceTags', {
      Resource: name('proxy', id, '42'),
      ReplaceTags: [{ TagKey: 'a', TagValue: 'b' }],
    });
    expect(otherAccount.Error?.Code).toBe('InvalidParameterValue.UinInvalid');
    const p = await h.ok('DescribeProxies', { ProxyIds: [id] });
    expect((p.ProxySet as { TagSet: unknown[] }[])[0]!.TagSet).toEqual([]);
    // A GAAP version with a Tag action, or the Tag version signed for gaap, is refused.
    expect((await h.call('ModifyResourceTags', { Resource: name('proxy', id) })).Error?.Code).toBe(
      'InvalidAction',
    );
    const wrongScope = await h.call('GetResources', {}, { version: TAG.version, service: 'gaap' });
    expect(wrongScope.Error?.Code).toBe('AuthFailure.InvalidAuthorization');
  });

  it('TagResources and UnTagResources act per resource and report the ones that failed', async () => {
    const a = await runningProxy(h);
    const rs = (
      await h.ok('AddRealServers', { ProjectId: 0, RealServerIP: ['203.0.113.7'], RealServerName: 'o' })
    ).RealServerSet as { RealServerId: string }[];
    const rsId = rs[0]!.RealServerId;
    const r = await tag('TagResources', {
      ResourceList: [name('proxy', a), name('realServer', rsId), name('proxy', 'link-zzzzzzzz')],
      Tags: [{ TagKey: 'cost', TagValue: 'cdn' }],
    });
    expect(r.FailedResources).toEqual([
      { Resource: name('proxy', 'link-zzzzzzzz'), Code: 'ResourceNotFound', Message: expect.any(String) },
    ]);
    const servers = await h.ok('DescribeRealServers', {
      ProjectId: -1,
      TagSet: [{ TagKey: 'cost', TagValue: 'cdn' }],
    });
    expect((servers.RealServerSet as { RealServerId: string }[]).map((x) => x.RealServerId)).toEqual([rsId]);

    const got = await tag('GetResources', { TagFilters: [{ TagKey: 'cost' }] });
    expect((got.ResourceTagMappingList as { Resource: string }[]).map((m) => m.Resource)).toEqual([
      `qcs::gaap::uin/100000000001:proxy/${a}`,
      `qcs::gaap::uin/100000000001:realServer/${rsId}`,
    ]);
    const ids = await tag('DescribeResourceTagsByResourceIds', {
      ServiceType: 'gaap',
      ResourcePrefix: 'realServer',
      ResourceIds: [rsId],
      ResourceRegion: '',
    });
    expect(ids.Tags).toEqual([
      expect.objectContaining({ TagKey: 'cost', TagValue: 'cdn', ResourceId: rsId, ServiceType: 'gaap' }),
    ]);

    await tag('UnTagResources', {
      ResourceList: [name('proxy', a), name('realServer', rsId)],
      TagKeys: ['cost'],
    });
    const after = await tag('GetResources', { TagFilters: [{ TagKey: 'cost' }] });
    expect(after.ResourceTagMappingList).toEqual([]);
  });

  it('GetResources pages with PaginationToken and ANDs its filters', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(await runningProxy(h, { TagSet: [{ TagKey: 'page', TagValue: `v${i % 2}` }] }));
    await tag('ModifyResourceTags', {
      Resource: name('proxy', ids[0]!),
      ReplaceTags: [{ TagKey: 'also', TagValue: 'x' }],
    });
    const first = await tag('GetResources', { TagFilters: [{ TagKey: 'page' }], MaxResults: 2 });
    expect((first.ResourceTagMappingList as unknown[]).length).toBe(2);
    const second = await tag('GetResources', {
      TagFilters: [{ TagKey: 'page' }],
      MaxResults: 2,
      PaginationToken: first.PaginationToken,
    });
    expect((second.ResourceTagMappingList as unknown[]).length).toBe(1);
    expect(second.PaginationToken).toBe('');
    const both = await tag('GetResources', {
      TagFilters: [
        { TagKey: 'page', TagValue: ['v0'] },
        { TagKey: 'also', TagValue: ['x'] },
      ],
    });
    expect((both.ResourceTagMappingList as { Resource: string }[]).map((m) => m.Resource)).toEqual([
      `qcs::gaap::uin/100000000001:proxy/${ids[0]}`,
    ]);
  });

  it('answers the official SDK TagClient at 127.0.0.1:PORT', async () => {
    const live = await startGaap({ now: Date.now });
    // The SDK signs with the wall clock; so does this harness once its clock reads it.
    live.clock.t = Date.now();
    try {
      const id = await runningProxy(live);
      const sdk = new TagClient({
        credential: { secretId: SECRET_ID, secretKey: SECRET_KEY },
        region: 'ap-guangzhou',
        profile: { httpProfile: { endpoint: `127.0.0.1:${live.port}`, protocol: 'http://' } },
      });
      await sdk.ModifyResourceTags({
        Resource: `qcs::gaap:ap-guangzhou:uin/:proxy/${id}`,
        ReplaceTags: [{ TagKey: 'owner', TagValue: 'sdk' }],
      });
      const got = await sdk.GetResources({ TagFilters: [{ TagKey: 'owner', TagValue: ['sdk'] }] });
      expect(got.ResourceTagMappingList?.map((m) => m.Resource)).toEqual([
        `qcs::gaap::uin/100000000001:proxy/${id}`,
      ]);
    } finally {
      await live.close();
    }
  });
});
