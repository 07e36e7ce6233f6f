import type { EdgeformEvent, EventSink } from '../core/event-types.js';
import type { Colors } from './colors.js';

export interface ReporterOptions {
  stream: NodeJS.WriteStream;
  colors: Colors;
  /** Live single-line view (TTY, not CI). Otherwise plain timestamped lines. */
  live: boolean;
  verbose: boolean;
  now?: () => Date;
  /** Outside a TTY, the apply's progress is one line at most this often (default 10 s). */
  ciProgressEveryMs?: number;
}

type ProgressEvent = Extract<EdgeformEvent, { kind: 'progress' }>;

const seconds = (ms: number) => `${Math.ceil(ms / 1000)}s`;

/**
 * One line of an apply's progress: `[12/40] 3 running · 5 waiting · 1 failed · eta 42s`, and, when
 * ready steps wait for a vendor's rate budget, for which and how long.
 */
export function progressText(e: ProgressEvent): string {
  const parts = [`[${e.done + e.failed + e.skipped}/${e.total}] ${e.inFlight} running`];
  if (e.waiting) parts.push(`${e.waiting} waiting for ready`);
  parts.push(`${e.failed} failed`);
  if (e.budgetWait)
    parts.push(
      `${e.budgetWait.provider} ${e.budgetWait.what} rate limit: next in ${seconds(e.budgetWait.waitMs)}`,
    );
  if (e.etaMs !== undefined) parts.push(`eta ${seconds(e.etaMs)}`);
  return parts.join(' · ');
}

/**
 * Renders core events on stderr. On a TTY a single status line is redrawn in place; elsewhere
 * (CI, pipes) each event worth knowing is one timestamped line.
 */
export function createReporter(opts: ReporterOptions): EventSink & { finish(): void } {
  const c = opts.colors;
  const now = opts.now ?? (() => new Date());
  let statusShown = false;
  const clearStatus = () => {
    if (statusShown) {
      opts.stream.write('\r\x1b[2K');
      statusShown = false;
    }
  };
  const line = (text: string) => {
    clearStatus();
    const stamp = opts.live ? '' : `${c.dim(now().toISOString())} `;
    opts.stream.write(`${stamp}${text}\n`);
  };
  // In CI, a long read is reported about every tenth of the way, not on every call.
  const readSteps = new Map<string, number>();
  let lastProgressLine = Number.NEGATIVE_INFINITY;
  const ciEvery = opts.ciProgressEveryMs ?? 10_000;
  const shouldLogRead = (provider: string, done: number, total: number): boolean => {
    const step = Math.floor((done * 10) / total);
    if (step <= (readSteps.get(provider) ?? 0)) return false;
    readSteps.set(provider, step);
    return true;
  };
  const sink = (e: EdgeformEvent) => {
    switch (e.kind) {
      case 'info':
        line(e.message);
        break;
      case 'warning':
        line(`${c.yellow('warning')}: ${e.message}`);
        break;
      case 'read-start':
        if (opts.verbose) line(`reading ${e.provider}: ${e.what}`);
        break;
      case 'read-progress': {
        const eta = e.etaMs === undefined || e.done === e.total ? '' : ` · eta ${Math.ceil(e.etaMs / 1000)}s`;
        const text = `reading ${e.provider}: ${e.done}/${e.total} calls${eta}`;
        if (opts.live) {
          clearStatus();
          opts.stream.write(c.dim(text));
          statusShown = true;
        } else if (e.total >= 10 && e.done < e.total && shouldLogRead(e.provider, e.done, e.total)) {
          line(c.dim(text));
        }
        break;
      }
      case 'read-done':
        line(`${c.dim('read')} ${e.provider}: ${e.what} in ${e.calls} call${e.calls === 1 ? '' : 's'}`);
        break;
      case 'api-call':
        if (opts.verbose)
          line(c.dim(`${e.provider} ${e.action} ${e.status} ${e.durationMs}ms attempt ${e.attempt}`));
        break;
      case 'throttled':
        line(`${c.yellow('throttled')} ${e.provider} ${e.action}: waiting ${(e.waitMs / 1000).toFixed(1)}s`);
        break;
      case 'retry':
        line(
          `${c.yellow('retry')} ${e.provider} ${e.action} (attempt ${e.attempt}) in ${(e.waitMs / 1000).toFixed(1)}s: ${e.reason}`,
        );
        break;
      case 'step-start':
        if (!opts.live) line(`${c.cyan('start')} ${e.summary}`);
        break;
      case 'step-wait':
        // Hundreds of objects may wait at once: the progress line counts them.
        if (opts.verbose)
          line(`${c.dim('waiting')} ${e.stepId}: ${e.waitingFor}${e.lastSeen ? ` (now ${e.lastSeen})` : ''}`);
        break;
      case 'step-done':
        line(`${c.green('done')}  ${e.summary} ${c.dim(`(${(e.durationMs / 1000).toFixed(1)}s)`)}`);
        break;
      case 'step-failed':
        line(`${c.red('failed')} ${e.summary}: ${e.error} [${e.code}]`);
        break;
      case 'step-skipped':
        line(`${c.dim('skipped')} ${e.summary}: ${e.reason}`);
        break;
      case 'progress':
        // The executor emits this on a timer, so the live line never freezes through a long wait.
        if (opts.live) {
          clearStatus();
          opts.stream.write(c.dim(progressText(e)));
          statusShown = true;
        } else {
          const t = now().getTime();
          const settled = e.done + e.failed + e.skipped;
          if (settled < e.total && t - lastProgressLine >= ciEvery) {
            lastProgressLine = t;
            line(c.dim(progressText(e)));
          }
        }
        break;
      default: {
        const never: never = e;
        void never;
      }
    }
  };
  return Object.assign(sink, { finish: clearStatus });
}
