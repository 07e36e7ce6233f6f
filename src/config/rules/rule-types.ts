import type { SourceLocation } from '../../model/source-location.js';
import type { DomainEntryV1 } from '../desired-file-types.js';
import type { Diagnostic, DiagnosticCode, DiagnosticSeverity } from '../diagnostic-types.js';
import type { GaapView } from '../gaap-view.js';
import type { PathSegment } from '../path.js';
import type { StackFile } from '../stack-file.js';

/** A Baishan config object as written: a file's `defaults`, or one entry's own `config`. */
export interface ConfigBlock {
  file: StackFile;
  role: 'defaults' | 'entry';
  /** Path to the config object itself. */
  path: PathSegment[];
  config: Record<string, unknown>;
}

export interface DomainName {
  name: string;
  path: PathSegment[];
}

/** One domain entry with its file's defaults merged in (identical for every domain it names). */
export interface EntryView {
  file: StackFile;
  index: number;
  path: PathSegment[];
  entry: DomainEntryV1;
  names: DomainName[];
  merged: Record<string, unknown>;
  /** Path to the KEY that declared each merged config key (in `defaults` or in the entry). */
  keyPaths: Record<string, PathSegment[]>;
}

export interface RuleContext {
  files: StackFile[];
  blocks: ConfigBlock[];
  entries: EntryView[];
  gaap: GaapView;
  env: NodeJS.ProcessEnv;
}

/** A semantic rule: JSON Schema cannot say it, or cannot say it well. */
export interface Rule {
  name: string;
  check(ctx: RuleContext): Diagnostic[];
}

export interface Finding {
  code: DiagnosticCode;
  message: string;
  fix: string;
  severity?: DiagnosticSeverity;
  related?: SourceLocation[];
}
