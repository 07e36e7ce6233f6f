import { X509Certificate } from 'node:crypto';
import { EdgeformError } from '../../../core/errors.js';
import { isSecretValue, type SecretValue, secretFingerprint } from '../../../core/secrets.js';
import {
  CERTIFICATE_TYPE_CODES,
  type CertificateDesired,
  type CertificateType,
} from '../../../model/gaap-desired-types.js';
import type { GaapKindModule } from '../engine/kind-module.js';
import { addr, type ReadContext } from '../engine/kind-module.js';
import type { DesiredNode, LiveNode, LookupSpec } from '../engine/node-types.js';
import type { CertificateDetail } from '../gaap-types.js';
import { listAll, PAGE_LIMITS } from '../paging.js';
import { adoptionsOf, refuseMissingAdoptions } from './adoption.js';
import { defined, ID_OUTPUT, logicalName, withSource } from './common.js';

export const CERTIFICATE = 'gaap_certificate';

/** Documented maximum of CertificateAlias (ModifyCertificateAttributes; enforced on create too). */
const MAX_ALIAS = 50;

const TYPE_OF_CODE = new Map(
  Object.entries(CERTIFICATE_TYPE_CODES).map(([name, code]) => [code, name as CertificateType]),
);

/**
 * NOTE: certificates take no tags, so the alias is the ownership marker: edgeform names what it
 * creates `ef.<stack>.<name>` and reads back only aliases with its stack's prefix (stack names
 * have no dots, so one stack's prefix never matches another's).
 */
export function certificateAlias(stack: string, name: string): string {
  return `${aliasPrefix(stack)}${name}`;
}

const aliasPrefix = (stack: string) => `ef.${stack}.`;

/** Where certificate contents land in an export, relative to the YAML file. */
export const CERT_DIR = 'certs';

/** `EDGEFORM_CERT_<NAME>_KEY`, e.g. EDGEFORM_CERT_SHOP_TLS_KEY. */
export function certKeyVariable(name: string): string {
  return `EDGEFORM_CERT_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_KEY`;
}

/** A certificate as export writes it: its content in a file, its key in an environment variable. */
export interface ExportedCertificate extends Omit<CertificateDesired, 'content' | 'key'> {
  content: { file: string };
  key?: { env: string };
}

interface CertificateSpec {
  name: string;
  alias: string;
  typeCode: number;
  cert: CertificateDesired;
}

interface CertificateRaw {
  alias: string;
}

/**
 * Certificates. Content and key do not change in place (ModifyCertificateAttributes takes the
 * alias only), so new content or a new key is a replacement, made create-first: the new
 * certificate is created, listeners and domains are repointed, then the old one is deleted.
 * Content and key are compared by fingerprint, so no secret is held in the plan's live data.
 * The display name (`name`, the alias) of an adopted certificate changes in place; the ones
 * edgeform creates keep `ef.<stack>.<name>`, their identity (the config rules refuse `name` there).
 */
export const certificateKind: GaapKindModule<CertificateSpec, CertificateRaw, ExportedCertificate> = {
  readStage: 1,
  apiActions: [
    'CreateCertificate',
    'DeleteCertificate',
    'DescribeCertificateDetail',
    'DescribeCertificates',
    'ModifyCertificateAttributes',
  ],
  handler: {
    type: CERTIFICATE,
    updatable: { name: 'name' },
    cascades: false,
    replaceOrder: 'create-first',
    outputs: ID_OUTPUT,
    create(node, b, replaced) {
      const { spec } = node;
      b.add({
        operation: 'create',
        summary: `CreateCertificate ${spec.alias} (${spec.cert.type})`,
        calls: [
          {
            action: 'CreateCertificate',
            params: defined({
              CertificateType: spec.typeCode,
              CertificateContent: wire(spec.cert.content),
              CertificateAlias: spec.alias,
              CertificateKey: spec.cert.key === undefined ? undefined : wire(spec.cert.key),
            }),
            outputs: { id: 'CertificateId' },
            lookup: lookupFor(spec, replaced),
          },
        ],
      });
    },
    update(node, live, groups, b) {
      if (!groups.includes('name')) return;
      b.add({
        operation: 'update',
        summary: `ModifyCertificateAttributes ${live.id} name ${String(node.attrs.name)}`,
        calls: [
          {
            action: 'ModifyCertificateAttributes',
            params: { CertificateId: live.id, CertificateAlias: node.attrs.name },
          },
        ],
      });
    },
    delete(live, b) {
      b.add({
        operation: 'delete',
        summary: `DeleteCertificate ${live.id} (${live.raw.alias})`,
        calls: [
          {
            action: 'DeleteCertificate',
            params: { CertificateId: live.id },
            okCodes: ['ResourceNotFound'],
          },
        ],
      });
    },
  },
  desired(ctx) {
    return Object.entries(ctx.model.certificates ?? {}).map(([name, cert]): DesiredNode<CertificateSpec> => {
      const alias = certificateAlias(ctx.stack, name);
      if (alias.length > MAX_ALIAS) {
        throw new EdgeformError({
          code: 'GAAP_NAME_TOO_LONG',
          message: `certificate ${name}: its alias ${alias} is longer than GAAP's ${MAX_ALIAS} characters`,
          resolution: `shorten the certificate's name (or the stack's): edgeform names certificates ef.<stack>.<name>, at most ${MAX_ALIAS} characters`,
        });
      }
      return {
        address: addr.certificate(name),
        type: CERTIFICATE,
        refs: [],
        attrs: {
          type: cert.type,
          content: fingerprint(cert.content),
          key: cert.key === undefined ? undefined : fingerprint(cert.key),
          // Not declared = not managed; declared on adopted certificates only (config rules).
          name: cert.name,
        },
        sensitive: ['content', 'key'],
        protect: cert.protect ?? false,
        ...withSource(ctx.source(`certificates.${name}`)),
        spec: { name, alias, typeCode: CERTIFICATE_TYPE_CODES[cert.type], cert } satisfies CertificateSpec,
      };
    });
  },
  async read(ctx) {
    const prefix = aliasPrefix(ctx.stack);
    const all = await listAll(ctx.client, 'DescribeCertificates', {}, 'CertificateSet');
    const adoptions = adoptionsOf(ctx, 'certificates');
    const replacedAdoptions = replacementsOfAdopted(ctx, adoptions, all);
    refuseMissingAdoptions(ctx, 'certificates', [
      ...all.map((c) => c.CertificateId),
      ...replacedAdoptions.keys(),
    ]);
    // An adopted certificate keeps its alias; the binding is its identity.
    const owned = all.filter((c) => adoptions.has(c.CertificateId) || c.CertificateAlias?.startsWith(prefix));
    const details = await Promise.all(
      owned.map(
        async (c) =>
          (await ctx.client.call('DescribeCertificateDetail', { CertificateId: c.CertificateId }))
            .CertificateDetail,
      ),
    );
    const replacedNames = new Set(replacedAdoptions.values());
    const byName = new Map<string, { detail: CertificateDetail; attrs: Record<string, unknown> }[]>();
    for (const detail of details) {
      const name = adoptions.get(detail.CertificateId) ?? detail.CertificateAlias.slice(prefix.length);
      const type = TYPE_OF_CODE.get(detail.CertificateType);
      const attrs = {
        type: type ?? `type ${detail.CertificateType}`,
        content: fingerprint(decode(detail.CertificateContent)),
        key: detail.CertificateKey ? fingerprint(decode(detail.CertificateKey)) : undefined,
        // A replacement of an adopted certificate keeps its alias, its identity now: `name:` is not
        // applied to it (renaming it would lose it), and the plan warns to remove `adopt:`/`name:`.
        name: replacedNames.has(name) ? ctx.model.certificates?.[name]?.name : detail.CertificateAlias,
      };
      byName.set(name, [...(byName.get(name) ?? []), { detail, attrs }]);
    }
    const out: LiveNode<CertificateRaw>[] = [];
    for (const [name, found] of byName) {
      const primary = pickPrimary(found, ctx.model.certificates?.[name]);
      for (const f of found) {
        // NOTE: two certificates under one alias are what an interrupted rotation leaves (created,
        // not yet deleted). The one matching the YAML (else the newest) keeps the address; the
        // others get one of their own, absent from the YAML, so the plan repoints their users and
        // deletes them.
        const address =
          f === primary ? addr.certificate(name) : addr.certificate(`${name}@${f.detail.CertificateId}`);
        out.push({
          address,
          type: CERTIFICATE,
          id: f.detail.CertificateId,
          attrs: f.attrs,
          raw: { alias: f.detail.CertificateAlias },
        });
      }
    }
    return out;
  },
  export: {
    section: 'certificates',
    /**
     * NOTE: the certificate kind keeps no content in its live node (only fingerprints), so each
     * owned certificate's content is read again for export. Its key comes back too and is dropped
     * at once: the file references it as `{env: EDGEFORM_CERT_<NAME>_KEY}`.
     */
    toDesired(n, ctx) {
      const name = logicalName(n.address, 'certificate');
      if (!name) {
        ctx.warn(
          `${n.address}: a second certificate under the alias ${n.raw.alias} (an interrupted rotation); left out, so plan will propose deleting it`,
        );
        return undefined;
      }
      const type = n.attrs.type as CertificateType;
      if (!['basic-auth', 'client-ca', 'server', 'origin-ca', 'gaap'].includes(type)) {
        ctx.warn(`${n.address}: unknown certificate ${type}; left out`);
        return undefined;
      }
      const path = `${CERT_DIR}/${name}.${type === 'basic-auth' ? 'htpasswd' : 'pem'}`;
      ctx.file(path, async (client) => {
        const detail = (await client.call('DescribeCertificateDetail', { CertificateId: n.id }))
          .CertificateDetail;
        let content = detail.CertificateContent;
        try {
          content = decodeURIComponent(content);
        } catch {
          // Not URL-encoded: kept as read (the kind compares it the same way).
        }
        return content.endsWith('\n') ? content : `${content}\n`;
      });
      const keyed = type === 'server' || type === 'gaap';
      if (keyed) ctx.secret(certKeyVariable(name), name);
      return {
        type,
        content: { file: path },
        ...(keyed ? { key: { env: certKeyVariable(name) } } : {}),
      };
    },
  },
};

/**
 * NOTE: certificates change content only by replacement, and the replacement of an adopted
 * certificate is created as edgeform's own (alias `ef.<stack>.<name>`, the one ownership marker a
 * certificate can carry) while the adopted one is deleted. Its `adopt: <id>` then names an ID that
 * no longer exists: when a certificate under the declaration's alias exists, that binding is
 * satisfied by it (the stack finds it by alias, as any certificate it created) and the plan warns,
 * located, that `adopt:` (and `name:`, which would rename the alias away) can be removed — instead
 * of failing every later plan with GAAP_ADOPT_NOT_FOUND. Returns adopted ID → logical name.
 */
function replacementsOfAdopted(
  ctx: Pick<ReadContext, 'stack' | 'model' | 'warnings'>,
  adoptions: ReadonlyMap<string, string>,
  all: readonly { CertificateId: string; CertificateAlias?: string | null }[],
): Map<string, string> {
  const ids = new Set(all.map((c) => c.CertificateId));
  const out = new Map<string, string>();
  for (const [id, name] of adoptions) {
    if (ids.has(id)) continue;
    const alias = certificateAlias(ctx.stack, name);
    const replacement = all.find((c) => c.CertificateAlias === alias);
    if (!replacement) continue;
    out.set(id, name);
    const at = ctx.model.sources?.[`certificates.${name}`];
    const named = ctx.model.certificates?.[name]?.name !== undefined;
    ctx.warnings.push({
      address: addr.certificate(name),
      message: `${at ? `${at.file}:${at.line}:${at.column}: ` : ''}gaap.certificates.${name}: the adopted certificate ${id} was replaced by ${replacement.CertificateId} (${alias}), which the stack owns by its alias; remove \`adopt: ${id}\`${named ? ' and `name:` (a certificate edgeform creates keeps its alias)' : ''}`,
    });
  }
  return out;
}

function pickPrimary<T extends { detail: CertificateDetail; attrs: Record<string, unknown> }>(
  found: T[],
  desired: CertificateDesired | undefined,
): T {
  // A bare binding (export reads with `{ adopt }` only) has no content to match.
  const matching = desired?.content
    ? found.find(
        (f) =>
          f.attrs.content === fingerprint(desired.content) &&
          f.attrs.key === (desired.key === undefined ? undefined : fingerprint(desired.key)),
      )
    : undefined;
  return matching ?? [...found].sort((a, b) => b.detail.CreateTime - a.detail.CreateTime)[0]!;
}

function reveal(v: string | SecretValue): string {
  return isSecretValue(v) ? v.reveal() : v;
}

/**
 * NOTE: trailing whitespace is not compared: a PEM read from a file or a YAML block keeps a final
 * newline or not depending on the editor, and the certificate is the same.
 */
function fingerprint(v: string | SecretValue): string {
  return secretFingerprint(reveal(v).trimEnd());
}

/**
 * GAAP takes content and key URL-encoded. A secret is encoded by the step runner when it is
 * revealed; a plain string (an inline PEM) is encoded here.
 */
function wire(v: string | SecretValue): string | SecretValue {
  return isSecretValue(v) ? v : encodeURIComponent(v);
}

/** NOTE: DescribeCertificateDetail returns content and key as they were sent: URL-encoded PEM. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A create with an unknown outcome is looked up by alias and type — never taking the certificate a
 * rotation replaces (same alias and type, still live) for the new one. NOTE: content that parses
 * as X.509 is matched by its validity too (from the PEM), so a certificate of another run under
 * the same alias is not adopted by mistake; basic-auth content has no such field, and the alias
 * (`ef.<stack>.<name>`, edgeform's ownership marker) with the run lease is what tells it apart.
 */
function lookupFor(spec: CertificateSpec, replaced: LiveNode<CertificateRaw> | undefined): LookupSpec {
  const match: Record<string, unknown> = { CertificateAlias: spec.alias, CertificateType: spec.typeCode };
  if (spec.typeCode !== CERTIFICATE_TYPE_CODES['basic-auth']) {
    try {
      const x509 = new X509Certificate(reveal(spec.cert.content));
      match.BeginTime = Math.floor(Date.parse(x509.validFrom) / 1000);
      match.EndTime = Math.floor(Date.parse(x509.validTo) / 1000);
    } catch {
      // Not X.509 (plan refuses content that is not PEM; a saved plan's may be): alias and type.
    }
  }
  return {
    action: 'DescribeCertificates',
    // NOTE: one page only; with more certificates of this type than a page holds, the lookup may
    // miss and the create is re-sent — a duplicate that the next plan's read cleans up.
    params: { CertificateType: spec.typeCode, Offset: 0, Limit: PAGE_LIMITS.DescribeCertificates },
    items: 'CertificateSet',
    match,
    ...(replaced ? { exclude: { CertificateId: [replaced.id] } } : {}),
    outputs: { id: 'CertificateId' },
  };
}
