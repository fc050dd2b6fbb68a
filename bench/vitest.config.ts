import { defineProject } from 'vitest/config';

// The benchmark suite's own correctness: statistics, report generation, the connection helpers
// against a real harness. No timing is asserted anywhere (numbers are reported, never judged).
export default defineProject({
  test: {
    name: 'bench',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
