import { type LeafChange, leafChanges, resourceName } from '../../planner/display-values.js';
import type { ChangeKind, ResourceChange } from '../../planner/plan-types.js';

export interface ObjectRef {
  address: string;
  /** The logical name (`img.example.com`, `app-east`). */
  name: string;
  /** The live ID, when the object exists. */
  id?: string;
}

/** Lines that apply, identically, to every object of `objects`. */
export interface ChangeBlock {
  objects: ObjectRef[];
  leaves: LeafChange[];
}

/**
 * Objects of one type with the same kind of change (and the same reason): one headline, then blocks
 * of lines. A group of one object is Terraform's familiar per-object body; a group of many shows
 * each line once, under the objects it applies to ("50 domains: + timeout.time = 30").
 */
export interface ChangeGroup {
  kind: Exclude<ChangeKind, 'no-op'>;
  type: string;
  /** The address prefix of the objects (`baishan.domain`). */
  addressType: string;
  reason?: string;
  busy?: string;
  objects: ObjectRef[];
  blocks: ChangeBlock[];
}

const ref = (c: ResourceChange): ObjectRef => ({
  address: c.address,
  name: resourceName(c.address),
  ...(c.id ? { id: c.id } : {}),
});

/**
 * Groups changed objects so that identical changes are shown once. Objects of one type, kind and
 * reason are grouped when at least one line is shared by two or more of them; otherwise each object
 * stands alone (nothing would be saved, and one body per object reads better).
 */
export function groupChanges(changes: readonly ResourceChange[]): ChangeGroup[] {
  const byKey = new Map<string, ResourceChange[]>();
  for (const c of changes) {
    if (c.kind === 'no-op') continue;
    const key = JSON.stringify([c.kind, c.type, c.reason ?? '', c.busy ?? '']);
    const list = byKey.get(key);
    if (list) list.push(c);
    else byKey.set(key, [c]);
  }
  const groups: ChangeGroup[] = [];
  for (const members of byKey.values()) {
    const leaves = members.map((c) => c.attributes.flatMap(leafChanges));
    const grouped = members.length > 1 ? blocksOf(members, leaves) : undefined;
    if (grouped?.some((b) => b.objects.length > 1)) {
      groups.push({
        ...head(members[0]!),
        addressType: sharedAddressType(members),
        objects: members.map(ref),
        blocks: grouped,
      });
    } else {
      for (const [i, c] of members.entries()) {
        groups.push({ ...head(c), objects: [ref(c)], blocks: [{ objects: [ref(c)], leaves: leaves[i]! }] });
      }
    }
  }
  return groups;
}

function head(c: ResourceChange): Omit<ChangeGroup, 'objects' | 'blocks'> {
  return {
    kind: c.kind as Exclude<ChangeKind, 'no-op'>,
    type: c.type,
    addressType: c.address.replace(/\[[^\]]*\]$/, ''),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.busy ? { busy: c.busy } : {}),
  };
}

/**
 * The address prefix every member shares (`gaap.proxy["web"].listener`); members under different
 * parents share it with the parents' names as `*` (`gaap.proxy[*].listener`), and members under
 * parents of different kinds (a proxy's and a proxy group's listeners) only their type.
 */
function sharedAddressType(members: readonly ResourceChange[]): string {
  const prefixes = new Set(members.map((c) => c.address.replace(/\[[^\]]*\]$/, '')));
  if (prefixes.size === 1) return [...prefixes][0]!;
  const wild = new Set([...prefixes].map((p) => p.replace(/\[[^\]]*\]/g, '[*]')));
  return wild.size === 1 ? [...wild][0]! : members[0]!.type;
}

/** One block per distinct set of objects sharing lines, in the order the lines first appear. */
function blocksOf(members: readonly ResourceChange[], leaves: readonly LeafChange[][]): ChangeBlock[] {
  const holders = new Map<string, { leaf: LeafChange; at: number[] }>();
  leaves.forEach((list, i) => {
    for (const leaf of list) {
      const key = JSON.stringify(leaf);
      const h = holders.get(key);
      if (h) {
        if (h.at[h.at.length - 1] !== i) h.at.push(i);
      } else holders.set(key, { leaf, at: [i] });
    }
  });
  const blocks = new Map<string, ChangeBlock>();
  for (const { leaf, at } of holders.values()) {
    const key = at.join(',');
    const b = blocks.get(key);
    if (b) b.leaves.push(leaf);
    else blocks.set(key, { objects: at.map((i) => ref(members[i]!)), leaves: [leaf] });
  }
  // Objects with no line at all (a delete that lists nothing) still appear.
  const bare = members.filter((_, i) => leaves[i]!.length === 0);
  if (bare.length > 0) blocks.set('', { objects: bare.map(ref), leaves: [] });
  return [...blocks.values()].sort((a, b) => b.objects.length - a.objects.length);
}
