import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';
import { chromiumArgs, chromiumPath } from '../../scripts/browser-path.mjs';
import { transportEndpoints } from './test/browser/server-plugin.js';

// Chromium: $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own (TOOLCHAIN.md).
const executablePath = chromiumPath();

// The transports in a real Chromium, against real endpoints served by this project's Vite server.
export default defineProject({
  root: fileURLToPath(new URL('.', import.meta.url)),
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
