import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// The benchmark suite's own correctness: statistics, report generation, the connection helpers
// against a real harness. No timing is asserted anywhere (numbers are reported, never judged).
export default defineProject({
  // The client from its source, as the benchmarks bundle it (never a stale dist/).
  resolve: {
    alias: {
      '@unisocket/client/testing': fileURLToPath(new URL('../packages/client/src/testing/index.ts', import.meta.url)),
      '@unisocket/client': fileURLToPath(new URL('../packages/client/src/index.ts', import.meta.url)),
    },
  },
  test: {
    name: 'bench',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
