import type { DesiredFileV1 } from './desired-file-types.js';
import type { YamlSource } from './yaml-source.js';

/** A file that passed YAML parsing and the schema. */
export interface StackFile {
  /** As the user named it; used in messages. */
  file: string;
  /** Absolute directory: `{file: ...}` secrets are relative to it. */
  dir: string;
  source: YamlSource;
  doc: DesiredFileV1;
}
