import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // e2e tests start real daemons on loopback ports; keep parallelism modest on 2-core machines
    maxWorkers: 2,
  },
});
