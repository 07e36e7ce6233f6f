import {
  DEFAULT_TLS_CIPHERS,
  type GaapDesired,
  type L7DomainDesired,
  type L7ListenerDesired,
  type ProxyDesired,
  type RuleDesired,
  type TlsCiphers,
  type TlsVersion,
} from '../../../model/gaap-desired-types.js';
import type { StepBuilder } from '../engine/kind-handler.js';
import {
  addr,
  type DesiredContext,
  type GaapKindModule,
  liveOfKind,
  type ReadContext,
} from '../engine/kind-module.js';
import type { DesiredNode, LiveNode } from '../engine/node-types.js';
import { asSet } from '../engine/normalize-attrs.js';
import type { HTTPListener, HTTPSListener } from '../gaap-types.js';
import { listAll } from '../paging.js';
import {
  attachListener,
  defined,
  exportCertificate,
  exportCertificates,
  ID_OUTPUT,
  listenerReady,
  withSource,
} from './common.js';
import { proxyNameOf } from './l4-listener.js';
import { PROXY, proxyKind } from './proxy.js';

export const L7_LISTENER = 'gaap_l7_listener';

type L7Protocol = 'HTTP' | 'HTTPS';

interface L7ListenerSpec {
  proxy: string;
  protocol: L7Protocol;
  port: number;
}

export interface L7ListenerRaw {
  proxyId: string;
  protocol: L7Protocol;
  port: number;
}

/** The layer-7 part of the desired model, flattened with addresses: listeners, domains, rules. */
export interface L7ListenerEntry {
  proxy: string;
  index: number;
  listener: L7ListenerDesired;
  address: string;
  source: DesiredNode['source'];
}

export interface L7DomainEntry {
  listener: L7ListenerEntry;
  domain: L7DomainDesired;
  address: string;
}

export interface L7RuleEntry {
  domain: L7DomainEntry;
  rule: RuleDesired;
  address: string;
}

export function l7Listeners(model: GaapDesired, source?: DesiredContext['source']): L7ListenerEntry[] {
  const out: L7ListenerEntry[] = [];
  for (const [proxy, p] of Object.entries(model.proxies ?? {})) {
    (p.listeners ?? []).forEach((l, index) => {
      if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') return;
      out.push({
        proxy,
        index,
        listener: l,
        address: addr.listener(proxy, l.protocol, l.port),
        source: source?.(`proxies.${proxy}.listeners.${index}`),
      });
    });
  }
  return out;
}

export function l7Domains(model: GaapDesired, source?: DesiredContext['source']): L7DomainEntry[] {
  return l7Listeners(model, source).flatMap((listener) =>
    (listener.listener.domains ?? []).map((domain) => ({
      listener,
      domain,
      address: addr.domain(listener.address, domain.domain),
    })),
  );
}

export function l7Rules(model: GaapDesired, source?: DesiredContext['source']): L7RuleEntry[] {
  return l7Domains(model, source).flatMap((domain) =>
    (domain.domain.rules ?? []).map((rule) => ({
      domain,
      rule,
      address: addr.rule(domain.address, rule.path),
    })),
  );
}

/**
 * A proxy's HTTP or HTTPS listeners: one list per proxy, made by the first to ask. As soon as it
 * answers, the reads under each listener start (`ctx.found`: its DescribeRules), beside the other
 * proxies' lists.
 */
function l7ListenersOf(
  ctx: ReadContext,
  proxy: LiveNode,
  protocol: L7Protocol,
): Promise<(HTTPListener | HTTPSListener)[]> {
  return ctx.cached(`Describe${protocol}Listeners:ProxyId:${proxy.id}`, async () => {
    const items =
      protocol === 'HTTP'
        ? await listAll(ctx.client, 'DescribeHTTPListeners', { ProxyId: proxy.id }, 'ListenerSet')
        : await listAll(ctx.client, 'DescribeHTTPSListeners', { ProxyId: proxy.id }, 'ListenerSet');
    ctx.found(...items.map((l) => l7ListenerNode(ctx, proxy, protocol, l)));
    return items;
  });
}

/** The live node of one listener of a proxy's HTTP or HTTPS list. */
function l7ListenerNode(
  ctx: ReadContext,
  p: LiveNode,
  protocol: L7Protocol,
  l: HTTPListener | HTTPSListener,
): LiveNode<L7ListenerRaw> {
  const address = addr.listener(proxyNameOf(p.address), protocol, l.Port);
  let attrs: Record<string, unknown> = { name: l.ListenerName };
  if (protocol === 'HTTPS') {
    const s = l as HTTPSListener;
    const clientIds = [
      ...(s.ClientCertificateId ? [s.ClientCertificateId] : []),
      ...(s.PolyClientCertificateAliasInfo ?? []).map((c) => c.CertificateId),
    ];
    attrs = {
      ...attrs,
      certificate: s.CertificateId ? certAddress(ctx, s.CertificateId) : undefined,
      forwardProtocol: s.ForwardProtocol,
      clientCertificates: asSet([...new Set(clientIds)].map((id) => certAddress(ctx, id))),
      authType: s.AuthType ?? 0,
      http3: s.Http3Supported ?? 0,
      tlsVersions: asSet(s.TLSSupportVersion ?? []),
      tlsCiphers: s.TLSCiphers,
    };
  }
  return {
    address,
    type: L7_LISTENER,
    parent: p.address,
    id: l.ListenerId,
    attrs,
    ...(l.ListenerStatus === 0 ? {} : { busy: `ListenerStatus ${l.ListenerStatus}` }),
    raw: { proxyId: p.id, protocol, port: l.Port },
  };
}

/** Live certificate ID → address; IDs edgeform does not own stay visible as `id:...`. */
export function certAddress(ctx: { addressOfId: Map<string, string> }, id: string): string {
  return ctx.addressOfId.get(id) ?? `id:${id}`;
}

/**
 * SetTlsVersion of an HTTPS listener: both parameters are required, so the call always carries the
 * whole declared setting. The listener must be idle (it is not while it is being created).
 */
function setTls(
  b: StepBuilder,
  label: string,
  proxyId: unknown,
  listenerId: unknown,
  a: Record<string, unknown>,
) {
  b.add({
    operation: 'update',
    summary: `SetTlsVersion ${label} ${(a.tlsVersions as string[]).join(',')} ${String(a.tlsCiphers)}`,
    calls: [
      {
        action: 'SetTlsVersion',
        params: { ListenerId: listenerId, TLSSupportVersion: a.tlsVersions, TLSCiphers: a.tlsCiphers },
      },
    ],
    wait: listenerReady('HTTPS', { ProxyId: proxyId }, label, listenerId),
  });
}

/**
 * An HTTPS listener's TLS settings as the API reports them: written whenever reported (no default
 * of the versions is documented), the cipher suite only when it is not the documented default.
 */
function exportTls(a: Record<string, unknown>): Pick<L7ListenerDesired, 'tls'> {
  const versions = a.tlsVersions;
  if (!Array.isArray(versions) || versions.length === 0) return {};
  const ciphers = a.tlsCiphers;
  return {
    tls: {
      versions: versions as TlsVersion[],
      ...(typeof ciphers === 'string' && ciphers !== DEFAULT_TLS_CIPHERS
        ? { ciphers: ciphers as TlsCiphers }
        : {}),
    },
  };
}

/**
 * HTTP and HTTPS listeners, identified by (proxy, protocol, port). The name (and, on HTTPS, the
 * origin protocol, the certificates and the TLS versions and ciphers) change in place; HTTP/3 and the authentication type
 * (mutual TLS on or off) force replacement. Deleting one takes its domains, rules and error pages.
 */
export const l7ListenerKind: GaapKindModule<L7ListenerSpec, L7ListenerRaw, L7ListenerDesired, ProxyDesired> =
  {
    readStage: 3,
    apiActions: [
      'CreateHTTPListener',
      'CreateHTTPSListener',
      'DeleteListeners',
      'DescribeHTTPListeners',
      'DescribeHTTPSListeners',
      'DescribeTCPListeners',
      'DescribeUDPListeners',
      'ModifyHTTPListenerAttribute',
      'ModifyHTTPSListenerAttribute',
      'SetTlsVersion',
    ],
    handler: {
      type: L7_LISTENER,
      updatable: {
        name: 'attr',
        forwardProtocol: 'attr',
        certificate: 'attr',
        clientCertificates: 'attr',
        tlsVersions: 'tls',
        tlsCiphers: 'tls',
      },
      cascades: true,
      // The port is the listener's identity: the old one must go before the new one can take it.
      replaceOrder: 'delete-first',
      outputs: ID_OUTPUT,
      create(node, b) {
        const { spec } = node;
        const a = node.attrs;
        const proxyId = b.idOf(addr.proxy(spec.proxy));
        const https = spec.protocol === 'HTTPS';
        const clients = (a.clientCertificates ?? []) as string[];
        b.add({
          operation: 'create',
          summary: `Create${spec.protocol}Listener ${spec.protocol}:${spec.port} on proxy ${spec.proxy}`,
          calls: [
            {
              action: `Create${spec.protocol}Listener`,
              params: defined({
                ListenerName: a.name,
                Port: spec.port,
                ProxyId: proxyId,
                ...(https
                  ? {
                      CertificateId:
                        a.certificate === undefined ? undefined : b.idOf(a.certificate as string),
                      ForwardProtocol: a.forwardProtocol,
                      AuthType: a.authType,
                      PolyClientCertificateIds:
                        clients.length > 0 ? clients.map((c) => b.idOf(c)) : undefined,
                      Http3Supported: a.http3,
                    }
                  : {}),
              }),
              outputs: { id: 'ListenerId' },
              lookup: {
                action: `Describe${spec.protocol}Listeners`,
                params: { ProxyId: proxyId, Port: spec.port },
                items: 'ListenerSet',
                match: { Port: spec.port },
                outputs: { id: 'ListenerId' },
              },
            },
          ],
          wait: listenerReady(spec.protocol, { ProxyId: proxyId }, `${spec.protocol}:${spec.port}`),
        });
        if (https && a.tlsVersions !== undefined) {
          setTls(b, `${spec.protocol}:${spec.port}`, proxyId, b.idOf(node.address), a);
        }
      },
      update(node, live, groups, b) {
        const { spec } = node;
        const a = node.attrs;
        const proxyId = live.raw.proxyId;
        if (spec.protocol === 'HTTP') {
          b.add({
            operation: 'update',
            summary: `ModifyHTTPListenerAttribute ${live.id} name → ${String(a.name)}`,
            calls: [
              {
                action: 'ModifyHTTPListenerAttribute',
                params: { ListenerId: live.id, ProxyId: proxyId, ListenerName: a.name },
              },
            ],
            wait: listenerReady('HTTP', { ProxyId: proxyId }, live.id, live.id),
          });
          return;
        }
        if (groups.includes('tls')) setTls(b, live.id, proxyId, live.id, a);
        if (!groups.includes('attr')) return;
        const clients = (a.clientCertificates ?? []) as string[];
        b.add({
          operation: 'update',
          summary: `ModifyHTTPSListenerAttribute ${live.id}`,
          calls: [
            {
              action: 'ModifyHTTPSListenerAttribute',
              params: defined({
                ListenerId: live.id,
                ProxyId: proxyId,
                ListenerName: a.name,
                ForwardProtocol: a.forwardProtocol,
                CertificateId: a.certificate === undefined ? undefined : b.idOf(a.certificate as string),
                // Mutual TLS stays on (turning it on or off is a replacement): the CA set changes.
                PolyClientCertificateIds: clients.length > 0 ? clients.map((c) => b.idOf(c)) : undefined,
              }),
            },
          ],
          wait: listenerReady('HTTPS', { ProxyId: proxyId }, live.id, live.id),
        });
      },
      delete(live, b) {
        b.add({
          operation: 'delete',
          summary: `DeleteListeners ${live.id} (${live.raw.protocol}:${live.raw.port}) with its domains and rules`,
          calls: [
            {
              action: 'DeleteListeners',
              params: { ListenerIds: [live.id], Force: 1, ProxyId: live.raw.proxyId },
              okCodes: ['ResourceNotFound'],
            },
          ],
        });
      },
    },
    desired(ctx) {
      return l7Listeners(ctx.model, ctx.source).map(({ proxy, listener: l, address, source }) => {
        const https = l.protocol === 'HTTPS';
        const certificate = https && l.certificate ? addr.certificate(l.certificate) : undefined;
        const clients = https ? asSet((l.clientCertificates ?? []).map(addr.certificate)) : undefined;
        return {
          address,
          type: L7_LISTENER,
          parent: addr.proxy(proxy),
          refs: [...(certificate ? [certificate] : []), ...(clients ?? [])],
          attrs: {
            name: l.name ?? `${l.protocol.toLowerCase()}-${l.port}`,
            ...(https
              ? {
                  certificate,
                  // NOTE: CreateHTTPSListener requires ForwardProtocol and documents no default;
                  // HTTP is what a listener reports when none was chosen.
                  forwardProtocol: l.forwardProtocol ?? 'HTTP',
                  clientCertificates: clients,
                  authType: clients && clients.length > 0 ? 1 : 0,
                  http3: l.http3 ? 1 : 0,
                  // Managed only when declared: undefined attributes are not compared.
                  tlsVersions: l.tls ? asSet(l.tls.versions) : undefined,
                  tlsCiphers: l.tls ? (l.tls.ciphers ?? DEFAULT_TLS_CIPHERS) : undefined,
                }
              : {}),
          },
          protect: l.protect ?? false,
          ...withSource(source),
          spec: { proxy, protocol: l.protocol, port: l.port },
        };
      });
    },
    // A proxy's lists start as soon as the proxies' page naming it answers.
    prefetchUnder: {
      type: PROXY,
      start: (ctx, proxy) =>
        Promise.all((['HTTP', 'HTTPS'] as const).map((protocol) => l7ListenersOf(ctx, proxy, protocol))),
    },
    async read(ctx) {
      const proxies = liveOfKind(proxyKind, ctx.live);
      const out: LiveNode<L7ListenerRaw>[] = [];
      await Promise.all(
        proxies.flatMap((p) =>
          (['HTTP', 'HTTPS'] as const).map(async (protocol) => {
            for (const l of await l7ListenersOf(ctx, p, protocol)) {
              const node = l7ListenerNode(ctx, p, protocol, l);
              const a = node.attrs;
              if (protocol === 'HTTPS') {
                ctx.liveRefs.set(node.address, [
                  ...(a.certificate ? [a.certificate as string] : []),
                  ...(a.clientCertificates as string[]),
                ]);
              }
              out.push(node);
            }
          }),
        ),
      );
      return out;
    },
    export: {
      // Domains are attached by their own kind.
      toDesired(n, ctx) {
        const a = n.attrs;
        const { protocol, port } = n.raw;
        const https = protocol === 'HTTPS';
        const certificate =
          https && a.certificate !== undefined ? exportCertificate(ctx, n.address, a.certificate) : undefined;
        const clients = https ? exportCertificates(ctx, n.address, a.clientCertificates) : [];
        return {
          protocol,
          port,
          ...(a.name !== `${protocol.toLowerCase()}-${port}` ? { name: String(a.name) } : {}),
          ...(certificate ? { certificate } : {}),
          ...(https ? { forwardProtocol: (a.forwardProtocol ?? 'HTTP') as 'HTTP' | 'HTTPS' } : {}),
          ...(clients.length > 0 ? { clientCertificates: clients } : {}),
          ...(https && a.http3 === 1 ? { http3: true } : {}),
          ...(https ? exportTls(a) : {}),
        };
      },
      attach: attachListener,
    },
  };
