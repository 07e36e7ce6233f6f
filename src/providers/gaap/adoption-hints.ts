import type { Adoptable, GaapDesired } from '../../model/gaap-desired-types.js';
import type { PlanWarning } from '../../planner/plan-types.js';
import type { ReadContext } from './engine/kind-module.js';
import { addr, NAME_TAG, STACK_TAG, tagValue } from './engine/kind-module.js';
import type { LiveNode } from './engine/node-types.js';
import { allRealServers, stacksReferenced } from './kinds/real-server.js';
import { listAll } from './paging.js';

type Tags = { TagKey: string; TagValue: string }[] | null | undefined;

/** What the hints read with: the read's client, and its memo (lists the read made already). */
type Lister = Pick<ReadContext, 'client' | 'cached'>;

interface Candidate {
  id: string;
  key: string;
  tags: Tags;
}

interface Declared {
  name: string;
  decl: Adoptable & { external?: boolean };
  key: string;
}

/** Each declaration of a section with the natural key `keyOf` gives it. */
function declaredIn<D extends Adoptable>(
  section: Record<string, D> | undefined,
  keyOf: (name: string, d: D) => string,
): Declared[] {
  return Object.entries(section ?? {}).map(([name, decl]) => ({ name, decl, key: keyOf(name, decl) }));
}

interface RootKind {
  section: 'proxies' | 'proxyGroups' | 'realServers' | 'globalDomains';
  what: string;
  address(name: string): string;
  /**
   * The declarations of this kind, each with the natural key a user would recognise: the name the
   * declaration gives it, or its address.
   */
  declared(model: GaapDesired): Declared[];
  list(ctx: Lister): Promise<Candidate[]>;
}

const KINDS: readonly RootKind[] = [
  {
    section: 'proxies',
    what: 'proxy named',
    address: addr.proxy,
    declared: (m) => declaredIn(m.proxies, (name, d) => d.name ?? name),
    list: async ({ client: c }) =>
      (await listAll(c, 'DescribeProxies', {}, 'ProxySet')).map((p) => ({
        id: p.ProxyId || p.InstanceId,
        key: p.ProxyName,
        tags: p.TagSet,
      })),
  },
  {
    section: 'proxyGroups',
    what: 'proxy group named',
    address: addr.proxyGroup,
    declared: (m) => declaredIn(m.proxyGroups, (name, d) => d.name ?? name),
    list: async ({ client: c }) =>
      (await listAll(c, 'DescribeProxyGroupList', { ProjectId: -1 }, 'ProxyGroupList')).map((g) => ({
        id: g.GroupId,
        key: g.GroupName,
        tags: g.TagSet,
      })),
  },
  {
    section: 'realServers',
    what: 'real server at',
    address: addr.realServer,
    declared: (m) => declaredIn(m.realServers, (_name, d) => d.address),
    list: async (ctx) =>
      (await allRealServers(ctx)).map((rs) => ({
        id: rs.RealServerId,
        key: rs.RealServerIP,
        tags: rs.TagSet,
      })),
  },
  {
    section: 'globalDomains',
    what: 'global domain with alias',
    address: addr.globalDomain,
    declared: (m) => declaredIn(m.globalDomains, (name, d) => d.alias ?? name),
    list: async ({ client: c }) =>
      (await listAll(c, 'DescribeGlobalDomains', { ProjectId: -1 }, 'Domains')).map((d) => ({
        id: d.DomainId,
        key: d.Alias ?? '',
        tags: d.TagSet,
      })),
  },
];

/**
 * A root the plan would create although an object with the same natural key (a proxy's name, a
 * real server's address) exists live and no stack owns it: usually the hand-made original the
 * YAML was written from. Creating a second one doubles the bill and the DNS targets, so the plan
 * warns and names the binding that manages the original instead. The live list of a kind is read
 * only when the plan creates a root of that kind.
 */
export async function adoptionHints(
  model: GaapDesired,
  live: readonly LiveNode[],
  lister: Lister,
  stack: string,
): Promise<PlanWarning[]> {
  const have = new Set(live.map((n) => n.address));
  const perKind = KINDS.map((kind) => {
    const creates = kind
      .declared(model)
      .filter(({ name, decl }) => !decl.adopt && decl.external !== true && !have.has(kind.address(name)));
    return { kind, creates };
  }).filter((k) => k.creates.length > 0);
  const lists = await Promise.all(perKind.map((k) => k.kind.list(lister)));
  const warnings: PlanWarning[] = [];
  perKind.forEach(({ kind, creates }, i) => {
    const unowned = lists[i]!.filter((c) => tagValue(c.tags, STACK_TAG) === undefined && c.id);
    for (const { name, key } of creates) {
      const match = unowned.find((c) => c.key === key);
      if (!match) continue;
      const at = model.sources?.[`${kind.section}.${name}`];
      warnings.push({
        address: kind.address(name),
        message: `${at ? `${at.file}:${at.line}:${at.column}: ` : ''}will create a new ${kind.what} ${key}, but one exists that no stack owns (${match.id}); to manage it instead, add \`adopt: ${match.id}\` to gaap.${kind.section}.${name} (or run \`edgeform export --gaap --adopt\`)`,
      });
    }
  });
  const renamed = renamedFrom(perKind, lists, live, model, stack);
  if (renamed) warnings.push(renamed);
  return warnings;
}

/**
 * A stack that owns nothing live while another stack's live roots carry the logical names it
 * declares (edgeform:name) looks renamed: its apply would build a second estate beside the old
 * one. A new stack beside another (staging, production) can look the same, so this is a warning
 * the apply asks to confirm (`--new-stack`), never an error — unless the new stack references a
 * real server of that other stack (`external: true`): then it says it lives beside it, and no
 * confirmation is asked. Costs no call: the lists are the ones read for the adoption hints.
 */
function renamedFrom(
  perKind: readonly { kind: RootKind; creates: Declared[] }[],
  lists: readonly Candidate[][],
  live: readonly LiveNode[],
  model: GaapDesired,
  stack: string,
): PlanWarning | undefined {
  const external = new Set(
    Object.entries(model.realServers ?? {})
      .filter(([, rs]) => rs.external)
      .map(([name]) => addr.realServer(name)),
  );
  if (live.some((n) => !external.has(n.address))) return undefined;
  // Every root it declares is a live root of one other stack under the same logical name and
  // natural key (a proxy's name, a real server's address): that stack's estate under a new stack
  // name. A partial overlap (two stacks that both call a proxy `web`, each with its own origins)
  // is not.
  const declared = perKind.flatMap(({ kind, creates }, i) =>
    creates.map(({ name, key }) => ({ address: kind.address(name), candidates: lists[i]!, name, key })),
  );
  const stacksOf = (d: (typeof declared)[number]) =>
    new Set(
      d.candidates
        .filter((c) => tagValue(c.tags, NAME_TAG) === d.name && c.key === d.key)
        .map((c) => tagValue(c.tags, STACK_TAG))
        .filter((s): s is string => s !== undefined && s !== stack),
    );
  const [first, ...rest] = declared.map(stacksOf);
  // A stack whose real servers this one references (`external: true`) is one it knowingly lives
  // beside (staging and production in front of one origin), not its former name.
  const beside = stacksReferenced(model, live);
  const common = [...(first ?? [])].filter((s) => !beside.has(s) && rest.every((set) => set.has(s)));
  if (common.length === 0) return undefined;
  const named = common.map((other) => `stack ${other}`);
  const addresses = declared.map((d) => d.address).join(', ');
  return {
    code: 'STACK_OWNS_NOTHING',
    message: `stack ${stack} owns no live object, but ${named.join(' and ')} owns a live object under every name it declares, with the same name or address (${addresses}): if this stack was renamed, applying builds a second estate beside the old one; if it is a new stack beside that one, apply with --new-stack`,
  };
}
