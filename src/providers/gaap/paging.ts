import { fieldsOf } from '../../core/json.js';
import type { GaapCaller, GaapCallOptions } from './gaap-client.js';
import type { Request, Response } from './gaap-types.js';

/**
 * Largest page each list action accepts. One table, so a limit verified against the live API is
 * changed in one place.
 */
export const PAGE_LIMITS = {
  // NOTE: doc: "默认为20，最大值为100" (GAAP API, DescribeProxies: Limit).
  DescribeProxies: 100,
  // NOTE: doc: default 20, max 100; Offset, Limit and ProjectId are all required here (GAAP API,
  // DescribeProxyGroupList).
  DescribeProxyGroupList: 100,
  // NOTE: doc: default 20, max 50 — smaller than the others.
  DescribeRealServers: 50,
  // NOTE: doc: default 20, max 1000.
  DescribeRuleRealServers: 1000,
  // NOTE: doc gives default 20 and no maximum for the four listener lists and certificates; §8.6
  // says page with ≤ 20 until a larger value is verified.
  DescribeTCPListeners: 20,
  DescribeUDPListeners: 20,
  DescribeHTTPListeners: 20,
  DescribeHTTPSListeners: 20,
  DescribeCertificates: 20,
  // NOTE: doc documents neither a default nor a maximum (its example uses 112); 20 is the safe pick.
  DescribeGlobalDomains: 20,
} as const;

export type PagedAction = keyof typeof PAGE_LIMITS;

/** Array-valued fields of an action's response: the lists one can page through. */
export type ItemsField<A extends PagedAction> = {
  [K in keyof Response<A>]-?: NonNullable<Response<A>[K]> extends readonly unknown[] ? K : never;
}[keyof Response<A>] &
  string;

export type ItemOf<A extends PagedAction, F extends ItemsField<A>> = NonNullable<
  Response<A>[F]
> extends readonly (infer T)[]
  ? T
  : never;

/**
 * NOTE: DescribeRuleRealServers returns two lists with two counts: RealServerSet (bindable servers)
 * counted by TotalCount, BindRealServerSet counted by BindRealServerTotalCount.
 */
function totalField(action: PagedAction, itemsField: string): string {
  return action === 'DescribeRuleRealServers' && itemsField === 'BindRealServerSet'
    ? 'BindRealServerTotalCount'
    : 'TotalCount';
}

export type PageParams<A extends PagedAction> = Omit<Request<A>, 'Offset' | 'Limit'>;

/**
 * Reads every item of a list action with the largest page it allows, stopping by TotalCount: N
 * items take ceil(N / limit) calls, and exactly one when N ≤ limit (N = 0 included).
 */
export async function listAll<A extends PagedAction, F extends ItemsField<A>>(
  client: GaapCaller,
  action: A,
  params: PageParams<A>,
  itemsField: F,
  opts: GaapCallOptions & { pageLimit?: number } = {},
): Promise<ItemOf<A, F>[]> {
  const { pageLimit, ...callOpts } = opts;
  const limit = pageLimit ?? PAGE_LIMITS[action];
  const countField = totalField(action, itemsField);
  const items: ItemOf<A, F>[] = [];
  for (let offset = 0; ; ) {
    const page = fieldsOf(
      await client.call(action, { ...params, Offset: offset, Limit: limit } as Request<A>, callOpts),
    );
    const batch = (page[itemsField] ?? []) as ItemOf<A, F>[];
    items.push(...batch);
    offset += batch.length;
    const total = typeof page[countField] === 'number' ? (page[countField] as number) : undefined;
    // Without a count, a short page is the end. An empty page always is: the list shrank while we
    // read it (a concurrent delete), and asking again would loop forever.
    if (batch.length === 0) break;
    if (total === undefined ? batch.length < limit : offset >= total) break;
  }
  return items;
}
