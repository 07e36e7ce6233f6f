/**
 * Whether a request failed because this process closed its own connection pool (undici's
 * ClientDestroyedError / ClientClosedError): a run that ended (an error elsewhere, Ctrl-C) closes
 * its clients while calls may still be waiting to retry. Nothing can succeed on a closed pool, so
 * such a failure is never retried (a read retried 24 times on one kept a failed drift alive 70 s).
 */
export function isClosedClient(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
