import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator-types.js';
import { startEmulator } from '../../src/emulator/index.js';
import { MAX_BODY_BYTES } from '../../src/emulator/server-kit.js';

/** An oversized body is refused with 413 from its Content-Length, before it is read. */
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({});
});
afterAll(async () => {
  await emu.close();
});

for (const api of ['gaap', 'baishan'] as const) {
  it(`${api}: 413 for a body over ${MAX_BODY_BYTES} bytes, and the next request is served`, async () => {
    const res = await fetch(emu[api], {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('larger than');
    const next = await fetch(`${emu[api]}/_emulator/state`);
    expect(next.status).toBe(200);
  }, 30_000);
}
