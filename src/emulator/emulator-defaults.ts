/**
 * Credentials the emulator accepts when none are given (the sandbox uses them). A module of its
 * own, with no imports, so the client side can name them without loading the emulator.
 */
export const EMULATOR_DEFAULTS = {
  secretId: 'AKID-edgeform-emulator-default',
  secretKey: 'edgeform-emulator-secret-key-0000',
  baishanToken: 'edgeform-emulator-token',
} as const;
