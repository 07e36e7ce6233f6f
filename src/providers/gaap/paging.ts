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
 * Reads every item of a list action with the largest page it allows: N items take ceil(N / limit)
 * calls, and exactly one when N ≤ limit (N = 0 included). The first page's TotalCount tells how
 * many pages follow: they are asked for together (two round trips for any length, not one per
 * page: 250 real servers were five sequential pages), each within its action's rate budget.
 * `onPage` sees each page's items as soon as that page answers (reads under them can start then,
 * not after the last page).
 */
export async function listAll<A extends PagedAction, F extends ItemsField<A>>(
  client: GaapCaller,
  action: A,
  params: PageParams<A>,
  itemsField: F,
  opts: GaapCallOptions & { pageLimit?: number; onPage?: (items: ItemOf<A, F>[]) => void } = {},
): Promise<ItemOf<A, F>[]> {
  const { pageLimit, onPage, ...callOpts } = opts;
  const limit = pageLimit ?? PAGE_LIMITS[action];
  const countField = totalField(action, itemsField);
  const page = async (offset: number) => {
    const answer = fieldsOf(
      await client.call(action, { ...params, Offset: offset, Limit: limit } as Request<A>, callOpts),
    );
    const total = typeof answer[countField] === 'number' ? (answer[countField] as number) : undefined;
    return { batch: (answer[itemsField] ?? []) as ItemOf<A, F>[], total };
  };
  const items: ItemOf<A, F>[] = [];
  const take = (batch: ItemOf<A, F>[]) => {
    items.push(...batch);
    onPage?.(batch);
  };
  const first = await page(0);
  let offset = first.batch.length;
  // NOTE: only after a full first page: a shorter one with more to come is a server paging
  // smaller than asked (its pages' places are unknown until read) or a list shrinking under the
  // read, and the pages are then read one after another, each placed after the last.
  if (first.total !== undefined && offset === limit && offset < first.total) {
    const size = offset;
    const offsets: number[] = [];
    for (let o = size; o < first.total; o += size) offsets.push(o);
    // The other pages are asked for before the first page's items go to `onPage` (whose reads
    // would otherwise go out ahead of them).
    const rest = Promise.all(offsets.map(page));
    take(first.batch);
    for (const p of await rest) {
      take(p.batch);
      offset += p.batch.length;
      // A short page: the list shrank while it was read; what follows it is read below if needed.
      if (p.batch.length < size) break;
    }
  } else {
    take(first.batch);
  }
  let { batch, total } = first;
  for (;;) {
    // Without a count, a short page is the end. An empty page always is: the list shrank while we
    // read it (a concurrent delete), and asking again would loop forever.
    if (batch.length === 0) break;
    if (total === undefined ? batch.length < limit : offset >= total) break;
    ({ batch, total } = await page(offset));
    take(batch);
    offset += batch.length;
  }
  return items;
}
