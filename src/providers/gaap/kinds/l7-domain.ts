import type {
  DomainAuthDesired,
  L7DomainDesired,
  L7ListenerDesired,
} from '../../../model/gaap-desired-types.js';
import type { StepBuilder } from '../engine/kind-handler.js';
import { addr, type GaapKindModule, liveOfKind, type ReadContext } from '../engine/kind-module.js';
import type { LiveNode } from '../engine/node-types.js';
import { asSet } from '../engine/normalize-attrs.js';
import type { DescribeRulesResponse, DomainRuleSet } from '../gaap-types.js';
import { defined, exportCertificate, exportCertificates, waitFor, withSource } from './common.js';
import { certAddress, L7_LISTENER, type L7ListenerRaw, l7Domains, l7ListenerKind } from './l7-listener.js';

export const L7_DOMAIN = 'gaap_l7_domain';

/** "Use the listener's certificate", as ModifyDomain/ModifyCertificate and DescribeRules spell it. */
export const LISTENER_DEFAULT = 'default';

interface DomainSpec {
  listener: string;
  domain: string;
}

export interface DomainRaw {
  listenerId: string;
  domain: string;
}

/**
 * DescribeRules answers with every domain of a listener and every rule of each domain, so the
 * domain and rule kinds share one call per listener.
 */
export function describeRules(ctx: ReadContext, listenerId: string): Promise<DescribeRulesResponse> {
  return ctx.cached(`DescribeRules:${listenerId}`, () =>
    ctx.client.call('DescribeRules', { ListenerId: listenerId }),
  );
}

/** The live layer-7 listeners with the DescribeRules answer of each. */
export async function liveDomainSets(
  ctx: ReadContext,
): Promise<{ listener: LiveNode<L7ListenerRaw>; domain: DomainRuleSet }[]> {
  const listeners = liveOfKind(l7ListenerKind, ctx.live);
  const answers = await Promise.all(listeners.map((l) => describeRules(ctx, l.id)));
  return listeners.flatMap((listener, i) =>
    (answers[i]?.DomainRuleSet ?? []).map((domain) => ({ listener, domain })),
  );
}

/**
 * Domains of an HTTP/HTTPS listener (no ID: the key is listener + name). The certificates and the
 * default-server flag change in place; deleting a domain (Force=1) takes its rules and error pages.
 */
export const l7DomainKind: GaapKindModule<DomainSpec, DomainRaw, L7DomainDesired, L7ListenerDesired> = {
  readStage: 4,
  apiActions: [
    'CreateDomain',
    'DeleteDomain',
    'DescribeRules',
    'ModifyCertificate',
    'ModifyDomain',
    'SetAuthentication',
  ],
  handler: {
    type: L7_DOMAIN,
    updatable: {
      certificate: 'cert',
      clientCertificates: 'cert',
      isDefaultServer: 'domain',
      basicAuth: 'auth',
      gaapCertificate: 'auth',
      originCa: 'auth',
    },
    cascades: true,
    replaceOrder: 'delete-first',
    create(node, b) {
      const { spec } = node;
      const a = node.attrs;
      const listenerId = b.idOf(spec.listener);
      b.add({
        operation: 'create',
        summary: `CreateDomain ${spec.domain} on ${spec.listener}`,
        calls: [
          {
            action: 'CreateDomain',
            params: defined({
              ListenerId: listenerId,
              Domain: spec.domain,
              ...certParams(a, b, false),
              IsDefaultServer: a.isDefaultServer === true ? true : undefined,
            }),
            lookup: {
              action: 'DescribeRules',
              params: { ListenerId: listenerId },
              items: 'DomainRuleSet',
              match: { Domain: spec.domain },
              outputs: {},
            },
          },
        ],
        wait: domainReady(listenerId, spec.domain),
      });
      // A new domain has every authentication off.
      if (a.basicAuth || a.gaapCertificate || (Array.isArray(a.originCa) && a.originCa.length > 0)) {
        setAuthentication(b, listenerId, spec.domain, a);
      }
    },
    update(node, live, groups, b) {
      const { spec } = node;
      const a = node.attrs;
      const listenerId = live.raw.listenerId;
      if (groups.includes('cert')) {
        b.add({
          operation: 'update',
          summary: `ModifyCertificate ${spec.domain} on ${listenerId}`,
          calls: [
            {
              action: 'ModifyCertificate',
              params: { ListenerId: listenerId, Domain: spec.domain, ...certParams(a, b, true) },
            },
          ],
          wait: domainReady(listenerId, spec.domain),
        });
      }
      if (groups.includes('auth')) setAuthentication(b, listenerId, spec.domain, a);
      if (groups.includes('domain')) {
        b.add({
          operation: 'update',
          summary: `ModifyDomain ${spec.domain} on ${listenerId}: default server ${String(a.isDefaultServer)}`,
          calls: [
            {
              action: 'ModifyDomain',
              params: {
                ListenerId: listenerId,
                OldDomain: spec.domain,
                NewDomain: spec.domain,
                IsDefaultServer: a.isDefaultServer,
              },
            },
          ],
          wait: domainReady(listenerId, spec.domain),
        });
      }
    },
    delete(live, b) {
      b.add({
        operation: 'delete',
        summary: `DeleteDomain ${live.raw.domain} on ${live.raw.listenerId} with its rules`,
        calls: [
          {
            action: 'DeleteDomain',
            params: { ListenerId: live.raw.listenerId, Domain: live.raw.domain, Force: 1 },
            okCodes: ['ResourceNotFound'],
          },
        ],
      });
    },
  },
  desired(ctx) {
    return l7Domains(ctx.model, ctx.source).map(({ listener, domain: d, address }) => {
      const https = listener.listener.protocol === 'HTTPS';
      const certificate = https
        ? d.certificate
          ? addr.certificate(d.certificate)
          : LISTENER_DEFAULT
        : undefined;
      const clients = https
        ? d.clientCertificates && d.clientCertificates.length > 0
          ? asSet(d.clientCertificates.map(addr.certificate))
          : LISTENER_DEFAULT
        : undefined;
      const auth = https ? authAttrs(d) : {};
      return {
        address,
        type: L7_DOMAIN,
        parent: listener.address,
        refs: [
          ...(certificate && certificate !== LISTENER_DEFAULT ? [certificate] : []),
          ...(Array.isArray(clients) ? clients : []),
          ...authRefs(auth),
        ],
        attrs: {
          certificate,
          clientCertificates: clients,
          isDefaultServer: d.isDefaultServer ?? false,
          ...auth,
        },
        protect: d.protect ?? false,
        ...withSource(listener.source),
        spec: { listener: listener.address, domain: d.domain } satisfies DomainSpec,
      };
    });
  },
  // DescribeRules of each listener as soon as its proxy's listener list is read (l7-listener.ts).
  prefetchUnder: { type: L7_LISTENER, start: (ctx, listener) => describeRules(ctx, listener.id) },
  async read(ctx) {
    const out: LiveNode<DomainRaw>[] = [];
    for (const { listener, domain: d } of await liveDomainSets(ctx)) {
      const address = addr.domain(listener.address, d.Domain);
      let attrs: Record<string, unknown> = { isDefaultServer: d.IsDefaultServer ?? false };
      if (listener.raw.protocol === 'HTTPS') {
        const certificate = isDefault(d.CertificateId) ? LISTENER_DEFAULT : certAddress(ctx, d.CertificateId);
        const clientIds = [
          ...(isDefault(d.ClientCertificateId) ? [] : [d.ClientCertificateId]),
          ...(d.PolyClientCertificateAliasInfo ?? []).map((c) => c.CertificateId),
        ];
        const clients = asSet([...new Set(clientIds)].map((id) => certAddress(ctx, id)));
        const auth = liveAuth(ctx, d);
        ctx.liveRefs.set(address, [
          ...(certificate === LISTENER_DEFAULT ? [] : [certificate]),
          ...clients,
          ...authRefs(auth),
        ]);
        attrs = {
          ...attrs,
          certificate,
          clientCertificates: clients.length > 0 ? clients : LISTENER_DEFAULT,
          ...auth,
        };
      }
      out.push({
        address,
        type: L7_DOMAIN,
        parent: listener.address,
        id: `${listener.id}|${d.Domain}`,
        attrs,
        ...(d.DomainStatus === 0 ? {} : { busy: `DomainStatus ${d.DomainStatus}` }),
        raw: { listenerId: listener.id, domain: d.Domain },
      });
    }
    return out;
  },
  export: {
    // Rules and error pages are attached by their own kinds.
    toDesired(n, ctx) {
      const a = n.attrs;
      const https = ctx.parent(n, l7ListenerKind)?.raw.protocol === 'HTTPS';
      const certificate =
        https && a.certificate !== LISTENER_DEFAULT
          ? exportCertificate(ctx, n.address, a.certificate)
          : undefined;
      const clients =
        https && Array.isArray(a.clientCertificates)
          ? exportCertificates(ctx, n.address, a.clientCertificates)
          : [];
      const auth = https ? exportAuth(ctx, n.address, a) : undefined;
      return {
        domain: n.raw.domain,
        ...(a.isDefaultServer === true ? { isDefaultServer: true } : {}),
        ...(certificate ? { certificate } : {}),
        ...(clients.length > 0 ? { clientCertificates: clients } : {}),
        ...(auth ? { auth } : {}),
      };
    },
    attach(listener, domain) {
      const domains = listener.domains ?? [];
      domains.push(domain);
      listener.domains = domains;
    },
  },
};

/**
 * The authentication attributes of a domain that declares `auth` (none otherwise: not managed).
 * Each is the certificate's address, or off: null, or [] for the origin CAs.
 */
function authAttrs(d: L7DomainDesired): Record<string, unknown> {
  if (!d.auth) return {};
  const { basic, gaapCertificate, originCa } = d.auth;
  return {
    basicAuth: basic ? addr.certificate(basic) : null,
    gaapCertificate: gaapCertificate ? addr.certificate(gaapCertificate) : null,
    originCa: asSet((originCa ?? []).map(addr.certificate)),
  };
}

function authRefs(auth: Record<string, unknown>): string[] {
  const one = (v: unknown) => (typeof v === 'string' ? [v] : []);
  return [
    ...one(auth.basicAuth),
    ...one(auth.gaapCertificate),
    ...(Array.isArray(auth.originCa) ? (auth.originCa as string[]) : []),
  ];
}

/** What DescribeRules says of a domain's authentication; a switch that is off hides its certificate. */
function liveAuth(ctx: ReadContext, d: DomainRuleSet): Record<string, unknown> {
  const origin =
    d.RealServerAuth === 1
      ? [
          ...(d.RealServerCertificateId ? [d.RealServerCertificateId] : []),
          ...(d.PolyRealServerCertificateAliasInfo ?? []).map((c) => c.CertificateId),
        ]
      : [];
  return {
    basicAuth: d.BasicAuth === 1 && d.BasicAuthConfId ? certAddress(ctx, d.BasicAuthConfId) : null,
    gaapCertificate: d.GaapAuth === 1 && d.GaapCertificateId ? certAddress(ctx, d.GaapCertificateId) : null,
    originCa: asSet([...new Set(origin)].map((id) => certAddress(ctx, id))),
  };
}

/**
 * SetAuthentication with every switch, so the call leaves exactly the declared state: a switch
 * turned off is sent as 0 without its certificate.
 */
function setAuthentication(
  b: StepBuilder,
  listenerId: unknown,
  domain: string,
  a: Record<string, unknown>,
): void {
  const basic = a.basicAuth as string | null;
  const gaap = a.gaapCertificate as string | null;
  const origin = (a.originCa ?? []) as string[];
  b.add({
    operation: 'update',
    summary: `SetAuthentication ${domain}: basic ${basic ? 'on' : 'off'}, GAAP certificate ${gaap ? 'on' : 'off'}, origin verification ${origin.length > 0 ? 'on' : 'off'}`,
    calls: [
      {
        action: 'SetAuthentication',
        params: defined({
          ListenerId: listenerId,
          Domain: domain,
          BasicAuth: basic ? 1 : 0,
          BasicAuthConfId: basic ? b.idOf(basic) : undefined,
          GaapAuth: gaap ? 1 : 0,
          GaapCertificateId: gaap ? b.idOf(gaap) : undefined,
          RealServerAuth: origin.length > 0 ? 1 : 0,
          PolyRealServerCertificateIds: origin.length > 0 ? origin.map((c) => b.idOf(c)) : undefined,
        }),
      },
    ],
    wait: domainReady(listenerId, domain),
  });
}

/** `auth` for export when any switch is on; certificates the stack does not own are left out. */
function exportAuth(
  ctx: Parameters<typeof exportCertificate>[0],
  owner: string,
  a: Record<string, unknown>,
): DomainAuthDesired | undefined {
  const basic = a.basicAuth ? exportCertificate(ctx, owner, a.basicAuth) : undefined;
  const gaap = a.gaapCertificate ? exportCertificate(ctx, owner, a.gaapCertificate) : undefined;
  const origin = exportCertificates(ctx, owner, a.originCa);
  if (!basic && !gaap && origin.length === 0) return undefined;
  return {
    ...(basic ? { basic } : {}),
    ...(gaap ? { gaapCertificate: gaap } : {}),
    ...(origin.length > 0 ? { originCa: origin } : {}),
  };
}

function isDefault(id: string | null | undefined): boolean {
  return !id || id === LISTENER_DEFAULT;
}

/**
 * Certificate parameters of CreateDomain / ModifyCertificate. `default` (the listener's) is sent
 * on a modify only, where it means "back to the listener's"; a create simply omits them.
 */
function certParams(a: Record<string, unknown>, b: StepBuilder, modify: boolean): Record<string, unknown> {
  if (a.certificate === undefined) return {};
  const cert = a.certificate as string;
  const clients = a.clientCertificates as string | string[];
  return defined({
    CertificateId: cert === LISTENER_DEFAULT ? (modify ? LISTENER_DEFAULT : undefined) : b.idOf(cert),
    ClientCertificateId: clients === LISTENER_DEFAULT && modify ? LISTENER_DEFAULT : undefined,
    // NOTE: "omitted = keep" covers the CA list too, so going back to the listener's CAs also
    // empties the list explicitly.
    PolyClientCertificateIds: Array.isArray(clients)
      ? clients.map((c) => b.idOf(c))
      : modify
        ? []
        : undefined,
  });
}

export function domainReady(listenerId: unknown, domain: string) {
  return waitFor(`domain ${domain} ready`, {
    action: 'DescribeRules',
    params: { ListenerId: listenerId },
    item: { items: 'DomainRuleSet', match: { Domain: domain } },
    statusPath: 'DomainStatus',
    ready: [0],
  });
}
