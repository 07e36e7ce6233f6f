/**
 * The total deadline of one HTTP attempt: connecting, the headers *and* the whole body. undici's
 * own timeouts are per phase and per gap (a body dripping one byte every 20 s never trips a 60 s
 * body timeout), so a server that keeps the connection alive could hold a run forever; this ends
 * the attempt at a fixed time after it began, whatever the server does.
 */
export const CALL_DEADLINE_CODE = 'EDGEFORM_CALL_DEADLINE';
/** One attempt's total, by default (EDGEFORM_CALL_TIMEOUT). */
export const DEFAULT_CALL_MS = 60_000;

export class CallDeadlineError extends Error {
  readonly code = CALL_DEADLINE_CODE;
  constructor(
    readonly ms: number,
    readonly phase: 'headers' | 'body',
  ) {
    super(
      `no complete answer within ${formatSeconds(ms)} (${phase === 'headers' ? 'no headers yet' : 'headers came, the body did not finish'}; the limit of one attempt is EDGEFORM_CALL_TIMEOUT)`,
    );
    this.name = 'CallDeadlineError';
  }
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Runs one attempt under a total deadline. `attempt` gets the signal to hand to the request (it
 * also stops reading the body) and a `headers()` marker to call once the headers arrived, so the
 * error says which part was slow. `outer` (Ctrl-C, a run limit) is combined when given.
 */
export async function withCallDeadline<T>(
  ms: number,
  outer: AbortSignal | undefined,
  attempt: (signal: AbortSignal, headers: () => void) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let phase: 'headers' | 'body' = 'headers';
  const timer = setTimeout(() => controller.abort(new CallDeadlineError(ms, phase)), ms);
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  try {
    return await attempt(signal, () => {
      phase = 'body';
    });
  } catch (e) {
    // undici rejects with its own AbortError: the deadline's reason says what happened.
    if (controller.signal.aborted && !outer?.aborted) throw controller.signal.reason;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
