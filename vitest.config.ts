import { defineConfig } from 'vitest/config';

// One Vitest run over every package; each package's own vitest.config.ts is a project.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/*/vitest.config.ts', 'packages/client/vitest.browser.config.ts', 'bench/vitest.config.ts'],
  },
});
