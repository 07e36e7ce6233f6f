import { describe, expect, it } from 'vitest';
import { planDiff } from '../../src/planner/diff-engine.js';
import type {
  DesiredNode,
  KindDescription,
  LiveNode,
  StepBuilder,
  StepDraftBase,
  StepShaper,
} from '../../src/planner/diff-types.js';

/**
 * The engine with a made-up vendor (no GAAP): "boxes" holding "items" that may use a "key". A
 * draft is one call named by its verb; the payload is the call with its resolved IDs.
 */
interface Draft extends StepDraftBase {
  call: string;
  params: Record<string, unknown>;
}

const SHAPER: StepShaper<Draft, { call: string; params: Record<string, unknown> }> = {
  action: (d) => d.call,
  outputs: (d) => (d.operation === 'create' ? ['id'] : []),
  createsId: (d) => d.operation === 'create',
  payload: (d) => ({ call: d.call, params: d.params }),
};

function kind(
  type: string,
  opts: Partial<KindDescription<unknown, unknown, StepBuilder<Draft>>> = {},
): KindDescription<unknown, unknown, StepBuilder<Draft>> {
  return {
    type,
    updatable: { size: 'size' },
    cascades: false,
    replaceOrder: 'create-first',
    create(node, b) {
      const parent = node.parent ? { parent: b.idOf(node.parent) } : {};
      const uses = node.refs.map((r) => b.idOf(r));
      b.add({
        operation: 'create',
        summary: `create ${node.address}`,
        call: `Create${type}`,
        params: { ...parent, uses },
      });
    },
    update(node, live, _groups, b) {
      b.add({
        operation: 'update',
        summary: `update ${live.id}`,
        call: `Update${type}`,
        params: { id: live.id, uses: node.refs.map((r) => b.idOf(r)) },
      });
    },
    delete(live, b) {
      b.add({
        operation: 'delete',
        summary: `delete ${live.id}`,
        call: `Delete${type}`,
        params: { id: live.id },
      });
    },
    ...opts,
  };
}

const KINDS = new Map(
  [kind('box', { replaceOrder: 'delete-first' }), kind('item'), kind('key', { updatable: {} })].map((k) => [
    k.type,
    k,
  ]),
);

const desired = (
  address: string,
  type: string,
  attrs: Record<string, unknown>,
  more: Partial<DesiredNode> = {},
): DesiredNode => ({
  address,
  type,
  refs: [],
  attrs,
  protect: false,
  spec: null,
  ...more,
});
const live = (
  address: string,
  type: string,
  id: string,
  attrs: Record<string, unknown>,
  parent?: string,
): LiveNode => ({
  address,
  type,
  id,
  attrs,
  raw: null,
  ...(parent ? { parent } : {}),
});

function plan(d: DesiredNode[], l: LiveNode[], liveRefs = new Map<string, string[]>()) {
  return planDiff({
    provider: 'toy',
    desired: d,
    live: l,
    liveRefs,
    kinds: KINDS,
    steps: SHAPER,
    builder: {},
    tokenSeed: 'seed',
    codes: { unresolvedReference: 'DEPENDENCY_MISSING', externalMissing: 'DEPENDENCY_MISSING' },
  });
}

describe('the diff engine, driven by kind descriptions only', () => {
  it('classifies create, update, replace, delete and no-op by address', () => {
    const out = plan(
      [
        desired('box.a', 'box', { size: 1 }),
        desired('box.b', 'box', { size: 2 }),
        desired('key.k', 'key', { bits: 2048 }),
        desired('box.new', 'box', { size: 1 }),
      ],
      [
        live('box.a', 'box', 'b-1', { size: 1 }),
        live('box.b', 'box', 'b-2', { size: 1 }),
        live('key.k', 'key', 'k-1', { bits: 1024 }),
        live('box.gone', 'box', 'b-3', { size: 1 }),
      ],
    );
    expect(Object.fromEntries(out.changes.map((c) => [c.address, c.kind]))).toEqual({
      'box.a': 'no-op',
      'box.b': 'update',
      'key.k': 'replace',
      'box.new': 'create',
      'box.gone': 'delete',
    });
    expect(out.steps.every((s) => s.provider === 'toy' && s.id.startsWith('toy.'))).toBe(true);
  });

  it('creates children after their parent, with the parent ID as a placeholder', () => {
    const out = plan(
      [desired('box.a', 'box', { size: 1 }), desired('box.a.item', 'item', { size: 1 }, { parent: 'box.a' })],
      [],
    );
    const [box, item] = out.steps;
    expect(item?.dependsOn).toEqual([box?.id]);
    expect(item?.payload.params.parent).toEqual({ $ref: { step: box?.id, output: 'id' } });
  });

  it('deletes children first, and lets users go before what they used', () => {
    const out = plan(
      [],
      [
        live('box.a', 'box', 'b-1', { size: 1 }),
        live('box.a.item', 'item', 'i-1', { size: 1 }, 'box.a'),
        live('key.k', 'key', 'k-1', {}),
      ],
      new Map([['box.a.item', ['key.k']]]),
    );
    const step = (call: string) => out.steps.find((s) => s.action === call)!;
    expect(step('Deletebox').dependsOn).toContain(step('Deleteitem').id);
    expect(step('Deletekey').dependsOn).toContain(step('Deleteitem').id);
  });

  it('repoints a user of a replaced object to the replacement, then deletes the old one', () => {
    const out = plan(
      [
        desired('key.k', 'key', { bits: 4096 }),
        desired('item.i', 'item', { size: 1, key: 'key.k' }, { refs: ['key.k'] }),
      ],
      [live('key.k', 'key', 'k-1', { bits: 1024 }), live('item.i', 'item', 'i-1', { size: 1, key: 'key.k' })],
      new Map([['item.i', ['key.k']]]),
    );
    const item = out.changes.find((c) => c.address === 'item.i')!;
    expect(item.kind).toBe('replace'); // `key` is not updatable in this kind: repointing forces replacement
    expect(item.reason).toBe('uses key.k, which is replaced');
    const create = out.steps.find((s) => s.action === 'Createkey')!;
    const del = out.steps.find((s) => s.action === 'Deletekey')!;
    expect(del.dependsOn).toContain(out.steps.find((s) => s.action === 'Createitem')!.id);
    expect(out.steps.find((s) => s.action === 'Createitem')!.dependsOn).toContain(create.id);
  });
});
