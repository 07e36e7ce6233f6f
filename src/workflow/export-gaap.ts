/**
 * `edgeform export --gaap`: reads the GAAP objects a stack owns (tagged edgeform:stack=NAME, and
 * what lives under them) and converts them back to desired state that plans as "No changes".
 * No CLI concerns here: files are returned, not written.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Document, isScalar, visit } from 'yaml';
import { DEFAULT_GAAP_SETTINGS } from '../config/build-stack.js';
import type { GaapSectionV1 } from '../config/desired-file-types.js';
import { loadStack } from '../config/load-stack.js';
import { EdgeformError } from '../core/errors.js';
import type { EventSink } from '../core/event-types.js';
import { nullSink } from '../core/null-sink.js';
import type {
  GaapDesired,
  L7DomainDesired,
  L7ListenerDesired,
  ProxyDesired,
  RuleDesired,
} from '../model/gaap-desired-types.js';
import type { GaapSettings } from '../model/stack-types.js';
import type {
  ExportContext,
  ExportSection,
  GaapKindModule,
  ReadContext,
} from '../providers/gaap/engine/kind-module.js';
import {
  liveOfKind,
  NAME_TAG,
  ownershipTags,
  STACK_TAG,
  tagValue,
} from '../providers/gaap/engine/kind-module.js';
import type { LiveNode } from '../providers/gaap/engine/node-types.js';
import type { GaapCaller, GaapClient } from '../providers/gaap/gaap-client.js';
import { GaapProvider } from '../providers/gaap/gaap-provider.js';
import { CERT_DIR, CERTIFICATE } from '../providers/gaap/kinds/certificate.js';
import { nameIn } from '../providers/gaap/kinds/common.js';
import { GLOBAL_DOMAIN } from '../providers/gaap/kinds/global-domain.js';
import { liveDomainSets } from '../providers/gaap/kinds/l7-domain.js';
import { PROXY } from '../providers/gaap/kinds/proxy.js';
import { PROXY_GROUP } from '../providers/gaap/kinds/proxy-group.js';
import { REAL_SERVER } from '../providers/gaap/kinds/real-server.js';
import { GAAP_KINDS } from '../providers/gaap/kinds/registry.js';
import { liveTagAttrs } from '../providers/gaap/kinds/tagging.js';
import { listAll } from '../providers/gaap/paging.js';
import { type GaapTagPrefix, gaapResourceName, modifyResourceTags } from '../providers/gaap/tag-api.js';
import { assertStackName } from './export-baishan.js';
import { EXAMPLE_STYLE } from './yaml-style.js';

export interface GaapExportOptions {
  stack: string;
  /** Provider settings (region, endpoint) the stack reads with. */
  settings?: GaapSettings;
  events?: EventSink;
  /**
   * Also export the objects no stack owns (hand-made, or another tool's), each root bound to the
   * stack with `adopt: <id>`, so the file plans to "No changes" and manages them from then on.
   */
  adopt?: boolean;
}

/** A file the YAML references by `{file: path}` (path relative to the YAML file). */
export interface ExportedFile {
  path: string;
  content: string;
}

/** A certificate key: referenced as `{env: variable}`; its value is never kept. */
export interface ExportedCertKey {
  variable: string;
  certificate: string;
}

/** An object in the account that no stack owns: named on stderr, never written. */
export interface UnownedObject {
  kind: 'proxy' | 'proxy group' | 'real server' | 'global domain' | 'certificate';
  id: string;
  name: string;
  /**
   * The live name its logical name is made from when that is not `name`: a real server's
   * RealServerName (`name` is its address, what identifies it in a listing).
   */
  keyFrom?: string;
}

/** A root `--adopt` bound to the stack (`adopt: <id>` under `name`). */
export interface AdoptedObject {
  kind: UnownedObject['kind'];
  id: string;
  /** Its logical name in the exported file. */
  name: string;
  /**
   * `tagged`: this export tagged it as the stack's (ModifyResourceTags); `failed`: that call failed
   * (a warning says why); `bound`: a certificate, which takes no tags (the binding is its identity).
   */
  ownership: 'tagged' | 'failed' | 'bound';
}

export interface GaapExport {
  stack: string;
  /** The `gaap:` section. */
  gaap: GaapSectionV1;
  files: ExportedFile[];
  secrets: ExportedCertKey[];
  unowned: UnownedObject[];
  /** With --adopt: the roots bound to the stack. */
  adopted: AdoptedObject[];
  /** Things the user should know; never a secret value. */
  warnings: string[];
  /** Objects read for the stack (every kind). */
  objects: number;
  calls: number;
}

export async function exportGaap(client: () => GaapClient, opts: GaapExportOptions): Promise<GaapExport> {
  const { stack } = opts;
  assertStackName(stack);
  const events = opts.events ?? nullSink;
  const unownedBefore = opts.adopt ? await findUnowned(client(), stack) : [];
  const adoption = adoptionModel(unownedBefore);
  const provider = new GaapProvider(
    {
      stack,
      gaap: opts.adopt ? adoption.model : null,
      settings: { gaap: opts.settings ?? DEFAULT_GAAP_SETTINGS },
    },
    client,
    process.cwd(),
    { planChecks: false },
    GAAP_KINDS.map((k) => (k.export.readsDeclaredOnly ? declaringEverything(k) : k)),
  );
  const live = await provider.read({ events });
  const nodes = live.data.nodes;
  const warnings: string[] = [];
  const busy = nodes.filter((n) => n.busy);
  if (busy.length > 0) {
    warnings.push(
      `in a transitional state, exported as read: ${busy.map((n) => `${n.address} (${n.busy})`).join(', ')}; export again once they settle`,
    );
  }
  const declared = await declare(nodes, client(), warnings);
  bindAdopted(declared.gaap, adoption.ids);
  const unowned = opts.adopt
    ? unownedBefore.filter((o) => !adoption.adopted.has(o.id))
    : await findUnowned(client(), stack);
  const out: GaapExport = {
    stack,
    gaap: declared.gaap,
    files: declared.files,
    secrets: declared.secrets,
    unowned,
    adopted: [],
    warnings,
    objects: nodes.length,
    calls: live.calls + declared.calls + 5,
  };
  selfCheck(out);
  if (opts.adopt) {
    const certs = [...(adoption.ids.get('certificates') ?? [])];
    if (certs.length > 0) {
      const uses = await certificateUsesByOtherStacks(client(), stack);
      out.calls += uses.calls;
      for (const [name, id] of certs) {
        const use = uses.byCertificate.get(id);
        if (use) {
          warnings.push(
            `gaap.certificates.${name} (adopt: ${id}) is used by ${use}: certificates take no tags, so nothing marks it as that stack's, and both stacks now manage it (new content in either replaces it and deletes the original while the other still uses it; GAAP refuses to delete a certificate in use, so that apply fails); give each stack a certificate of its own before changing its content`,
          );
        }
      }
    }
    const region = opts.settings?.region ?? '';
    out.adopted = await takeOwnership(client(), { stack, region }, nodes, adoption.ids, warnings);
    out.calls += out.adopted.filter((a) => a.ownership !== 'bound').length;
  }
  return out;
}

const ROOT_TYPE: Record<AdoptSection, { type: string; kind: UnownedObject['kind']; tag?: GaapTagPrefix }> = {
  proxies: { type: PROXY, kind: 'proxy', tag: 'proxy' },
  proxyGroups: { type: PROXY_GROUP, kind: 'proxy group', tag: 'group' },
  realServers: { type: REAL_SERVER, kind: 'real server', tag: 'realServer' },
  globalDomains: { type: GLOBAL_DOMAIN, kind: 'global domain', tag: 'domain' },
  certificates: { type: CERTIFICATE, kind: 'certificate' },
};

/**
 * `--adopt` takes ownership as its one write: each adopted taggable root gets the stack's
 * ownership tags (the Tag API's ModifyResourceTags, as the first apply would otherwise make), so
 * the exported file plans to "No changes." and a plan that says so writes nothing. Tags edgeform
 * does not own, and the protect tag, are left as they are. A failed call (say, credentials without
 * tag:ModifyResourceTags) is a warning, not an error: the binding stays in the file, and the first
 * plan then shows that root's `~ ownership` update.
 */
async function takeOwnership(
  client: GaapCaller,
  { stack, region }: { stack: string; region: string },
  nodes: readonly LiveNode[],
  ids: ReadonlyMap<AdoptSection, ReadonlyMap<string, string>>,
  warnings: string[],
): Promise<AdoptedObject[]> {
  const roots = [...ids].flatMap(([section, names]) =>
    [...names].map(([name, id]) => ({ ...ROOT_TYPE[section], name, id })),
  );
  const failures: string[] = [];
  const adopted = await Promise.all(
    roots.map(async ({ type, kind, tag, name, id }): Promise<AdoptedObject> => {
      const node = nodes.find((n) => n.type === type && n.id === id && n.parent === undefined);
      const owned = liveTagAttrs(ownershipTags(stack, name)).ownership;
      if (!node || !tag || node.attrs.ownership === owned) return { kind, id, name, ownership: 'bound' };
      try {
        await modifyResourceTags(client, {
          Resource: gaapResourceName(tag, id, region),
          ReplaceTags: ownershipTags(stack, name),
        });
        return { kind, id, name, ownership: 'tagged' };
      } catch (e) {
        failures.push(`${kind} ${id} (${e instanceof Error ? e.message : String(e)})`);
        return { kind, id, name, ownership: 'failed' };
      }
    }),
  );
  if (failures.length > 0) {
    warnings.push(
      `could not tag ${failures.length} adopted object${failures.length === 1 ? '' : 's'} as the stack's: ${failures.join('; ')}; their \`adopt:\` bindings are in the file, and the first apply tags them (the plan shows \`~ ownership\`)`,
    );
  }
  return adopted;
}

type AdoptSection = 'proxies' | 'proxyGroups' | 'realServers' | 'certificates' | 'globalDomains';

const SECTION_OF: Record<UnownedObject['kind'], AdoptSection> = {
  proxy: 'proxies',
  'proxy group': 'proxyGroups',
  'real server': 'realServers',
  certificate: 'certificates',
  'global domain': 'globalDomains',
};

/**
 * A model that adopts every unowned root under a logical name made from its live name (lower
 * case, `-` for anything else, a number against collisions; a real server's RealServerName when
 * no other unowned real server shares it, else its address): reading with it brings them and
 * everything under them in, exactly as a plan of the exported file will.
 */
function adoptionModel(unowned: readonly UnownedObject[]): {
  model: GaapDesired;
  /** section → logical name → live ID. */
  ids: Map<AdoptSection, Map<string, string>>;
  adopted: Set<string>;
} {
  const ids = new Map<AdoptSection, Map<string, string>>();
  const model: Record<string, Record<string, { adopt: string }>> = {};
  const adopted = new Set<string>();
  // A live name shared by several objects of a kind names none of them: each falls back to `name`.
  const shared = new Map<string, number>();
  for (const o of unowned) {
    const key = o.keyFrom === undefined ? '' : `${o.kind}\0${slug(o.keyFrom)}`;
    if (key) shared.set(key, (shared.get(key) ?? 0) + 1);
  }
  for (const o of unowned) {
    const section = SECTION_OF[o.kind];
    const names = ids.get(section) ?? new Map<string, string>();
    ids.set(section, names);
    const preferred = o.keyFrom === undefined ? '' : slug(o.keyFrom);
    const base =
      (preferred && shared.get(`${o.kind}\0${preferred}`) === 1 ? preferred : slug(o.name)) ||
      o.id.toLowerCase().replace(/[^a-z0-9-]/g, '');
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base}-${n}`;
    names.set(name, o.id);
    model[section] = { ...model[section], [name]: { adopt: o.id } };
    adopted.add(o.id);
  }
  return { model: model as GaapDesired, ids, adopted };
}

/** A logical name made from a live name: lower case, `-` for anything else, at most 50 characters. */
function slug(liveName: string): string {
  return liveName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
}

/** Writes `adopt: <id>` into every exported root that was adopted (first key, so it stands out). */
function bindAdopted(gaap: GaapSectionV1, ids: Map<AdoptSection, Map<string, string>>): void {
  for (const [section, names] of ids) {
    const map = gaap[section] as Record<string, object> | undefined;
    if (!map) continue;
    for (const [name, id] of names) {
      const declared = map[name];
      if (declared) map[name] = { adopt: id, ...declared };
    }
  }
}

/**
 * Some kinds (rule headers, error pages) are read only where the model declares them (they are
 * managed only there). Export wants all of them: those kinds read with a model declaring every
 * live domain and rule, each kind declaring itself on them (`export.readsDeclaredOnly`), built
 * from the DescribeRules answers the domain kind already fetched (no extra call).
 */
function declaringEverything(kind: GaapKindModule): GaapKindModule {
  const declaredOnly = GAAP_KINDS.flatMap((k) =>
    k.export.readsDeclaredOnly ? [k.export.readsDeclaredOnly] : [],
  );
  return {
    ...kind,
    read: async (ctx: ReadContext) => {
      const proxies: Record<string, ProxyDesired> = {};
      const listeners = new Map<string, L7ListenerDesired>();
      for (const { listener, domain } of await liveDomainSets(ctx)) {
        const proxy = nameIn(listener.parent ?? '');
        let l = listeners.get(listener.address);
        if (!l) {
          l = {
            protocol: listener.raw.protocol,
            port: listener.raw.port,
            domains: [],
          };
          listeners.set(listener.address, l);
          proxies[proxy] ??= { accessRegion: '', bandwidth: 0, concurrent: 0, listeners: [] };
          proxies[proxy].listeners?.push(l);
        }
        const rules = (domain.RuleSet ?? []).map((r) => {
          const rule: RuleDesired = { path: r.Path };
          for (const d of declaredOnly) d.onRule?.(rule);
          return rule;
        });
        const declared: L7DomainDesired = { domain: domain.Domain, rules };
        for (const d of declaredOnly) d.onDomain?.(declared);
        l.domains?.push(declared);
      }
      return kind.read({ ...ctx, model: { proxies } });
    },
  };
}

const isNum = (v: unknown): v is number => typeof v === 'number';

/**
 * The `gaap:` maps in the order people read them (shared objects first), then any other root
 * kind's in registry order; the walk goes the same way.
 */
const SECTIONS: readonly ExportSection[] = [
  ...new Set<ExportSection>([
    'realServers',
    'certificates',
    'proxyGroups',
    'proxies',
    'globalDomains',
    ...GAAP_KINDS.flatMap((k) => (k.export.section ? [k.export.section] : [])),
  ]),
];

interface Declared {
  gaap: GaapSectionV1;
  files: ExportedFile[];
  secrets: ExportedCertKey[];
  calls: number;
}

/**
 * Converts the live tree back to declarations. Each kind says how in its own `export`
 * (providers/gaap/kinds/); this walk only places the results: roots under their logical names,
 * sorted, each child into its parent's declaration, parents first and children in registry order.
 * The files the declarations reference are read last, one call each.
 */
async function declare(
  nodes: readonly LiveNode[],
  client: GaapCaller,
  warnings: string[],
): Promise<Declared> {
  const byAddress = new Map(nodes.map((n) => [n.address, n]));
  const kindOf = new Map(GAAP_KINDS.map((k) => [k.handler.type, k]));
  const rank = new Map(GAAP_KINDS.map((k, i) => [k.handler.type, i]));
  const children = new Map<string, LiveNode[]>();
  for (const n of nodes) {
    if (n.parent) children.set(n.parent, [...(children.get(n.parent) ?? []), n]);
  }
  const reads: { path: string; read: (client: GaapCaller) => Promise<string> }[] = [];
  const secrets: ExportedCertKey[] = [];
  const ctx: ExportContext = {
    parent: (node, kind) => {
      const parent = node.parent === undefined ? undefined : byAddress.get(node.parent);
      return parent ? liveOfKind(kind, [parent])[0] : undefined;
    },
    warn: (message) => warnings.push(message),
    file: (path, read) => reads.push({ path, read }),
    secret: (variable, certificate) => secrets.push({ variable, certificate }),
  };
  const visit = (kind: GaapKindModule, n: LiveNode): unknown => {
    const declared = kind.export.toDesired(n, ctx);
    if (declared === undefined) return undefined;
    const under = [...(children.get(n.address) ?? [])].sort(
      (x, y) => (rank.get(x.type) ?? 0) - (rank.get(y.type) ?? 0),
    );
    for (const child of under) {
      const childKind = kindOf.get(child.type);
      if (!childKind?.export.attach) continue;
      const d = visit(childKind, child);
      if (d !== undefined) childKind.export.attach(declared, d);
    }
    return declared;
  };

  const sections: Partial<Record<ExportSection, Record<string, unknown>>> = {};
  const projects = new Set<number>();
  for (const section of SECTIONS) {
    const map: Record<string, unknown> = {};
    for (const kind of GAAP_KINDS.filter((k) => k.export.section === section)) {
      for (const n of liveOfKind(kind, nodes)) {
        if (isNum(n.attrs.projectId)) projects.add(n.attrs.projectId);
        const declared = visit(kind, n);
        if (declared !== undefined) map[nameIn(n.address)] = declared;
      }
    }
    const names = Object.keys(map).sort((x, y) => x.localeCompare(y));
    if (names.length > 0) sections[section] = Object.fromEntries(names.map((name) => [name, map[name]]));
  }
  const ids = [...projects];
  if (ids.length > 1) {
    warnings.push(
      `the stack's objects are in several projects (${ids.join(', ')}); one projectId (${ids[0]}) is written, so plan will propose moving the others`,
    );
  }
  // Each root kind's export returns its section's declaration type.
  const gaap = {
    ...(ids[0] !== undefined && ids[0] !== 0 ? { projectId: ids[0] } : {}),
    ...sections,
  } as GaapSectionV1;
  const files: ExportedFile[] = [];
  for (const { path, read } of reads) files.push({ path, content: await read(client) });
  return { gaap, files, secrets, calls: reads.length };
}

/**
 * Objects without edgeform's tags (certificates: without an ef.* alias): made by hand or by
 * another tool. Without --adopt they are named, never exported (YAML declaring them without a
 * binding would create duplicates next to them); with --adopt each is exported with
 * `adopt: <id>`. Objects tagged for another stack are that stack's.
 */
async function findUnowned(client: GaapCaller, stack: string): Promise<UnownedObject[]> {
  const untagged = (tags: { TagKey: string; TagValue: string }[] | null | undefined) =>
    tagValue(tags, STACK_TAG) === undefined || tagValue(tags, NAME_TAG) === undefined;
  const [proxies, groups, servers, domains, certs] = await Promise.all([
    listAll(client, 'DescribeProxies', {}, 'ProxySet'),
    listAll(client, 'DescribeProxyGroupList', { ProjectId: -1 }, 'ProxyGroupList'),
    listAll(client, 'DescribeRealServers', { ProjectId: -1 }, 'RealServerSet'),
    listAll(client, 'DescribeGlobalDomains', { ProjectId: -1 }, 'Domains'),
    listAll(client, 'DescribeCertificates', {}, 'CertificateSet'),
  ]);
  const groupIds = new Set(groups.filter((g) => untagged(g.TagSet)).map((g) => g.GroupId));
  return [
    ...groups
      .filter((g) => untagged(g.TagSet))
      .map((g) => ({ kind: 'proxy group' as const, id: g.GroupId, name: g.GroupName })),
    // A hand-made group's own access-region proxies are part of it, not objects of their own.
    ...proxies
      .filter((p) => untagged(p.TagSet) && !(p.GroupId && groupIds.has(p.GroupId)))
      .map((p) => ({ kind: 'proxy' as const, id: p.ProxyId || p.InstanceId, name: p.ProxyName })),
    ...servers
      .filter((s) => untagged(s.TagSet))
      .map((s) => ({
        kind: 'real server' as const,
        id: s.RealServerId,
        name: s.RealServerIP,
        // NOTE: named from its RealServerName when it has one no other unowned server shares
        // (a hand-made `web-origin` is exported as `web-origin`), else from its address.
        ...(s.RealServerName ? { keyFrom: s.RealServerName } : {}),
      })),
    ...domains
      .filter((d) => untagged(d.TagSet))
      .map((d) => ({ kind: 'global domain' as const, id: d.DomainId, name: d.Alias ?? '' })),
    // Certificates take no tags: edgeform's are those named ef.<stack>.<name>.
    ...certs
      .filter((c) => !c.CertificateAlias?.startsWith('ef.'))
      .map((c) => ({ kind: 'certificate' as const, id: c.CertificateId, name: c.CertificateAlias ?? '' })),
  ].filter((o) => o.id !== '' && !(o.kind === 'certificate' && o.name.startsWith(`ef.${stack}.`)));
}

/**
 * NOTE: a certificate takes no tags, so one another stack adopted (keeping its own alias) looks
 * unowned here. The sound signal left is use: an HTTPS listener of a proxy tagged for another
 * stack that names it (server, client CA) is that stack's, and so is the certificate. Read only
 * when export --adopt adopts certificates: one DescribeProxies, then the HTTPS listeners of each
 * other stack's proxy. Not seen: a certificate that stack uses only on a domain, or not at all.
 */
async function certificateUsesByOtherStacks(
  client: GaapCaller,
  stack: string,
): Promise<{ byCertificate: Map<string, string>; calls: number }> {
  const proxies = (await listAll(client, 'DescribeProxies', {}, 'ProxySet')).filter((p) => {
    const owner = tagValue(p.TagSet, STACK_TAG);
    return owner !== undefined && owner !== stack;
  });
  const byCertificate = new Map<string, string>();
  const listeners = await Promise.all(
    proxies.map((p) =>
      listAll(client, 'DescribeHTTPSListeners', { ProxyId: p.ProxyId || p.InstanceId }, 'ListenerSet'),
    ),
  );
  proxies.forEach((p, i) => {
    for (const l of listeners[i] ?? []) {
      const use = `HTTPS listener ${l.ListenerId} of proxy ${p.ProxyId || p.InstanceId}, which stack ${tagValue(p.TagSet, STACK_TAG)} owns`;
      const ids = [
        l.CertificateId,
        l.ClientCertificateId,
        ...(l.PolyClientCertificateAliasInfo ?? []).map((c) => c.CertificateId),
      ];
      for (const id of ids) if (id && !byCertificate.has(id)) byCertificate.set(id, use);
    }
  });
  return { byCertificate, calls: 1 + proxies.length };
}

/**
 * Loads the `gaap:` section the way `edgeform validate` would (its certificate files written to a
 * scratch directory, placeholder key variables): an invalid file is a bug, never handed out.
 */
function selfCheck(e: GaapExport): void {
  const dir = mkdtempSync(join(tmpdir(), 'edgeform-export-gaap-'));
  try {
    for (const f of e.files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const file = join(dir, 'exported.yaml');
    writeFileSync(file, JSON.stringify({ version: 1, stack: e.stack, gaap: e.gaap }));
    const env: NodeJS.ProcessEnv = {};
    for (const s of e.secrets) env[s.variable] = 'placeholder';
    const { diagnostics } = loadStack([file], { cwd: dir, env });
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      throw new EdgeformError({
        code: 'EXPORT_INVALID_OUTPUT',
        source: 'internal',
        message: 'the exported GAAP section does not validate',
        details: errors.map((d) => `${d.path}: ${d.message}`),
        resolution: 'This is a bug in edgeform. Re-run with --debug and report the output.',
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RenderOptions {
  stack: string;
  schemaRef?: string;
  gaap?: GaapExport;
  /** The `baishan:` section of a Baishan export, and the variables its secrets need. */
  baishan?: { section: unknown; variables: string[]; domains: number };
}

/** One stack file: the schema line, what was exported, the variables to set, then the YAML. */
export function renderStackYaml(opts: RenderOptions): string {
  const body: Record<string, unknown> = { version: 1, stack: opts.stack };
  if (opts.gaap) body.gaap = opts.gaap.gaap;
  if (opts.baishan) body.baishan = opts.baishan.section;
  const doc = new Document(body);
  visit(doc, {
    ...EXAMPLE_STYLE,
    Map(_key, node) {
      // Short maps of scalars on one line, as the examples write bindings and references.
      if (node.items.length === 0 || !node.items.every((p) => isScalar(p.value))) return;
      const text = node.items.reduce<number>(
        (n, p) => n + scalarText(p.key).length + scalarText(p.value).length + 4,
        0,
      );
      if (text <= 90) node.flow = true;
    },
  });
  const lines: string[] = [];
  if (opts.schemaRef) lines.push(`# yaml-language-server: $schema=${opts.schemaRef}`, '#');
  const what: string[] = [];
  if (opts.gaap) {
    what.push(
      `the GAAP objects of stack ${opts.stack} (tagged edgeform:stack=${opts.stack}, and what lives under them)`,
    );
  }
  if (opts.baishan) {
    what.push(
      `the live configuration of ${opts.baishan.domains} Baishan domain${opts.baishan.domains === 1 ? '' : 's'}`,
    );
  }
  lines.push(
    `# Written by \`edgeform export\` from ${what.join(' and ')}.`,
    '# `edgeform plan -f THIS_FILE` should say "No changes."',
  );
  if (opts.gaap && opts.gaap.files.length > 0) {
    lines.push(`# Certificate contents are in ${CERT_DIR}/ next to this file.`);
  }
  const vars = [
    ...new Set([...(opts.gaap?.secrets.map((s) => s.variable) ?? []), ...(opts.baishan?.variables ?? [])]),
  ];
  if (vars.length > 0) {
    lines.push(
      '#',
      '# Secrets are not in this file. Set these environment variables before plan or apply:',
      ...vars.map((v) => `#   ${v}`),
    );
  }
  return `${lines.join('\n')}\n${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
}

const scalarText = (n: unknown) => String(isScalar(n) ? n.value : '');
