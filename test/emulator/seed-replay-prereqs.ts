import type { GaapState } from '../../src/emulator/gaap/state.js';
import { FAKE_CERT, FAKE_KEY, type GaapHarness } from './gaap-test-client.js';

/** One documented example of 002, as scripts/extract-seed-examples.mjs writes it. */
export interface SeedExample {
  line: number;
  action: string;
  title: string;
  method: 'POST' | 'GET';
  request: Record<string, unknown>;
  response: { Response: Record<string, unknown> };
}

type Protocol = 'TCP' | 'UDP' | 'HTTP' | 'HTTPS';

/** Whether a pattern occurs in a string (RegExp#exec: this module is a helper, not a test file). */
function matches(pattern: RegExp, s: string): boolean {
  return pattern.exec(s) !== null;
}

/**
 * Creates, before an example is replayed, every object its request names, and gives each the ID
 * the example uses (IDs are opaque strings to the service, so an example's placeholder such as
 * `sp-xxxx` works as well as a real-looking one). Objects are created through the API, then the
 * state is renamed with snapshot/restore.
 */
export class Prereqs {
  constructor(
    private readonly h: GaapHarness,
    private readonly action: string,
  ) {}

  private state(): GaapState {
    return this.h.api.snapshot() as GaapState;
  }

  /** Renames an ID everywhere in the state, also inside the `listenerId|domain` keys. */
  private rename(actual: string, wanted: string): void {
    if (actual === wanted) return;
    const text = JSON.stringify(this.h.api.snapshot())
      .split(JSON.stringify(actual))
      .join(JSON.stringify(wanted))
      .split(`"${actual}|`)
      .join(`${JSON.stringify(wanted).slice(0, -1)}|`);
    this.h.api.restore(JSON.parse(text));
  }

  async proxy(id?: string | undefined): Promise<string> {
    if (id && this.state().proxies[id]) return id;
    const r = await this.h.ok('CreateProxy', {
      ProjectId: 0,
      ProxyName: 'replay',
      AccessRegion: 'Guangzhou',
      RealServerRegion: 'Beijing',
      Bandwidth: 10,
      Concurrent: 2,
    });
    const created = r.InstanceId as string;
    this.rename(created, id ?? created);
    return id ?? created;
  }

  async group(id: string): Promise<string> {
    if (this.state().groups[id]) return id;
    const r = await this.h.ok('CreateProxyGroup', {
      ProjectId: 0,
      GroupName: 'replay',
      RealServerRegion: 'Beijing',
    });
    this.rename(r.GroupId as string, id);
    return id;
  }

  async certificate(id: string, type: number): Promise<string> {
    if (id === 'default' || this.state().certificates[id]) return id;
    const r = await this.h.ok('CreateCertificate', {
      CertificateType: type,
      CertificateAlias: 'replay',
      CertificateContent: type === 0 ? 'user:$apr1$x$y' : FAKE_CERT,
      ...(type === 2 || type === 4 ? { CertificateKey: FAKE_KEY } : {}),
    });
    this.rename(r.CertificateId as string, id);
    return id;
  }

  async listener(
    id: string,
    protocol: Protocol,
    parent: { ProxyId?: string | undefined; GroupId?: string | undefined },
    failover = false,
  ): Promise<string> {
    if (this.state().listeners[id]) return id;
    const where = parent.GroupId
      ? { GroupId: parent.GroupId }
      : { ProxyId: await this.proxy(parent.ProxyId) };
    const port = 10000 + Object.keys(this.state().listeners).length;
    let created: string;
    if (protocol === 'HTTP' || protocol === 'HTTPS') {
      const cert = protocol === 'HTTPS' ? { CertificateId: await this.certificate('cert-replay0', 2) } : {};
      const r = await this.h.ok(`Create${protocol}Listener`, {
        ...where,
        ListenerName: 'replay',
        Port: port,
        ...(protocol === 'HTTPS' ? { ForwardProtocol: 'HTTP', ...cert } : {}),
      });
      created = r.ListenerId as string;
    } else {
      const r = await this.h.ok(`Create${protocol}Listeners`, {
        ...where,
        ListenerName: 'replay',
        Ports: [port],
        Scheduler: 'rr',
        RealServerType: 'IP',
        ...(protocol === 'TCP' ? { HealthCheck: 0 } : {}),
        ...(failover ? { FailoverSwitch: 1 } : {}),
      });
      created = (r.ListenerIds as string[])[0]!;
    }
    this.rename(created, id);
    return id;
  }

  async domain(listenerId: string, domain: string): Promise<void> {
    if (this.state().domains[`${listenerId}|${domain}`]) return;
    await this.h.ok('CreateDomain', { ListenerId: listenerId, Domain: domain });
  }

  async rule(id: string, listenerId: string | undefined): Promise<string> {
    if (this.state().rules[id]) return id;
    const listener = await this.listener(listenerId ?? 'listener-replay7', 'HTTP', {});
    await this.domain(listener, 'rule.replay.example');
    const r = await this.h.ok('CreateRule', {
      ListenerId: listener,
      Domain: 'rule.replay.example',
      Path: `/${Object.keys(this.state().rules).length}`,
      RealServerType: 'IP',
      Scheduler: 'rr',
      HealthCheck: 0,
    });
    this.rename(r.RuleId as string, id);
    return id;
  }

  async realServer(id: string, ip = '10.0.0.1'): Promise<string> {
    if (this.state().realServers[id]) return id;
    const r = await this.h.ok('AddRealServers', {
      ProjectId: 0,
      RealServerName: 'replay',
      RealServerIP: [ip],
    });
    this.rename((r.RealServerSet as { RealServerId: string }[])[0]!.RealServerId, id);
    return id;
  }

  async policy(id: string, proxyId?: string): Promise<string> {
    if (this.state().policies[id]) return id;
    const r = await this.h.ok('CreateSecurityPolicy', {
      ProxyId: await this.proxy(proxyId),
      DefaultAction: 'ACCEPT',
    });
    this.rename(r.PolicyId as string, id);
    return id;
  }

  async securityRule(id: string, policyId: string | undefined): Promise<string> {
    if (this.state().securityRules[id]) return id;
    const policy = await this.policy(policyId ?? 'sp-replay00');
    const n = Object.keys(this.state().securityRules).length;
    const r = await this.h.ok('CreateSecurityRules', {
      PolicyId: policy,
      RuleList: [{ SourceCidr: `10.${n}.0.0/16`, Action: 'ACCEPT', Protocol: 'TCP', DestPortRange: '80' }],
    });
    this.rename((r.RuleIdList as string[])[0]!, id);
    return id;
  }

  async globalDomain(id: string): Promise<string> {
    if (this.state().globalDomains[id]) return id;
    const r = await this.h.ok('CreateGlobalDomain', { ProjectId: 0, DefaultValue: '1.1.1.1' });
    this.rename(r.DomainId as string, id);
    return id;
  }

  async dnsRecord(id: number, domainId: string | undefined): Promise<void> {
    const s = this.state();
    if (s.dnsRecords[String(id)]) return;
    const domain = await this.globalDomain(domainId ?? 'dm-replay00');
    const proxy = await this.proxy();
    // DNS record IDs are sequential integers: start the sequence at the example's ID.
    this.h.api.restore({ ...this.state(), nextDnsRecordId: id });
    await this.h.ok('CreateGlobalDomainDns', {
      DomainId: domain,
      ProxyIdList: [proxy],
      NationCountryInnerCodes: ['101001'],
    });
  }

  async errorPage(id: string): Promise<string> {
    if (this.state().errorPages[id]) return id;
    const listener = await this.listener('listener-replay7', 'HTTP', {});
    await this.domain(listener, 'rule.replay.example');
    const r = await this.h.ok('CreateDomainErrorPageInfo', {
      ListenerId: listener,
      Domain: 'rule.replay.example',
      ErrorNos: [500 + Object.keys(this.state().errorPages).length],
      Body: 'replay',
    });
    this.rename(r.ErrorPageId as string, id);
    return id;
  }

  async task(id: string): Promise<void> {
    const policy = await this.policy('sp-replay00');
    const r = await this.h.ok('OpenSecurityPolicy', {
      PolicyId: policy,
      ProxyId: this.state().policies[policy]!.ProxyId,
    });
    this.rename(r.TaskId as string, id);
  }

  /** The listener protocol an action's ListenerId refers to. */
  protocol(): Protocol {
    const a = this.action;
    if (matches(/TCP|BindListenerRealServers|DescribeListenerRealServers|Statistics/, a)) return 'TCP';
    if (matches(/UDP/, a)) return 'UDP';
    if (matches(/HTTPS|SetTlsVersion|ModifyCertificate|SetAuthentication/, a)) return 'HTTPS';
    return 'HTTP';
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Actions whose `Domain` (or `OldDomain`) is an existing layer-7 domain of the listener. */
const NEEDS_DOMAIN = new Set([
  'CreateRule',
  'DeleteDomain',
  'ModifyCertificate',
  'SetAuthentication',
  'CreateDomainErrorPageInfo',
  'DescribeDomainErrorPageInfo',
  'ModifyDomain',
]);
const SECURITY_RULE_ACTIONS = new Set(['ModifySecurityRule', 'DeleteSecurityRules', 'DescribeSecurityRules']);

/** Creates what the example's request refers to. Only IDs the request names are created. */
export async function createPrerequisites(h: GaapHarness, ex: SeedExample): Promise<void> {
  const p = new Prereqs(h, ex.action);
  const q = ex.request;
  const a = ex.action;
  const creates =
    a.startsWith('Create') && !matches(/Listener|Domain$|Rule$|CustomHeader|ErrorPage|SecurityRules/, a);
  if (
    !creates ||
    a === 'CreateSecurityPolicy' ||
    a === 'CreateGlobalDomainDns' ||
    a === 'CreateProxyGroupDomain'
  ) {
    for (const id of [str(q.ProxyId), ...strs(q.ProxyIds), ...strs(q.ProxyIdList)]) if (id) await p.proxy(id);
    const group = str(q.GroupId);
    if (group) await p.group(group);
  }
  if (!a.startsWith('CreateCertificate')) {
    // A listener's or domain's CertificateId is a server certificate (type 2).
    const server = str(q.CertificateId);
    if (server) await p.certificate(server, 2);
    for (const id of [str(q.ClientCertificateId), ...strs(q.PolyClientCertificateIds)])
      if (id) await p.certificate(id, 1);
    const gaapCert = str(q.GaapCertificateId);
    if (gaapCert) await p.certificate(gaapCert, 4);
  }
  const listener = str(q.ListenerId);
  const isListenerCreate = matches(/^Create(TCP|UDP|HTTP|HTTPS)Listeners?$/, a);
  if (listener && !isListenerCreate) {
    // A binding with a failover role needs a listener with FailoverSwitch=1.
    const failover = JSON.stringify(q).includes('RealServerFailoverRole');
    await p.listener(listener, p.protocol(), { ProxyId: str(q.ProxyId), GroupId: str(q.GroupId) }, failover);
  }
  for (const id of strs(q.ListenerIds)) await p.listener(id, 'HTTP', { ProxyId: str(q.ProxyId) });
  const domain = str(q.OldDomain) ?? str(q.Domain);
  if (listener && domain && NEEDS_DOMAIN.has(a)) await p.domain(listener, domain);
  if (SECURITY_RULE_ACTIONS.has(a)) {
    for (const id of [str(q.RuleId), ...strs(q.RuleIdList), ...strs(q.SecurityRuleIds)])
      if (id) await p.securityRule(id, str(q.PolicyId));
  } else {
    for (const id of [str(q.RuleId), ...strs(q.RuleIds)]) if (id) await p.rule(id, listener);
  }
  const policy = str(q.PolicyId);
  if (policy) await p.policy(policy);
  if (a === 'OpenSecurityPolicy' || a === 'CloseSecurityPolicy') {
    // The documented form names the proxy alone: its policy must exist (and be open to close it).
    const id = policy ?? (await p.policy('sp-replay00', str(q.ProxyId)));
    if (a === 'CloseSecurityPolicy') {
      await h.ok('OpenSecurityPolicy', { PolicyId: id });
      h.admin('finish-transitions');
    }
  }
  const binds = Array.isArray(q.RealServerBindSet) ? (q.RealServerBindSet as Record<string, unknown>[]) : [];
  for (const b of binds) {
    const id = str(b.RealServerId);
    if (id) await p.realServer(id, str(b.RealServerIP));
  }
  for (const id of [str(q.RealServerId), ...strs(q.RealServerIds)]) if (id) await p.realServer(id);
  const globalDomain = str(q.DomainId);
  if (globalDomain) await p.globalDomain(globalDomain);
  const dns = q.DnsRecordId;
  if (typeof dns === 'number' || (typeof dns === 'string' && matches(/^\d+$/, dns)))
    await p.dnsRecord(Number(dns), globalDomain);
  for (const id of [str(q.ErrorPageId), ...strs(q.ErrorPageIds)]) if (id) await p.errorPage(id);
  const task = str(q.TaskId);
  if (task) await p.task(task);
}
