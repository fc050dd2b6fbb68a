import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import type { BrowserInstanceOption } from 'vitest/node';
import { defineProject } from 'vitest/config';
import { chromiumArgs, chromiumPath, firefoxPath } from '../../scripts/browser-path.mjs';
import { transportEndpoints } from './test/browser/server-plugin.js';
import { webkit } from './test/browser/webkit-provider.js';

const firefox = firefoxPath();

/** Every engine a browser app meets: Chromium, Firefox (Gecko) and WebKit (Safari). */
const ENGINES = {
  // $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own.
  chromium: { browser: 'chromium', provider: playwright({ launchOptions: { executablePath: chromiumPath(), args: [...chromiumArgs] } }) },
  // A stock Firefox ($FIREFOX_PATH, else Debian's firefox-esr) over WebDriver BiDi, else Playwright's own.
  firefox: {
    browser: 'firefox',
    provider: playwright({ launchOptions: firefox ? { channel: 'moz-firefox', executablePath: firefox } : {} }),
  },
  // WebKitGTK's MiniBrowser through WebKitWebDriver on its own Xvfb display (test/browser/webkit-provider.ts).
  // Vitest calls WebKit `safari`; it cannot run headless, the Xvfb display stands in.
  webkit: { browser: 'safari', name: 'client-browser (webkit)', headless: false, provider: webkit() },
} satisfies Record<string, BrowserInstanceOption>;

type Engine = keyof typeof ENGINES;

/** `UNISOCKET_BROWSERS=chromium,webkit` narrows the run (on a machine without the others); every engine by default. */
function engines(): Engine[] {
  const wanted = process.env.UNISOCKET_BROWSERS?.split(',').map((name) => name.trim()).filter(Boolean) ?? Object.keys(ENGINES);
  const unknown = wanted.filter((name) => !(name in ENGINES));
  if (unknown.length) throw new TypeError(`UNISOCKET_BROWSERS: unknown engine ${unknown.join(', ')} (known: ${Object.keys(ENGINES).join(', ')})`);
  return wanted as Engine[];
}

// The transports in real browsers, against real endpoints served by this project's Vite server,
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
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 15_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      instances: engines().map((engine) => ENGINES[engine]),
    },
  },
});
