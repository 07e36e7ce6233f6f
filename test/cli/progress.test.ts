import { describe, expect, it } from 'vitest';
import { makeColors } from '../../src/cli/colors.js';
import { createReporter } from '../../src/cli/progress.js';

function sink() {
  const chunks: string[] = [];
  const stream = { write: (s: string) => chunks.push(s) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

describe('progress reporter', () => {
  it('in CI reports a long read about every tenth of the way, with an ETA', () => {
    const out = sink();
    const r = createReporter({
      stream: out.stream,
      colors: makeColors(false),
      live: false,
      verbose: false,
      now: () => new Date(0),
    });
    for (let done = 1; done <= 100; done++)
      r({ kind: 'read-progress', provider: 'baishan', done, total: 100, etaMs: (100 - done) * 2000 });
    r({ kind: 'read-done', provider: 'baishan', what: '1000 domains', calls: 100 });
    const lines = out.text().trim().split('\n');
    const progress = lines.filter((l) => l.includes('reading baishan'));
    expect(progress).toHaveLength(9);
    expect(progress[0]).toBe('1970-01-01T00:00:00.000Z reading baishan: 10/100 calls · eta 180s');
    expect(lines.at(-1)).toBe('1970-01-01T00:00:00.000Z read baishan: 1000 domains in 100 calls');
  });

  it('on a TTY redraws one status line and clears it before the next message', () => {
    const out = sink();
    const r = createReporter({ stream: out.stream, colors: makeColors(false), live: true, verbose: false });
    r({ kind: 'read-progress', provider: 'baishan', done: 1, total: 3, etaMs: 4000 });
    r({ kind: 'read-progress', provider: 'baishan', done: 2, total: 3, etaMs: 2000 });
    r({ kind: 'progress', done: 1, failed: 0, skipped: 0, total: 4, inFlight: 2, etaMs: 3000 });
    r({ kind: 'warning', message: 'careful' });
    r.finish();
    const text = out.text();
    expect(text).toContain('reading baishan: 1/3 calls · eta 4s');
    expect(text).toContain('\r\x1b[2Kreading baishan: 2/3 calls · eta 2s');
    expect(text).toContain('[1/4] 2 running · 0 failed · eta 3s');
    expect(text).toContain('\r\x1b[2Kwarning: careful\n');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('says when ready steps wait for a vendor budget, and how many steps wait for ready', () => {
    const out = sink();
    const r = createReporter({ stream: out.stream, colors: makeColors(false), live: true, verbose: false });
    r({
      kind: 'progress',
      done: 10,
      failed: 1,
      skipped: 0,
      total: 40,
      inFlight: 3,
      waiting: 12,
      etaMs: 41_200,
      budgetWait: { provider: 'baishan', what: 'account', waitMs: 37_500 },
    });
    expect(out.text()).toContain(
      '[11/40] 3 running · 12 waiting for ready · 1 failed · baishan account rate limit: next in 38s · eta 42s',
    );
  });

  it('in CI prints the apply progress at most every ten seconds, and step waits only when verbose', () => {
    const out = sink();
    let t = 0;
    const r = createReporter({
      stream: out.stream,
      colors: makeColors(false),
      live: false,
      verbose: false,
      now: () => new Date(t),
    });
    for (t = 0; t <= 30_000; t += 500) {
      r({ kind: 'progress', done: t / 500, failed: 0, skipped: 0, total: 100, inFlight: 1 });
      r({ kind: 'step-wait', stepId: `s${t}`, waitingFor: 'proxy p RUNNING' });
    }
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('1970-01-01T00:00:10.000Z [20/100] 1 running · 0 failed');
  });
});
