/**
 * The core never prints: it emits typed events and the CLI chooses how to render them
 * (a live view on a TTY, timestamped lines in CI, JSON lines in a log file).
 */
export type EdgeformEvent =
  | { kind: 'info'; message: string }
  | { kind: 'warning'; message: string }
  | { kind: 'read-start'; provider: string; what: string }
  | { kind: 'read-progress'; provider: string; done: number; total: number; etaMs?: number }
  | { kind: 'read-done'; provider: string; what: string; calls: number }
  | {
      kind: 'api-call';
      provider: string;
      action: string;
      durationMs: number;
      status: 'ok' | 'error';
      requestId?: string;
      errorCode?: string;
      attempt: number;
    }
  | { kind: 'throttled'; provider: string; action: string; waitMs: number; reason: string }
  | { kind: 'retry'; provider: string; action: string; attempt: number; waitMs: number; reason: string }
  | { kind: 'step-start'; stepId: string; summary: string }
  | { kind: 'step-wait'; stepId: string; waitingFor: string; lastSeen?: string }
  | { kind: 'step-done'; stepId: string; summary: string; durationMs: number }
  | { kind: 'step-failed'; stepId: string; summary: string; error: string; code: string }
  | { kind: 'step-skipped'; stepId: string; summary: string; reason: string }
  | {
      kind: 'progress';
      done: number;
      failed: number;
      skipped: number;
      total: number;
      /** Steps holding a slot (their calls in flight). */
      inFlight: number;
      /** Steps whose change was sent, waiting (holding no slot) for an asynchronous state. */
      waiting?: number;
      etaMs?: number;
      /** Ready steps wait for a vendor's rate budget (`what`: e.g. the GAAP action) this long. */
      budgetWait?: { provider: string; what: string; waitMs: number };
    };

export type EventSink = (event: EdgeformEvent) => void;
