import { describe, expect, it } from 'vitest';
import { findItem, itemFinder } from '../../../src/providers/gaap/gaap-step-runner.js';

// The watcher answers many waits of one scope from one list read with itemFinder; it must find
// exactly what findItem (a scan per waiter) finds.
const ITEMS: unknown[] = [
  { ProxyId: 'link-1', Status: 'CREATING' },
  'not an object',
  null,
  { ProxyId: 'link-2', Status: 'RUNNING', Port: 80 },
  { ProxyId: 'link-2', Status: 'second with the same id' },
  { ProxyId: 'link-3', Port: '80' },
  { Port: 80 },
  { ProxyId: 'link-4', Nested: { a: 1 } },
];

const MATCHES: Record<string, unknown>[] = [
  { ProxyId: 'link-1' },
  { ProxyId: 'link-2' },
  { ProxyId: 'link-9' },
  { ProxyId: 'link-2', Port: 80 },
  { ProxyId: 'link-3', Port: 80 },
  { ProxyId: 'link-3', Port: '80' },
  { Port: 80 },
  { ProxyId: undefined, Port: 80 },
  { ProxyId: null },
  { Nested: { a: 1 } },
  {},
];

describe('itemFinder', () => {
  it.each(MATCHES.map((m) => [JSON.stringify(m), m]))('finds what findItem finds for %s', (_, match) => {
    const find = itemFinder(ITEMS);
    expect(find(match)).toBe(findItem(ITEMS, match));
    // A second lookup with the same fields uses the index built by the first.
    expect(find(match)).toBe(findItem(ITEMS, match));
  });

  it('finds each item of a 1,000-item list, and no other', () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ ListenerId: `lsr-${i}`, ListenerStatus: i % 2 }));
    const find = itemFinder(items);
    for (let i = 0; i < 1000; i++) expect(find({ ListenerId: `lsr-${i}` })).toBe(items[i]);
    expect(find({ ListenerId: 'lsr-1000' })).toBeUndefined();
  });
});
