import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'client',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // test/browser runs in Chromium, Firefox and WebKit (vitest.browser.config.ts).
    exclude: [...configDefaults.exclude, 'test/browser/**'],
    setupFiles: ['test/setup-node.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
