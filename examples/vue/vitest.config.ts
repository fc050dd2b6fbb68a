import { defineProject, mergeConfig } from 'vitest/config';
import app from './vite.config.js';

// The composable in a DOM (happy-dom) and on the server (vue/server-renderer). The round trip in a
// real browser is e2e/example-vue.spec.ts.
export default mergeConfig(
  app,
  defineProject({
    test: { name: 'example-vue', environment: 'happy-dom', include: ['test/**/*.test.ts'] },
  }),
);
