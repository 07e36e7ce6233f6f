import { EdgeformError } from '../../core/errors.js';
import { startEmulator } from '../../emulator/index.js';
import { isLoopback } from '../../workflow/endpoints.js';

interface EmulatorFlags {
  host: string;
  gaapPort: string;
  baishanPort: string;
  state?: string;
  secretId?: string;
  secretKey?: string;
  sessionToken?: string;
  strictService?: boolean;
  baishanToken?: string;
  baishanDomains?: string;
  baishanAutoDomains?: boolean;
  latencyMs: string;
  faultRate: string;
  dropRate: string;
  asyncDelayMs: string;
  gaapRateLimit: string;
  baishanRateLimit: string;
  rateWindowScale: string;
  seed?: string;
}

/** Prints exactly one JSON line on stdout when ready, then serves until SIGINT/SIGTERM. */
export async function runEmulator(flags: EmulatorFlags): Promise<void> {
  const shares = { '--fault-rate': flags.faultRate, '--drop-rate': flags.dropRate };
  for (const [flag, value] of Object.entries(shares)) checkNumber(flag, value, 0, 1);
  const counts = {
    '--latency-ms': flags.latencyMs,
    '--async-delay-ms': flags.asyncDelayMs,
    '--gaap-port': flags.gaapPort,
    '--baishan-port': flags.baishanPort,
  };
  for (const [flag, value] of Object.entries(counts))
    checkNumber(flag, value, 0, flag.endsWith('port') ? 65535 : 3_600_000);
  for (const [flag, value] of Object.entries({
    '--gaap-rate-limit': flags.gaapRateLimit,
    '--baishan-rate-limit': flags.baishanRateLimit,
    '--rate-window-scale': flags.rateWindowScale,
  }))
    checkNumber(flag, value, Number.MIN_VALUE, 1_000_000);
  if (!isLoopback(flags.host)) {
    process.stderr.write(
      `warning: --host ${flags.host} is not a loopback address: the emulator's admin endpoints (/_emulator/*) have no authentication and are reachable from other machines\n`,
    );
  }
  const emulator = await startEmulator({
    host: flags.host,
    gaapPort: Number(flags.gaapPort),
    baishanPort: Number(flags.baishanPort),
    ...(flags.state ? { statePath: flags.state } : {}),
    ...(flags.secretId ? { secretId: flags.secretId } : {}),
    ...(flags.secretKey ? { secretKey: flags.secretKey } : {}),
    ...(flags.sessionToken ? { sessionToken: flags.sessionToken } : {}),
    strictService: Boolean(flags.strictService),
    ...(flags.baishanToken ? { baishanToken: flags.baishanToken } : {}),
    ...(flags.baishanDomains ? { baishanDomains: flags.baishanDomains.split(',').filter(Boolean) } : {}),
    baishanAutoDomains: Boolean(flags.baishanAutoDomains),
    latencyMs: Number(flags.latencyMs),
    faultRate: Number(flags.faultRate),
    dropRate: Number(flags.dropRate),
    asyncDelayMs: Number(flags.asyncDelayMs),
    gaapRateLimitPerSecond: Number(flags.gaapRateLimit),
    baishanRateLimitPerMinute: Number(flags.baishanRateLimit),
    rateWindowScale: Number(flags.rateWindowScale),
    ...(flags.seed ? { seed: Number(flags.seed) } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify({ gaap: emulator.gaap, baishan: emulator.baishan })}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void emulator.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** A usage error (exit 1) for an option outside its range, before anything starts. */
function checkNumber(flag: string, value: string, min: number, max: number): void {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new EdgeformError({
      code: 'EMULATOR_OPTION_INVALID',
      message: `${flag} ${value}: expected a number from ${min === Number.MIN_VALUE ? 'above 0' : min} to ${max}`,
      resolution: `pass ${flag} within that range`,
    });
  }
}
