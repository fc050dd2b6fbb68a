import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';
import { chromiumArgs, chromiumPath } from '../../scripts/browser-path.mjs';
import { transportEndpoints } from './test/browser/server-plugin.js';

// Chromium: $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own (TOOLCHAIN.md).
const executablePath = chromiumPath();

// The transports in a real Chromium, against real endpoints served by this project's Vite server,
// and against msw mocks (test/browser/msw.test.ts).
export default defineProject({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // msw's service worker at /mockServiceWorker.js, served as a static file (`msw init
  // test/browser/public --save=false`; regenerate after upgrading msw). Vitest 4 would otherwise serve
  // the installed msw's copy through Vite's transform pipeline; the public file is served before that.
  publicDir: 'test/browser/public',
  plugins: [transportEndpoints()],
  test: {
    name: 'client-browser',
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 15_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({ launchOptions: { executablePath, args: [...chromiumArgs] } }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
