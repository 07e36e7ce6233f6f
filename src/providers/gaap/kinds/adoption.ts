import { EdgeformError } from '../../../core/errors.js';
import type { Adoptable } from '../../../model/gaap-desired-types.js';
import type { SourceLocation } from '../../../model/source-location.js';
import { NAME_TAG, type ReadContext, STACK_TAG, tagValue } from '../engine/kind-module.js';

type Tags = readonly { TagKey: string; TagValue: string }[] | null | undefined;

/**
 * Declarations bound to live objects with `adopt: <id>`, by ID → logical name. `section` is the
 * map of the `gaap:` section they are declared in (`proxies`, `realServers`, ...).
 */
export function adoptionsOf(ctx: Pick<ReadContext, 'model'>, section: Section): Map<string, string> {
  const map = (ctx.model[section] ?? {}) as Record<string, Adoptable>;
  const out = new Map<string, string>();
  for (const [name, d] of Object.entries(map)) if (d.adopt) out.set(d.adopt, name);
  return out;
}

/**
 * The logical name a live root has in this stack: the declaration that adopts its ID, else its
 * edgeform:name tag when it carries this stack's edgeform:stack tag; undefined when it is not the
 * stack's. An object another stack owns is never adopted: that would take it away from that stack.
 */
export function ownedName(
  ctx: Pick<ReadContext, 'stack' | 'model'>,
  adoptions: ReadonlyMap<string, string>,
  id: string,
  tags: Tags,
  what: string,
): string | undefined {
  const adopted = adoptions.get(id);
  const stack = tagValue(tags, STACK_TAG);
  if (adopted === undefined) return stack === ctx.stack ? tagValue(tags, NAME_TAG) : undefined;
  if (stack !== undefined && stack !== ctx.stack) {
    throw new EdgeformError({
      code: 'GAAP_ADOPT_FOREIGN',
      message: `${what} ${id} (adopt:) belongs to stack ${stack} (tag ${STACK_TAG}); one object cannot be owned by two stacks`,
      resolution: `remove \`adopt: ${id}\`, or, to share it, reference it from this stack without owning it (a real server: \`external: true\`)`,
    });
  }
  return adopted;
}

/** Adopted IDs a tag-filtered list did not return (objects not tagged yet): read by ID next. */
export function missingIds(adoptions: ReadonlyMap<string, string>, found: Iterable<string>): string[] {
  const seen = new Set(found);
  return [...adoptions.keys()].filter((id) => !seen.has(id));
}

type Section = 'proxies' | 'proxyGroups' | 'realServers' | 'certificates' | 'globalDomains';

const WHAT: Record<Section, string> = {
  proxies: 'proxy',
  proxyGroups: 'proxy group',
  realServers: 'real server',
  certificates: 'certificate',
  globalDomains: 'global domain',
};

/** An adopted ID that does not exist live: the binding is wrong, and a create would not be it. */
export function refuseMissingAdoptions(
  ctx: Pick<ReadContext, 'model'>,
  section: Section,
  found: Iterable<string>,
): void {
  const adoptions = adoptionsOf(ctx, section);
  const missing = missingIds(adoptions, found);
  if (missing.length === 0) return;
  const what = WHAT[section];
  const where = (id: string) => {
    const at: SourceLocation | undefined = ctx.model.sources?.[`${section}.${adoptions.get(id)}`];
    return `${at ? `${at.file}:${at.line}:${at.column} ` : ''}gaap.${section}.${adoptions.get(id)}.adopt: no ${what} ${id} exists`;
  };
  throw new EdgeformError({
    code: 'GAAP_ADOPT_NOT_FOUND',
    message: `${missing.length === 1 ? 'an adopted object does' : `${missing.length} adopted objects do`} not exist live`,
    resolution: `correct the ID (\`edgeform export --gaap --adopt\` lists what exists), or remove \`adopt:\` to create a new ${what}`,
    details: missing.map(where),
  });
}

/** Splits `ids` into lists of at most `size` (a Filter takes at most 5 values, ProxyIds 100). */
export function chunks<T>(ids: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}
