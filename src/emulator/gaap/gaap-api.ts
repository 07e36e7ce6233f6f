import type { GaapApiOptions } from '../api-options.js';
import type { EmulatedApi } from '../emulator-types.js';

// Placeholder: the GAAP emulator is being written (issue 3).
export function createGaapApi(_opts: GaapApiOptions): EmulatedApi {
  throw new Error('GAAP emulator not implemented yet');
}
