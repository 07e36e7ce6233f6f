/** Options every command accepts (declared on the root program in main.ts). */
export interface GlobalFlags {
  color?: boolean;
  debug?: boolean;
  verbose?: boolean;
  /** `jsonl`: stderr carries only run events, one JSON object a line (schemas/events.schema.json). */
  events?: 'text' | 'jsonl';
}
