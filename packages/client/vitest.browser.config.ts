import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';
import { transportEndpoints } from './test/browser/server-plugin.js';

// The transports in a real Chromium, against real endpoints served by this project's Vite server.
// Chromium: $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own (see TOOLCHAIN.md).
const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => !!path && existsSync(path),
);

// Keep Chromium off the closed network (TOOLCHAIN.md).
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

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
      provider: playwright({ launchOptions: { executablePath, args } }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
