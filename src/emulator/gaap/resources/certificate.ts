import { createPrivateKey, X509Certificate } from 'node:crypto';
import { fail, notFound } from '../errors.js';
import { type Ctx, type Handler, num, ordered, page, type ResourceModule, secondsOf, str } from '../state.js';
import type { ValueRule } from '../validation-rules.js';

export interface CertificateRec {
  seq: number;
  CertificateId: string;
  CertificateType: number;
  CertificateAlias: string;
  CertificateContent: string;
  CertificateKey: string;
  CreateTime: number;
  BeginTime: number;
  EndTime: number;
  IssuerCN: string;
  SubjectCN: string;
}

declare module '../state.js' {
  interface GaapTables {
    certificates: Record<string, CertificateRec>;
  }
}

export function getCertificate(ctx: Ctx, id: string, code = 'ResourceNotFound'): CertificateRec {
  const c = ctx.state.certificates[id];
  if (!c) {
    if (code === 'ResourceNotFound') notFound('certificate', id);
    fail(code, `The certificate \`${id}\` does not exist.`);
  }
  return c;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    fail(
      'InvalidParameterValue.InvalidCertificateContent',
      'The certificate content is not valid URL encoding.',
    );
  }
}

const KEY_TYPES = new Set([2, 4]);
const DAY_S = 86_400;

interface CertMeta {
  BeginTime: number;
  EndTime: number;
  IssuerCN: string;
  SubjectCN: string;
}

const cn = (dn: string) => /CN=([^\n,]+)/.exec(dn)?.[1] ?? '';

/**
 * Validates content and key the way the API's error codes suggest. Real PEM is parsed for its
 * validity and names (and the key checked against it); test fixtures that only look like PEM are
 * accepted with synthetic metadata.
 */
function inspect(type: number, content: string, key: string | undefined, nowS: number): CertMeta {
  const fallback = {
    BeginTime: nowS,
    EndTime: nowS + 365 * DAY_S,
    IssuerCN: 'edgeform emulator CA',
    SubjectCN: '',
  };
  if (type === 0) {
    if (!/^[^:\s]+:\S+/.test(content)) {
      fail(
        'InvalidParameterValue.InvalidCertificateContent',
        'Basic-auth content must be user:password-hash lines.',
      );
    }
    return fallback;
  }
  if (!content.includes('-----BEGIN CERTIFICATE-----')) {
    fail(
      'InvalidParameterValue.InvalidCertificateContent',
      'The certificate content is not a PEM certificate.',
    );
  }
  if (KEY_TYPES.has(type) && (!key || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key))) {
    fail('InvalidParameterValue.InvalidCertificateKey', 'An SSL certificate needs its PEM private key.');
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(content);
  } catch {
    return fallback;
  }
  if (KEY_TYPES.has(type) && key) {
    let matches = false;
    try {
      matches = x509.checkPrivateKey(createPrivateKey(key));
    } catch {
      fail('InvalidParameterValue.InvalidCertificateKey', 'The private key cannot be parsed.');
    }
    if (!matches)
      fail('InvalidParameterValue.CertificateContentNotMatchKey', 'The key does not match the certificate.');
  }
  return {
    BeginTime: secondsOf(Date.parse(x509.validFrom)),
    EndTime: secondsOf(Date.parse(x509.validTo)),
    IssuerCN: cn(x509.issuer),
    SubjectCN: cn(x509.subject),
  };
}

function meta(c: CertificateRec) {
  return {
    CertificateId: c.CertificateId,
    // CertificateName is the legacy name of CertificateAlias.
    CertificateName: c.CertificateAlias,
    CertificateType: c.CertificateType,
    CertificateAlias: c.CertificateAlias,
    CreateTime: c.CreateTime,
    BeginTime: c.BeginTime,
    EndTime: c.EndTime,
    IssuerCN: c.IssuerCN,
    SubjectCN: c.SubjectCN,
  };
}

const actions: Record<string, Handler> = {
  CreateCertificate: (ctx, p) => {
    const type = p.CertificateType as number;
    const content = decode(p.CertificateContent as string);
    const rawKey = str(p, 'CertificateKey');
    const key = rawKey !== undefined ? decode(rawKey) : undefined;
    const m = inspect(type, content, key, secondsOf(ctx.now));
    const id = ctx.newId('cert');
    ctx.state.certificates[id] = {
      seq: ctx.nextSeq(),
      CertificateId: id,
      CertificateType: type,
      CertificateAlias: str(p, 'CertificateAlias') ?? '',
      // Stored as sent (URL-encoded), which is also how DescribeCertificateDetail returns it.
      CertificateContent: p.CertificateContent as string,
      // Only SSL certificates have a key; one sent with another type is ignored.
      CertificateKey: KEY_TYPES.has(type) ? (rawKey ?? '') : '',
      CreateTime: secondsOf(ctx.now),
      ...m,
    };
    return { CertificateId: id };
  },

  DescribeCertificates: (ctx, p) => {
    const type = num(p, 'CertificateType') ?? -1;
    const items = ordered(ctx.state.certificates).filter((c) => type === -1 || c.CertificateType === type);
    return { CertificateSet: page(items, p).map(meta), TotalCount: items.length };
  },

  DescribeCertificateDetail: (ctx, p) => {
    const c = getCertificate(ctx, p.CertificateId as string);
    const { CertificateName: _legacy, ...rest } = meta(c);
    return {
      CertificateDetail: {
        ...rest,
        CertificateContent: c.CertificateContent,
        CertificateKey: c.CertificateKey,
      },
    };
  },

  ModifyCertificateAttributes: (ctx, p) => {
    const c = getCertificate(ctx, p.CertificateId as string);
    // NOTE: the summary says "name and content" but only the alias is a parameter.
    const alias = str(p, 'CertificateAlias');
    if (alias !== undefined) c.CertificateAlias = alias;
    return {};
  },

  DeleteCertificate: (ctx, p) => {
    const c = getCertificate(ctx, p.CertificateId as string);
    if (ctx.rel.firstUser('certificates', c.CertificateId)) {
      fail(
        'FailedOperation.CertificateIsUsing',
        `Certificate ${c.CertificateId} is used by a listener or domain.`,
      );
    }
    delete ctx.state.certificates[c.CertificateId];
    return {};
  },
};

/** The alias of a certificate ID ('' for none or an unknown one), as listeners and domains show it. */
export function certAlias(ctx: Ctx, id: string): string {
  return id ? (ctx.state.certificates[id]?.CertificateAlias ?? '') : '';
}

/** Value rules of its parameters (validation-rules.ts). */
const valueRules: Readonly<Record<string, ValueRule>> = {
  // Certificates.
  CertificateType: { enum: [0, 1, 2, 3, 4] },
  'DescribeCertificates.CertificateType': { enum: [-1, 0, 1, 2, 3, 4] },
  CertificateAlias: { maxLength: 50 },
};

/** Certificates (SSL, client CA, basic auth, origin CA, GAAP certificate): listeners and domains use them. */
export const certificateResource: ResourceModule<'certificates'> = {
  // A basic-auth certificate's content is its users' password hashes.
  secretFields: (c) =>
    c.CertificateType === 0 ? ['CertificateKey', 'CertificateContent'] : ['CertificateKey'],
  table: 'certificates',
  noun: 'certificate',
  key: ['CertificateId'],
  ownIds: true,
  actions,
  valueRules,
};
