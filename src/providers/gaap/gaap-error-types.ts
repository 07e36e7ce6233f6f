/** How edgeform handles a GAAP error code: the classes every decision about it starts from. */
export type GaapErrorClass =
  | 'throttled'
  | 'busy'
  | 'auth'
  | 'invalid-input'
  | 'quota'
  | 'conflict'
  | 'unsupported'
  | 'already-done'
  | 'not-found'
  | 'internal'
  | 'ambiguous'
  | 'unknown';

export interface GaapErrorRule {
  errorClass: GaapErrorClass;
  /** Overrides the class's generic resolution. */
  resolution?: string;
}
