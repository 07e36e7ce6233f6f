import type { BaishanApiOptions } from '../api-options.js';
import type { EmulatedApi } from '../emulator-types.js';

// Placeholder: the Baishan emulator is being written (issue 2).
export function createBaishanApi(_opts: BaishanApiOptions): EmulatedApi {
  throw new Error('Baishan emulator not implemented yet');
}
