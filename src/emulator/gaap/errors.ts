import { KNOWN_ERROR_CODES } from './catalog.js';
import { TAG_ERROR_CODES } from './tag-catalog.js';

/** A business or common error answered in the `Response.Error` envelope (always HTTP 200). */
export class GaapError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    // Guard against typos: the real codes have odd spellings ("Runing") that must be matched exactly.
    if (!KNOWN_ERROR_CODES.has(code) && !TAG_ERROR_CODES.has(code))
      throw new Error(`emulator bug: error code ${code} is not in the GAAP catalog nor the Tag API's`);
  }
}

export function fail(code: string, message: string): never {
  throw new GaapError(code, message);
}

export function notFound(what: string, id: string): never {
  return fail('ResourceNotFound', `The ${what} \`${id}\` does not exist.`);
}
