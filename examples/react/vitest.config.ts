import { defineProject, mergeConfig } from 'vitest/config';
import app from './vite.config.js';

// The hooks in a DOM (happy-dom), React in development mode (StrictMode's double effects on), and on
// the server (react-dom/server). The round trip in a real browser is e2e/example-react.spec.ts.
export default mergeConfig(
  app,
  defineProject({
    test: { name: 'example-react', environment: 'happy-dom', include: ['test/**/*.test.tsx'] },
  }),
);
