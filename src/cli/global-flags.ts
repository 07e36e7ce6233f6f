/** Options every command accepts (declared on the root program in main.ts). */
export interface GlobalFlags {
  color?: boolean;
  debug?: boolean;
  verbose?: boolean;
}
