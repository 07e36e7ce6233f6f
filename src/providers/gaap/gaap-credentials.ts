import { EdgeformError } from '../../core/errors.js';
import type { Tc3Credentials } from './tc3-sign.js';

/**
 * Reads the Tencent Cloud key pair the way the official SDKs and CLI do. Never echoes a value:
 * errors name the missing variables only.
 */
export function gaapCredentialsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Tc3Credentials {
  const secretId = env.TENCENTCLOUD_SECRET_ID?.trim();
  const secretKey = env.TENCENTCLOUD_SECRET_KEY?.trim();
  const token = env.TENCENTCLOUD_SESSION_TOKEN?.trim();
  const missing = [
    ...(secretId ? [] : ['TENCENTCLOUD_SECRET_ID']),
    ...(secretKey ? [] : ['TENCENTCLOUD_SECRET_KEY']),
  ];
  if (!secretId || !secretKey) {
    throw new EdgeformError({
      code: 'GAAP_CREDENTIALS_MISSING',
      message: `Tencent Cloud credentials are missing: ${missing.join(' and ')} not set.`,
      source: 'user',
      resolution:
        'Export TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (an API key from the CAM console); for temporary (STS) credentials also export TENCENTCLOUD_SESSION_TOKEN.',
    });
  }
  // NOTE: the doc says not to send X-TC-Token with long-term keys, so an empty token means none.
  return token ? { secretId, secretKey, token } : { secretId, secretKey };
}
