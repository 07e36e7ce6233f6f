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
import { nullSink } from '../core/event-types.js';
import type {
  BindingDesired,
  CertificateType,
  GaapDesired,
  HealthCheckL4,
  L4ListenerDesired,
  L7DomainDesired,
  L7ListenerDesired,
  ListenerDesired,
  ProxyDesired,
} from '../model/gaap-desired-types.js';
import type { GaapSettings } from '../model/stack-types.js';
import type { GaapKindModule, ReadContext } from '../providers/gaap/engine/kind-module.js';
import { liveOfKind, NAME_TAG, STACK_TAG, tagValue } from '../providers/gaap/engine/kind-module.js';
import type { LiveNode } from '../providers/gaap/engine/node-types.js';
import type { GaapCaller, GaapClient } from '../providers/gaap/gaap-client.js';
import { GaapProvider } from '../providers/gaap/gaap-provider.js';
import { certificateKind } from '../providers/gaap/kinds/certificate.js';
import { errorPageKind } from '../providers/gaap/kinds/error-page.js';
import { globalDnsKind } from '../providers/gaap/kinds/global-dns.js';
import { globalDomainKind } from '../providers/gaap/kinds/global-domain.js';
import { type L4ListenerRaw, l4ListenerKind } from '../providers/gaap/kinds/l4-listener.js';
import {
  type DomainRaw,
  LISTENER_DEFAULT,
  l7DomainKind,
  liveDomainSets,
} from '../providers/gaap/kinds/l7-domain.js';
import { type L7ListenerRaw, l7ListenerKind } from '../providers/gaap/kinds/l7-listener.js';
import { proxyKind } from '../providers/gaap/kinds/proxy.js';
import { proxyGroupKind } from '../providers/gaap/kinds/proxy-group.js';
import { realServerKind } from '../providers/gaap/kinds/real-server.js';
import { GAAP_KINDS } from '../providers/gaap/kinds/registry.js';
import { ruleKind } from '../providers/gaap/kinds/rule.js';
import { securityPolicyKind } from '../providers/gaap/kinds/security-policy.js';
import { securityRuleKind } from '../providers/gaap/kinds/security-rule.js';
import { listAll } from '../providers/gaap/paging.js';
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
}

export interface GaapExport {
  stack: string;
  /** The `gaap:` section. */
  gaap: GaapSectionV1;
  files: ExportedFile[];
  secrets: ExportedCertKey[];
  unowned: UnownedObject[];
  /** Things the user should know; never a secret value. */
  warnings: string[];
  /** Objects read for the stack (every kind). */
  objects: number;
  calls: number;
}

/** Where certificate contents land, relative to the YAML file. */
export const CERT_DIR = 'certs';

/** `EDGEFORM_CERT_<NAME>_KEY`, e.g. EDGEFORM_CERT_SHOP_TLS_KEY. */
export function certKeyVariable(name: string): string {
  return `EDGEFORM_CERT_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_KEY`;
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
    GAAP_KINDS.map((k) => (k === ruleKind || k === errorPageKind ? declaringEverything(k) : k)),
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
  const converter = new Converter(nodes, warnings);
  const gaap = converter.convert();
  const certs = await converter.certificates(client());
  if (certs.certificates) gaap.certificates = certs.certificates;
  bindAdopted(gaap, adoption.ids);
  markProtected(gaap, nodes);
  const unowned = opts.adopt
    ? unownedBefore.filter((o) => !adoption.adopted.has(o.id))
    : await findUnowned(client(), stack);
  const out: GaapExport = {
    stack,
    gaap: order(gaap),
    files: certs.files,
    secrets: certs.secrets,
    unowned,
    warnings,
    objects: nodes.length,
    calls: live.calls + certs.calls + 5,
  };
  selfCheck(out);
  return out;
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
 * case, `-` for anything else, a number against collisions): reading with it brings them and
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
  for (const o of unowned) {
    const section = SECTION_OF[o.kind];
    const names = ids.get(section) ?? new Map<string, string>();
    ids.set(section, names);
    const base =
      o.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 50) || o.id.toLowerCase().replace(/[^a-z0-9-]/g, '');
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base}-${n}`;
    names.set(name, o.id);
    model[section] = { ...model[section], [name]: { adopt: o.id } };
    adopted.add(o.id);
  }
  return { model: model as GaapDesired, ids, adopted };
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

/** Roots whose live object carries `edgeform:protect=true` are written `protect: true`. */
function markProtected(gaap: GaapSectionV1, nodes: readonly LiveNode[]): void {
  const sectionOf: Record<string, AdoptSection> = {
    [proxyKind.handler.type]: 'proxies',
    [proxyGroupKind.handler.type]: 'proxyGroups',
    [realServerKind.handler.type]: 'realServers',
    [globalDomainKind.handler.type]: 'globalDomains',
  };
  for (const n of nodes) {
    const section = sectionOf[n.type];
    const map = section ? (gaap[section] as Record<string, object> | undefined) : undefined;
    const declared = map?.[nameIn(n.address)];
    if (map && declared && n.protect) map[nameIn(n.address)] = { ...declared, protect: true };
  }
}

/**
 * Rule headers and error pages are read only where the model declares them (they are managed only
 * there). Export wants all of them: the kind reads with a model declaring every live domain and
 * rule, built from the DescribeRules answers the domain kind already fetched (no extra call).
 */
function declaringEverything(kind: GaapKindModule): GaapKindModule {
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
        l.domains?.push({
          domain: domain.Domain,
          errorPages: [],
          rules: (domain.RuleSet ?? []).map((r) => ({ path: r.Path, headers: [] })),
        });
      }
      return kind.read({ ...ctx, model: { proxies } });
    },
  };
}

/** The logical name in an address's last `["..."]`. */
function nameIn(address: string): string {
  return /^gaap\.[a-z_]+\["([^"]+)"\]/.exec(address)?.[1] ?? address;
}

/** `gaap.real_server["x"]` → `x`; undefined when the object is not the stack's (`id:...`). */
function logicalName(address: unknown, kind: string): string | undefined {
  if (typeof address !== 'string') return undefined;
  const m = new RegExp(`^gaap\\.${kind}\\["([^"@]+)"\\]$`).exec(address);
  return m?.[1];
}

const isNum = (v: unknown): v is number => typeof v === 'number';
const isStr = (v: unknown): v is string => typeof v === 'string';

interface BindingAttrLive {
  realServer: string;
  port: number;
  weight: number;
  role?: string;
}

class Converter {
  readonly #nodes: LiveNode[];
  readonly #warnings: string[];
  readonly #children = new Map<string, LiveNode[]>();
  readonly #projects = new Set<number>();

  constructor(nodes: LiveNode[], warnings: string[]) {
    this.#nodes = nodes;
    this.#warnings = warnings;
    for (const n of nodes) {
      if (n.parent) this.#children.set(n.parent, [...(this.#children.get(n.parent) ?? []), n]);
    }
  }

  #of<Raw>(kind: GaapKindModule<unknown, Raw>): LiveNode<Raw>[] {
    return liveOfKind(kind, this.#nodes);
  }

  #under<Raw>(parent: string, kind: GaapKindModule<unknown, Raw>): LiveNode<Raw>[] {
    return liveOfKind(kind, this.#children.get(parent) ?? []);
  }

  #project(n: LiveNode): void {
    if (isNum(n.attrs.projectId)) this.#projects.add(n.attrs.projectId);
  }

  convert(): GaapSectionV1 {
    const out: GaapSectionV1 = {};
    const realServers = this.#of(realServerKind);
    if (realServers.length > 0) {
      out.realServers = {};
      for (const n of realServers) {
        const name = nameIn(n.address);
        this.#project(n);
        out.realServers[name] = {
          address: String(n.attrs.address),
          ...(n.attrs.name !== name ? { name: String(n.attrs.name) } : {}),
        };
      }
    }
    const groups = this.#of(proxyGroupKind);
    if (groups.length > 0) {
      out.proxyGroups = {};
      for (const n of groups) {
        const name = nameIn(n.address);
        this.#project(n);
        this.#warnings.push(
          `${n.address}: its access regions, IP version and package type are not returned by the API (nor compared afterwards); declare them by hand for the file to recreate the group`,
        );
        out.proxyGroups[name] = {
          ...(n.attrs.name !== name ? { name: String(n.attrs.name) } : {}),
          realServerRegion: String(n.attrs.realServerRegion),
        };
      }
    }
    const proxies = this.#of(proxyKind);
    if (proxies.length > 0) {
      out.proxies = {};
      for (const n of proxies) out.proxies[nameIn(n.address)] = this.#proxy(n);
    }
    const domains = this.#of(globalDomainKind);
    if (domains.length > 0) {
      out.globalDomains = {};
      for (const n of domains) {
        const name = nameIn(n.address);
        this.#project(n);
        const dns = this.#under(n.address, globalDnsKind).flatMap((r) => {
          const proxyNames = (r.attrs.proxies as string[]).map((p) => logicalName(p, 'proxy'));
          if (proxyNames.some((p) => p === undefined)) {
            this.#warnings.push(
              `${r.address}: points at a proxy the stack does not own (${(r.attrs.proxies as string[]).join(', ')}); left out, so plan will propose deleting it`,
            );
            return [];
          }
          return [{ proxies: proxyNames as string[], countries: r.attrs.countries as string[] }];
        });
        out.globalDomains[name] = {
          defaultValue: String(n.attrs.defaultValue),
          ...(n.attrs.alias !== name ? { alias: String(n.attrs.alias) } : {}),
          ...(n.attrs.enabled === false ? { enabled: false } : {}),
          ...(dns.length > 0 ? { dns } : {}),
        };
      }
    }
    const projects = [...this.#projects];
    if (projects.length > 1) {
      this.#warnings.push(
        `the stack's objects are in several projects (${projects.join(', ')}); one projectId (${projects[0]}) is written, so plan will propose moving the others`,
      );
    }
    if (projects[0] !== undefined && projects[0] !== 0) out.projectId = projects[0];
    return out;
  }

  #proxy(n: LiveNode): ProxyDesired {
    const name = nameIn(n.address);
    this.#project(n);
    const a = n.attrs;
    const group = a.group === null ? undefined : logicalName(a.group, 'proxy_group');
    if (a.group !== null && group === undefined) {
      this.#warnings.push(
        `${n.address}: its proxy group ${String(a.group)} is not owned by the stack; written with its origin region instead`,
      );
    }
    const listeners: ListenerDesired[] = [
      ...this.#under(n.address, l4ListenerKind).map((l) => this.#l4(l)),
      ...this.#under(n.address, l7ListenerKind).map((l) => this.#l7(l)),
    ].sort((x, y) => protocolRank(x.protocol) - protocolRank(y.protocol) || portOf(x) - portOf(y));
    const policy = this.#under(n.address, securityPolicyKind)[0];
    return {
      ...(a.name !== name ? { name: String(a.name) } : {}),
      accessRegion: String(a.accessRegion),
      ...(group ? { group } : { realServerRegion: String(a.realServerRegion) }),
      bandwidth: Number(a.bandwidth),
      concurrent: Number(a.concurrent),
      ...(a.ipVersion !== 'IPv4' ? { ipVersion: a.ipVersion as 'IPv6' } : {}),
      ...(isStr(a.networkType) ? { networkType: a.networkType as 'normal' } : {}),
      ...(a.packageType !== 'Thunder' ? { packageType: a.packageType as 'Accelerator' } : {}),
      ...(a.billingType !== 0 ? { billingType: a.billingType as 0 | 1 } : {}),
      ...(listeners.length > 0 ? { listeners } : {}),
      ...(policy ? { securityPolicy: this.#policy(policy) } : {}),
    };
  }

  #bindings(owner: string, bindings: unknown): BindingDesired[] | undefined {
    const list = (bindings ?? []) as BindingAttrLive[];
    if (list.length === 0) return undefined;
    const out: BindingDesired[] = [];
    for (const b of list) {
      const rs = logicalName(b.realServer, 'real_server');
      if (!rs) {
        this.#warnings.push(
          `${owner}: binds a real server the stack does not own (${b.realServer}); left out of its bindings, so plan will propose unbinding it`,
        );
        continue;
      }
      out.push({
        realServer: rs,
        port: b.port,
        ...(b.weight !== 1 ? { weight: b.weight } : {}),
        ...(b.role && b.role !== 'master' ? { role: b.role as 'slave' } : {}),
      });
    }
    return out.sort((x, y) => x.realServer.localeCompare(y.realServer) || x.port - y.port);
  }

  #l4(n: LiveNode<L4ListenerRaw>): L4ListenerDesired {
    const a = n.attrs;
    const { protocol, port } = n.raw;
    const healthCheck: HealthCheckL4 | undefined =
      a.healthCheck === 1
        ? {
            enabled: true,
            ...(isNum(a.delayLoop) ? { delayLoop: a.delayLoop } : {}),
            ...(isNum(a.connectTimeout) ? { connectTimeout: a.connectTimeout } : {}),
            ...(isNum(a.healthyThreshold) ? { healthyThreshold: a.healthyThreshold } : {}),
            ...(isNum(a.unhealthyThreshold) ? { unhealthyThreshold: a.unhealthyThreshold } : {}),
            ...(a.checkType === 'PORT' || a.checkType === 'PING' ? { checkType: a.checkType } : {}),
            ...(isNum(a.checkPort) ? { checkPort: a.checkPort } : {}),
            ...(a.contextType === 'TEXT' ? { contextType: a.contextType } : {}),
            ...(isStr(a.sendContext) ? { sendContext: a.sendContext } : {}),
            ...(isStr(a.recvContext) ? { recvContext: a.recvContext } : {}),
          }
        : undefined;
    const realServers = this.#bindings(n.address, a.realServers);
    return {
      protocol,
      port,
      ...(a.name !== `${protocol.toLowerCase()}-${port}` ? { name: String(a.name) } : {}),
      ...(a.scheduler !== 'rr' ? { scheduler: a.scheduler as 'wrr' } : {}),
      ...(a.realServerType !== 'IP' ? { realServerType: a.realServerType as 'DOMAIN' } : {}),
      ...(healthCheck ? { healthCheck } : {}),
      ...(protocol === 'TCP' && isNum(a.clientIpMethod) && a.clientIpMethod !== 0
        ? { clientIpMethod: a.clientIpMethod as 1 }
        : {}),
      ...(a.failover === 1 ? { failover: true } : {}),
      ...(realServers ? { realServers } : {}),
    };
  }

  #cert(owner: string, address: unknown): string | undefined {
    const name = logicalName(address, 'certificate');
    if (!name) {
      this.#warnings.push(
        `${owner}: uses a certificate the stack does not own (${String(address)}); left out, so plan will propose changing it`,
      );
    }
    return name;
  }

  #certs(owner: string, addresses: unknown): string[] {
    return (Array.isArray(addresses) ? addresses : []).flatMap((c) => this.#cert(owner, c) ?? []);
  }

  #l7(n: LiveNode<L7ListenerRaw>): L7ListenerDesired {
    const a = n.attrs;
    const { protocol, port } = n.raw;
    const https = protocol === 'HTTPS';
    const certificate =
      https && a.certificate !== undefined ? this.#cert(n.address, a.certificate) : undefined;
    const clients = https ? this.#certs(n.address, a.clientCertificates) : [];
    const domains = this.#under(n.address, l7DomainKind).map((d) => this.#domain(d, https, a));
    return {
      protocol,
      port,
      ...(a.name !== `${protocol.toLowerCase()}-${port}` ? { name: String(a.name) } : {}),
      ...(certificate ? { certificate } : {}),
      ...(https ? { forwardProtocol: (a.forwardProtocol ?? 'HTTP') as 'HTTP' | 'HTTPS' } : {}),
      ...(clients.length > 0 ? { clientCertificates: clients } : {}),
      ...(https && a.http3 === 1 ? { http3: true } : {}),
      ...(domains.length > 0 ? { domains } : {}),
    };
  }

  #domain(n: LiveNode<DomainRaw>, https: boolean, listener: Record<string, unknown>): L7DomainDesired {
    const a = n.attrs;
    const certificate =
      https && a.certificate !== LISTENER_DEFAULT ? this.#cert(n.address, a.certificate) : undefined;
    const clients =
      https && Array.isArray(a.clientCertificates) ? this.#certs(n.address, a.clientCertificates) : [];
    const listenerForward = https ? (listener.forwardProtocol ?? 'HTTP') : 'HTTP';
    const rules = this.#under(n.address, ruleKind).map((r) => {
      const x = r.attrs;
      const healthCheck =
        x.healthCheck === 1
          ? defined({
              enabled: true,
              delayLoop: x.delayLoop,
              connectTimeout: x.connectTimeout,
              path: x.checkPath,
              method: x.checkMethod,
              statusCodes: x.statusCodes,
              domain: x.checkDomain,
            })
          : undefined;
      const realServers = this.#bindings(r.address, x.realServers);
      const headers = (x.headers ?? []) as { name: string; value: string }[];
      return {
        path: r.raw.path,
        ...(x.realServerType !== 'IP' ? { realServerType: x.realServerType as 'DOMAIN' } : {}),
        ...(x.scheduler !== 'rr' ? { scheduler: x.scheduler as 'wrr' } : {}),
        ...(healthCheck ? { healthCheck: healthCheck as { enabled: boolean } } : {}),
        // A rule resolves `default` to the listener's origin protocol: only a different one is its own.
        ...(isStr(x.forwardProtocol) && x.forwardProtocol !== listenerForward
          ? { forwardProtocol: x.forwardProtocol as 'HTTP' | 'HTTPS' }
          : {}),
        ...(isStr(x.forwardHost) && x.forwardHost !== 'default' ? { forwardHost: x.forwardHost } : {}),
        ...(isStr(x.sni) ? { sni: x.sni } : {}),
        ...(isStr(x.forcedRedirect) && x.forcedRedirect !== '' ? { forcedRedirect: x.forcedRedirect } : {}),
        ...(realServers ? { realServers } : {}),
        ...(headers.length > 0 ? { headers } : {}),
      };
    });
    const errorPages = this.#under(n.address, errorPageKind).map((e) => {
      const x = e.attrs;
      const clear = x.clearHeaders as string[];
      const set = x.setHeaders as { name: string; value: string }[];
      return {
        errorCodes: x.errorCodes as number[],
        ...(isNum(x.newErrorCode) ? { newErrorCode: x.newErrorCode } : {}),
        body: String(x.body),
        ...(clear.length > 0 ? { clearHeaders: clear } : {}),
        ...(set.length > 0 ? { setHeaders: set } : {}),
      };
    });
    return {
      domain: n.raw.domain,
      ...(a.isDefaultServer === true ? { isDefaultServer: true } : {}),
      ...(certificate ? { certificate } : {}),
      ...(clients.length > 0 ? { clientCertificates: clients } : {}),
      ...(rules.length > 0 ? { rules } : {}),
      ...(errorPages.length > 0 ? { errorPages } : {}),
    };
  }

  #policy(n: LiveNode): NonNullable<ProxyDesired['securityPolicy']> {
    if (n.attrs.enabled !== true) {
      this.#warnings.push(
        `${n.address}: the policy is closed live; a declared policy is open, so plan will propose opening it`,
      );
    }
    const rules = this.#under(n.address, securityRuleKind).flatMap((r) => {
      if (r.address.includes('#')) {
        this.#warnings.push(
          `${r.address}: a second live rule equal to another once normalised; left out, so plan will propose deleting it`,
        );
        return [];
      }
      const x = r.attrs;
      return [
        {
          ...(x.name ? { name: String(x.name) } : {}),
          cidr: String(x.cidr),
          action: x.action as 'ACCEPT' | 'DROP',
          ...(x.protocol !== 'ALL' ? { protocol: x.protocol as 'TCP' | 'UDP' } : {}),
          ...(x.ports !== 'ALL' ? { ports: String(x.ports) } : {}),
        },
      ];
    });
    return {
      defaultAction: n.attrs.defaultAction as 'ACCEPT' | 'DROP',
      ...(rules.length > 0 ? { rules } : {}),
    };
  }

  /**
   * NOTE: the certificate kind keeps no content in its live node (only fingerprints), so each owned
   * certificate's content is read again here. Its key comes back too and is dropped at once: the
   * file references it as `{env: EDGEFORM_CERT_<NAME>_KEY}`.
   */
  async certificates(client: GaapCaller): Promise<{
    certificates?: GaapSectionV1['certificates'];
    files: ExportedFile[];
    secrets: ExportedCertKey[];
    calls: number;
  }> {
    const nodes = this.#of(certificateKind);
    const files: ExportedFile[] = [];
    const secrets: ExportedCertKey[] = [];
    const certificates: NonNullable<GaapSectionV1['certificates']> = {};
    let calls = 0;
    for (const n of nodes) {
      const name = logicalName(n.address, 'certificate');
      if (!name) {
        this.#warnings.push(
          `${n.address}: a second certificate under the alias ${n.raw.alias} (an interrupted rotation); left out, so plan will propose deleting it`,
        );
        continue;
      }
      const type = n.attrs.type as CertificateType;
      if (!['basic-auth', 'client-ca', 'server', 'origin-ca', 'gaap'].includes(type)) {
        this.#warnings.push(`${n.address}: unknown certificate ${type}; left out`);
        continue;
      }
      calls++;
      const detail = (await client.call('DescribeCertificateDetail', { CertificateId: n.id }))
        .CertificateDetail;
      let content = detail.CertificateContent;
      try {
        content = decodeURIComponent(content);
      } catch {
        // Not URL-encoded: kept as read (the kind compares it the same way).
      }
      const path = `${CERT_DIR}/${name}.${type === 'basic-auth' ? 'htpasswd' : 'pem'}`;
      files.push({ path, content: content.endsWith('\n') ? content : `${content}\n` });
      const keyed = type === 'server' || type === 'gaap';
      if (keyed) secrets.push({ variable: certKeyVariable(name), certificate: name });
      certificates[name] = {
        type,
        content: { file: path },
        ...(keyed ? { key: { env: certKeyVariable(name) } } : {}),
      };
    }
    return { ...(Object.keys(certificates).length > 0 ? { certificates } : {}), files, secrets, calls };
  }
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

const protocolRank = (p: string) => ['TCP', 'UDP', 'HTTP', 'HTTPS'].indexOf(p);
const portOf = (l: ListenerDesired) => l.port ?? ('ports' in l ? l.ports?.[0] : undefined) ?? 0;

/** Top-level maps in the order people read them: shared objects first, sorted by name. */
function order(g: GaapSectionV1): GaapSectionV1 {
  const sorted = <T>(m: Record<string, T> | undefined) =>
    m ? Object.fromEntries(Object.entries(m).sort(([x], [y]) => x.localeCompare(y))) : undefined;
  const out: GaapSectionV1 = {};
  if (g.projectId !== undefined) out.projectId = g.projectId;
  const realServers = sorted(g.realServers);
  const certificates = sorted(g.certificates);
  const proxyGroups = sorted(g.proxyGroups);
  const proxies = sorted(g.proxies);
  const globalDomains = sorted(g.globalDomains);
  if (realServers) out.realServers = realServers;
  if (certificates) out.certificates = certificates;
  if (proxyGroups) out.proxyGroups = proxyGroups;
  if (proxies) out.proxies = proxies;
  if (globalDomains) out.globalDomains = globalDomains;
  return out;
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
      .map((s) => ({ kind: 'real server' as const, id: s.RealServerId, name: s.RealServerIP })),
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
