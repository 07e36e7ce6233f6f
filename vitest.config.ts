import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The machines have 2 cores; e2e tests spawn the CLI as a process.
    maxWorkers: 2,
  },
});
