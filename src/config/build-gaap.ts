import { isEdgeformError } from '../core/errors.js';
import { isSecretRef, resolveSecret, type SecretValue } from '../core/secrets.js';
import type { CertificateDesired, GaapDesired } from '../model/gaap-desired-types.js';
import type { SourceLocation } from '../model/source-location.js';
import type { CertificateV1 } from './desired-file-types.js';
import type { Diagnostic } from './diagnostic-types.js';
import type { GaapDecl, GaapView } from './gaap-view.js';
import { lazyLocation } from './lazy-location.js';
import { diagnosticAt } from './rules/rule-helpers.js';

/**
 * The GaapDesired of the stack: the files' maps merged (the rules have refused duplicate names and
 * disagreeing projectIds), certificate references resolved into SecretValue objects, and `sources`
 * naming where each object was declared. null when no file has a `gaap` section.
 */
export function buildGaap(
  view: GaapView,
  env: NodeJS.ProcessEnv,
): { gaap: GaapDesired | null; diagnostics: Diagnostic[] } {
  if (view.files.length === 0) return { gaap: null, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const sources: Record<string, SourceLocation> = {};
  const at = (decl: GaapDecl<unknown>) =>
    lazyLocation(decl.file.file, () => decl.file.source.locate(decl.path, 'key'));
  // A fresh copy of every object: anchors share objects, and providers may normalise in place.
  const copy = <T>(decls: readonly GaapDecl<T>[], map: string): Record<string, T> => {
    const out: Record<string, T> = {};
    for (const d of decls) {
      out[d.name] = structuredClone(d.value);
      sources[`${map}.${d.name}`] = at(d);
    }
    return out;
  };

  const proxies = copy(view.proxies, 'proxies');
  for (const p of view.proxies) {
    const locate = (...rest: (string | number)[]) =>
      lazyLocation(p.file.file, () => p.file.source.locate([...p.path, ...rest]));
    for (const field of ['accessRegion', 'bandwidth', 'concurrent'] as const)
      sources[`proxies.${p.name}.${field}`] = locate(field);
    (p.value.listeners ?? []).forEach((l, i) => {
      sources[`proxies.${p.name}.listeners.${i}`] = locate('listeners', i);
      // Where the plan-time catalog check points at a header the API refuses.
      if (!('domains' in l)) return;
      (l.domains ?? []).forEach((d, j) => {
        (d.rules ?? []).forEach((r, k) => {
          (r.headers ?? []).forEach((_, m) => {
            const path = ['listeners', i, 'domains', j, 'rules', k, 'headers', m, 'name'] as const;
            sources[`proxies.${p.name}.${path.join('.')}`] = locate(...path);
          });
        });
      });
    });
  }
  for (const g of view.proxyGroups) {
    for (const list of ['accessRegions', 'listeners'] as const) {
      (g.value[list] ?? []).forEach((_, i) => {
        sources[`proxyGroups.${g.name}.${list}.${i}`] = lazyLocation(g.file.file, () =>
          g.file.source.locate([...g.path, list, i]),
        );
      });
    }
  }

  const secrets = new Map<string, SecretValue>();
  const certificates: Record<string, CertificateDesired> = {};
  for (const c of view.certificates) {
    sources[`certificates.${c.name}`] = at(c);
    const resolved = resolveCertificate(c, env, secrets, diagnostics);
    if (resolved) certificates[c.name] = resolved;
  }

  const projectId = view.files.map((f) => f.doc.gaap?.projectId).find((v) => v !== undefined) ?? 0;
  const gaap: GaapDesired = {
    projectId,
    proxyGroups: copy(view.proxyGroups, 'proxyGroups'),
    proxies,
    realServers: copy(view.realServers, 'realServers'),
    certificates,
    globalDomains: copy(view.globalDomains, 'globalDomains'),
    sources,
  };
  return { gaap: diagnostics.length > 0 ? null : gaap, diagnostics };
}

function resolveCertificate(
  c: GaapDecl<CertificateV1>,
  env: NodeJS.ProcessEnv,
  cache: Map<string, SecretValue>,
  diagnostics: Diagnostic[],
): CertificateDesired | undefined {
  let ok = true;
  const resolve = (field: 'content' | 'key'): string | SecretValue | undefined => {
    const value = c.value[field];
    if (!isSecretRef(value)) return value;
    const id = `${c.file.dir}\0${JSON.stringify(value)}`;
    let secret = cache.get(id);
    if (!secret) {
      try {
        secret = resolveSecret(value, c.file.dir, env);
      } catch (err) {
        ok = false;
        diagnostics.push(
          diagnosticAt(c.file, [...c.path, field], {
            code: 'SECRET_UNRESOLVED',
            message: isEdgeformError(err) ? err.message : `cannot resolve certificates.${c.name}.${field}`,
            fix:
              isEdgeformError(err) && err.resolution !== undefined
                ? err.resolution
                : 'check the secret reference ({env: NAME} or {file: path})',
          }),
        );
        return undefined;
      }
      cache.set(id, secret);
    }
    return secret;
  };
  const { content: _content, key: _key, ...rest } = structuredClone(c.value);
  const content = resolve('content');
  const key = resolve('key');
  if (!ok || content === undefined) return undefined;
  return { ...rest, content, ...(key === undefined ? {} : { key }) };
}
