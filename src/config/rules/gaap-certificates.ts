import { isSecretRef } from '../../core/secrets.js';
import type { CertificateType } from '../../model/gaap-desired-types.js';
import type { Diagnostic } from '../diagnostic-types.js';
import { diagnosticAt } from './rule-helpers.js';
import type { Rule } from './rule-types.js';
import { unresolvedSecret } from './secret-refs.js';

/** CertificateKey is sent for SSL certificates only: the server's own and the one GAAP shows origins. */
export const KEYED_CERTIFICATE_TYPES: ReadonlySet<CertificateType> = new Set(['server', 'gaap']);

/**
 * A server or gaap certificate needs its private key; the other types have none. The key is a
 * secret: written inline it would sit in Git, so unlike Baishan's inline secrets it is an error.
 */
export const gaapCertificateKeyRule: Rule = {
  name: 'gaap-certificate-key',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const c of ctx.gaap.certificates) {
      const { type, key } = c.value;
      const keyed = KEYED_CERTIFICATE_TYPES.has(type);
      if (key === undefined) {
        if (!keyed) continue;
        out.push(
          diagnosticAt(c.file, c.path, {
            code: 'MISSING_KEY',
            message: `certificate \`${c.name}\` of type ${type} has no \`key\``,
            fix: 'add `key: {file: path/to/key.pem}` (or {env: NAME}): a server or gaap certificate needs its private key',
          }),
        );
        continue;
      }
      if (!keyed) {
        out.push(
          diagnosticAt(
            c.file,
            [...c.path, 'key'],
            {
              code: 'FIELD_NOT_ALLOWED',
              message: `a ${type} certificate has no private key`,
              fix: 'remove `key`: only server and gaap certificates take one',
            },
            'key',
          ),
        );
        continue;
      }
      if (typeof key === 'string') {
        // The value itself is never quoted back: it is a private key.
        out.push(
          diagnosticAt(c.file, [...c.path, 'key'], {
            code: 'INLINE_SECRET',
            message: `the private key of certificate \`${c.name}\` is written inline, so it would be committed to Git`,
            fix: 'move the key to a file outside the repository (or an environment variable) and write `key: {file: path}` or `key: {env: NAME}`',
          }),
        );
      }
    }
    return out;
  },
};

/**
 * A certificate's display name (CertificateAlias) is edgeform's only way to find the certificates
 * it creates (`ef.<stack>.<name>`: certificates take no tags), so `name` is for adopted ones, found
 * by their ID; and never an `ef.` alias, which would read as an owned certificate once the
 * binding goes.
 */
export const gaapCertificateNameRule: Rule = {
  name: 'gaap-certificate-name',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const c of ctx.gaap.certificates) {
      const { name, adopt } = c.value;
      if (name === undefined) continue;
      const at = [...c.path, 'name'];
      if (adopt === undefined) {
        out.push(
          diagnosticAt(
            c.file,
            at,
            {
              code: 'FIELD_NOT_ALLOWED',
              message: `certificate \`${c.name}\` has a display name but is not adopted: edgeform names the certificates it creates ef.<stack>.${c.name}, and that alias is how it finds them (certificates take no tags)`,
              fix: 'remove `name`; a display name can be set on a certificate bound with `adopt: cert-…`, which is found by its ID',
            },
            'key',
          ),
        );
      } else if (name.startsWith('ef.')) {
        out.push(
          diagnosticAt(c.file, at, {
            code: 'INVALID_VALUE',
            message: `the display name ${JSON.stringify(name)} begins with \`ef.\`, the prefix of the aliases edgeform finds its own certificates by`,
            fix: 'choose a name that does not begin with `ef.`',
          }),
        );
      }
    }
    return out;
  },
};

/**
 * Certificate references must resolve now (a plan without them would be wrong), and an inline
 * `content` must be the PEM itself: a path written as a plain string is the usual slip.
 */
export const gaapCertificateContentRule: Rule = {
  name: 'gaap-certificate-content',
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const c of ctx.gaap.certificates) {
      for (const field of ['content', 'key'] as const) {
        const value = c.value[field];
        if (!isSecretRef(value)) continue;
        const d = unresolvedSecret(
          c.file,
          [...c.path, field],
          value,
          ctx.env,
          `certificates.${c.name}.${field}`,
        );
        if (d) out.push(d);
      }
      const { content, type } = c.value;
      if (typeof content !== 'string' || type === 'basic-auth' || content.includes('-----BEGIN ')) continue;
      out.push(
        diagnosticAt(c.file, [...c.path, 'content'], {
          code: 'INVALID_VALUE',
          message: `the content of certificate \`${c.name}\` is not a PEM certificate (no -----BEGIN line)`,
          fix: /\.(pem|crt|cer)$/i.test(content.trim())
            ? `to read a file, write \`content: {file: ${content.trim()}}\``
            : 'paste the PEM certificate (a YAML block scalar `|` keeps its lines), or write `content: {file: path}`',
        }),
      );
    }
    return out;
  },
};
