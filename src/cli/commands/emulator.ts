import { startEmulator } from '../../emulator/index.js';

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
