import type {
  GlobalDomainDesired,
  L4ListenerDesired,
  L7DomainDesired,
  L7ListenerDesired,
  ListenerDesired,
  ProxyDesired,
  ProxyGroupDesired,
  RealServerDesired,
  RuleDesired,
} from '../model/gaap-desired-types.js';
import type { CertificateV1 } from './desired-file-types.js';
import type { PathSegment } from './path.js';
import type { StackFile } from './stack-file.js';

/** The maps of the `gaap` section, in the order the sources keys and messages name them. */
export const GAAP_MAPS = ['proxyGroups', 'proxies', 'realServers', 'certificates', 'globalDomains'] as const;
export type GaapMapName = (typeof GAAP_MAPS)[number];

/** One named GAAP object as written. Every declaration is kept: the duplicate rule reports repeats. */
export interface GaapDecl<T> {
  name: string;
  file: StackFile;
  /** Path to the object, e.g. `['gaap', 'proxies', 'web']`. */
  path: PathSegment[];
  value: T;
}

/** The `gaap` sections of all files, laid out for the rules and for building the stack. */
export interface GaapView {
  /** Files that have a `gaap` section, in the order given. */
  files: StackFile[];
  proxyGroups: GaapDecl<ProxyGroupDesired>[];
  proxies: GaapDecl<ProxyDesired>[];
  realServers: GaapDecl<RealServerDesired>[];
  certificates: GaapDecl<CertificateV1>[];
  globalDomains: GaapDecl<GlobalDomainDesired>[];
}

export function buildGaapView(files: readonly StackFile[]): GaapView {
  const view: GaapView = {
    files: [],
    proxyGroups: [],
    proxies: [],
    realServers: [],
    certificates: [],
    globalDomains: [],
  };
  for (const file of files) {
    const section = file.doc.gaap;
    if (!section) continue;
    view.files.push(file);
    for (const map of GAAP_MAPS) {
      for (const [name, value] of Object.entries(section[map] ?? {})) {
        (view[map] as GaapDecl<unknown>[]).push({ name, file, path: ['gaap', map, name], value });
      }
    }
  }
  return view;
}

/** The first declaration of each name (later ones are duplicates, reported by their own rule). */
export function byName<T>(decls: readonly GaapDecl<T>[]): Map<string, GaapDecl<T>> {
  const out = new Map<string, GaapDecl<T>>();
  for (const d of decls) if (!out.has(d.name)) out.set(d.name, d);
  return out;
}

export interface ListenerView<L extends ListenerDesired = ListenerDesired> {
  /** The proxy or proxy group the listener is declared in. */
  parent: GaapDecl<ProxyDesired | ProxyGroupDesired>;
  parentKind: 'proxy' | 'proxy group';
  listener: L;
  index: number;
  path: PathSegment[];
}

export function isL4(l: ListenerDesired): l is L4ListenerDesired {
  return l.protocol === 'TCP' || l.protocol === 'UDP';
}

/** Every listener, made once per view (a dozen rules walk them; a view is never modified): the proxies' first, then the proxy groups' (TCP/UDP only, by the schema). */
const listenersOf = new WeakMap<GaapView, readonly ListenerView[]>();

export function listeners(view: GaapView): readonly ListenerView[] {
  let out = listenersOf.get(view);
  if (!out) {
    const list: ListenerView[] = [];
    const add = (parent: ListenerView['parent'], parentKind: ListenerView['parentKind']) => {
      (parent.value.listeners ?? []).forEach((listener: ListenerDesired, index: number) => {
        list.push({ parent, parentKind, listener, index, path: [...parent.path, 'listeners', index] });
      });
    };
    for (const proxy of view.proxies) add(proxy, 'proxy');
    for (const group of view.proxyGroups) add(group, 'proxy group');
    out = list;
    listenersOf.set(view, out);
  }
  return out;
}

export function l4Listeners(view: GaapView): ListenerView<L4ListenerDesired>[] {
  return listeners(view).filter((l): l is ListenerView<L4ListenerDesired> => isL4(l.listener));
}

export function l7Listeners(view: GaapView): ListenerView<L7ListenerDesired>[] {
  return listeners(view).filter((l): l is ListenerView<L7ListenerDesired> => !isL4(l.listener));
}

export interface DomainView {
  listener: ListenerView<L7ListenerDesired>;
  domain: L7DomainDesired;
  path: PathSegment[];
}

export function l7Domains(view: GaapView): DomainView[] {
  const out: DomainView[] = [];
  for (const listener of l7Listeners(view)) {
    (listener.listener.domains ?? []).forEach((domain, i) => {
      out.push({ listener, domain, path: [...listener.path, 'domains', i] });
    });
  }
  return out;
}

export interface RuleView {
  domain: DomainView;
  rule: RuleDesired;
  path: PathSegment[];
}

export function l7Rules(view: GaapView): RuleView[] {
  const out: RuleView[] = [];
  for (const domain of l7Domains(view)) {
    (domain.domain.rules ?? []).forEach((rule, i) => {
      out.push({ domain, rule, path: [...domain.path, 'rules', i] });
    });
  }
  return out;
}

/** `TCP listener 80 of proxy web`-style label for messages. */
export function describeListener(l: ListenerView): string {
  const ports = isL4(l.listener)
    ? (l.listener.ports ?? (l.listener.port !== undefined ? [l.listener.port] : [])).join(',')
    : String(l.listener.port);
  return `${l.listener.protocol} listener ${ports === '' ? `#${l.index}` : ports} of ${l.parentKind} ${l.parent.name}`;
}
