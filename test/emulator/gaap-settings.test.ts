import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GaapHarness, startGaap } from './gaap-test-client.js';

// The settings edgeform writes beyond create/modify, as the emulator keeps and echoes them.

const DELAY = 1_000;

describe('GAAP emulator: settings beyond create', () => {
  let h: GaapHarness;
  beforeEach(async () => {
    h = await startGaap({ asyncDelayMs: DELAY });
  });
  afterEach(() => h.close());

  const groupOf = async (id: string) =>
    (
      (await h.ok('DescribeProxyGroupList', { Offset: 0, Limit: 10, ProjectId: -1 })).ProxyGroupList as {
        GroupId: string;
        Http3Supported: number;
        Status: string;
      }[]
    ).find((g) => g.GroupId === id)!;

  it('a proxy group has HTTP/3 on by default when IPv4 and off when IPv6, as the doc says', async () => {
    const v4 = (
      await h.ok('CreateProxyGroup', { ProjectId: 0, GroupName: 'a', RealServerRegion: 'NorthChina' })
    ).GroupId as string;
    const v6 = (
      await h.ok('CreateProxyGroup', {
        ProjectId: 0,
        GroupName: 'b',
        RealServerRegion: 'NorthChina',
        IPAddressVersion: 'IPv6',
      })
    ).GroupId as string;
    expect((await groupOf(v4)).Http3Supported).toBe(1);
    expect((await groupOf(v6)).Http3Supported).toBe(0);
  });

  it('a group of closed proxies reads CLOSED, and RUNNING again once opened', async () => {
    const g = (
      await h.ok('CreateProxyGroup', {
        ProjectId: 0,
        GroupName: 'g',
        RealServerRegion: 'NorthChina',
        AccessRegionSet: [{ AccessRegion: 'SouthChina', Bandwidth: 10, Concurrent: 2 }],
      })
    ).GroupId as string;
    h.clock.advance(DELAY);
    const closed = await h.ok('CloseProxyGroup', { GroupId: g });
    expect(closed.OperationFailedInstanceSet).toEqual([]);
    // Its proxies are CLOSING: the group has no closing state of its own.
    expect((await groupOf(g)).Status).toBe('RUNNING');
    h.clock.advance(DELAY);
    expect((await groupOf(g)).Status).toBe('CLOSED');
    await h.ok('OpenProxyGroup', { GroupId: g });
    expect((await groupOf(g)).Status).toBe('RUNNING');
  });
});
