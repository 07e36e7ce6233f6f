import { EdgeformError } from '../core/errors.js';
import { BAISHAN_DEFAULT_ENDPOINT } from '../providers/baishan/baishan-client.js';
import { DEFAULT_GAAP_ENDPOINT } from '../providers/gaap/gaap-client.js';

export type Vendor = 'gaap' | 'baishan';

const VENDOR = {
  gaap: { envVar: 'EDGEFORM_GAAP_ENDPOINT', vendorEndpoint: DEFAULT_GAAP_ENDPOINT, yamlKey: 'gaap' },
  baishan: {
    envVar: 'EDGEFORM_BAISHAN_ENDPOINT',
    vendorEndpoint: BAISHAN_DEFAULT_ENDPOINT,
    yamlKey: 'baishan',
  },
} as const;

/** Set to `1` to let `providers.*.endpoint` in the YAML receive the credentials. */
export const ALLOW_YAML_ENDPOINTS = 'EDGEFORM_ALLOW_YAML_ENDPOINTS';

/**
 * Where a vendor's credentials may be sent. The operator decides, never the desired-state file:
 * in a GitOps flow the YAML comes from a pull request and runs with the repository's secrets, so an
 * endpoint written there could collect the token or signed requests.
 *
 * - `EDGEFORM_<VENDOR>_ENDPOINT` (the operator's environment) wins and is used as given;
 * - else an endpoint in the YAML is refused, unless it is the vendor's own host over HTTPS or the
 *   environment sets EDGEFORM_ALLOW_YAML_ENDPOINTS=1 — and even then only over HTTPS, or plain
 *   HTTP to a loopback address;
 * - else the vendor's host over HTTPS.
 */
export function endpointFor(
  vendor: Vendor,
  env: NodeJS.ProcessEnv,
  yamlEndpoint: string | undefined,
): string {
  const { envVar, vendorEndpoint, yamlKey } = VENDOR[vendor];
  const fromEnv = env[envVar]?.trim();
  if (fromEnv) return fromEnv;
  if (!yamlEndpoint) return vendorEndpoint;
  const url = parseUrl(yamlEndpoint);
  if (url && url.protocol === 'https:' && url.origin === new URL(vendorEndpoint).origin) return yamlEndpoint;
  const where = `providers.${yamlKey}.endpoint (${url ? url.origin : 'not a URL'})`;
  if (env[ALLOW_YAML_ENDPOINTS] !== '1') {
    throw new EdgeformError({
      code: 'ENDPOINT_NOT_ALLOWED',
      message: `the desired state sets ${where}: edgeform sends credentials only to the vendor's host or to an endpoint the environment sets`,
      resolution: `remove providers.${yamlKey}.endpoint from the YAML and set ${envVar}=<url> in the environment instead, or set ${ALLOW_YAML_ENDPOINTS}=1 if the YAML is as trusted as the credentials`,
    });
  }
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname)))) {
    throw new EdgeformError({
      code: 'ENDPOINT_NOT_ALLOWED',
      message: `${where} is not an https:// URL: credentials are sent in the clear only to a loopback address`,
      resolution: `use an https:// endpoint, or set ${envVar}=<url> in the environment`,
    });
  }
  return yamlEndpoint;
}

function parseUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/** 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
