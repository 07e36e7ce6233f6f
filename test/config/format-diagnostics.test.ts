import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/config/diagnostic-types.js';
import {
  desiredStateError,
  formatDiagnostic,
  formatDiagnostics,
  summarizeDiagnostics,
} from '../../src/config/format-diagnostics.js';
import { HEADER, loadFixture } from './helpers.js';

const err: Diagnostic = {
  severity: 'error',
  code: 'UNKNOWN_KEY',
  file: 'stacks/prod.yaml',
  line: 12,
  column: 9,
  path: 'baishan.domains[0].config.refrer',
  message: 'unknown key `refrer`',
  fix: 'did you mean `referer`?',
};

describe('formatDiagnostics', () => {
  it('renders file:line:col path: message — fix, warnings prefixed', () => {
    expect(formatDiagnostic(err)).toBe(
      'stacks/prod.yaml:12:9 baishan.domains[0].config.refrer: unknown key `refrer` — did you mean `referer`?',
    );
    const warn: Diagnostic = {
      ...err,
      severity: 'warning',
      code: 'INLINE_SECRET',
      path: '',
      message: 'm',
      fix: 'f',
    };
    expect(formatDiagnostics([err, warn]).split('\n')[1]).toBe('warning: stacks/prod.yaml:12:9: m — f');
    expect(summarizeDiagnostics([err, warn])).toBe('1 error, 1 warning');
  });

  it('wraps errors into one EdgeformError with a detail line each', () => {
    const e = desiredStateError([err, { ...err, severity: 'warning' }]);
    expect(e.code).toBe('DESIRED_SCHEMA_INVALID');
    expect(e.source).toBe('user');
    expect(e.details).toHaveLength(1);
    expect(e.resolution).toBeTruthy();
  });

  it('renders a realistic file the way a user reads it', () => {
    const text = `${HEADER}baishan:
  domains:
    - domain: img.example.com
      config:
        refrer: {type: 1}
        origin: null
        speed_limit: [{type: all, pattern: ".*", speed: "80", begin_time: "8:3", end_time: "09:00"}]
`;
    const out = formatDiagnostics(loadFixture({ 'edgeform.yaml': text }).diagnostics);
    expect(out).toMatchInlineSnapshot(`
      "edgeform.yaml:7:9 baishan.domains[0].config.refrer: unknown key \`refrer\` — did you mean \`referer\`?
      edgeform.yaml:9:75 baishan.domains[0].config.speed_limit[0].begin_time: the string "8:3" is not a time HH:ii on the 24-hour clock (00:00 to 23:59) — write two-digit hours and minutes, e.g. "08:30""
    `);
  });
});
