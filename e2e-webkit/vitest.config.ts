import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The demo's core scenarios with a page in WebKit (WebKitGTK's MiniBrowser over WebDriver: Playwright
// cannot drive it) beside one in Chromium, against the real harness. Its own run (`pnpm test:webkit`,
// and in `pnpm test`), not a project of the root config: it builds and serves the demo first.
export default defineConfig({
  test: {
    name: 'e2e-webkit',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['*.spec.ts'],
    globalSetup: ['./global-setup.ts'],
    // One browser session at a time on a small machine; specs share the harness and its faults.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
