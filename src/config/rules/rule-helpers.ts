import type { Diagnostic } from '../diagnostic-types.js';
import { formatPath, type PathSegment } from '../path.js';
import type { StackFile } from '../stack-file.js';
import type { EntryView, Finding } from './rule-types.js';

export function diagnosticAt(
  file: StackFile,
  path: PathSegment[],
  finding: Finding,
  target: 'value' | 'key' = 'value',
): Diagnostic {
  const d: Diagnostic = {
    severity: finding.severity ?? 'error',
    code: finding.code,
    ...file.source.locate(path, target),
    path: formatPath(path),
    message: finding.message,
    fix: finding.fix,
  };
  if (finding.related) d.related = finding.related;
  return d;
}

/** A config value that is set (present and not a removal). */
export function isSet(config: Record<string, unknown>, key: string): boolean {
  return key in config && config[key] !== null && config[key] !== undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describeNames(entry: EntryView): string {
  const names = entry.names.map((n) => n.name);
  if (names.length === 0) return `entry ${entry.index}`;
  return names.length <= 3
    ? names.join(', ')
    : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
