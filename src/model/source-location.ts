/** A place in a YAML file, 1-based, for messages. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}
