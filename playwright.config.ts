import { existsSync } from 'node:fs';
import { defineConfig, devices, firefox, webkit, type BrowserType } from '@playwright/test';
import { chromiumArgs, chromiumPath, firefoxPath } from './scripts/browser-path.mjs';

// @playwright/test is pinned to 1.64.1 (package.json, and pnpm-workspace.yaml overrides for Vitest's
// provider): it is the newest that drives Debian's firefox-esr 153 over WebDriver BiDi. 1.65 sends
// `emulation.setMediaFeaturesOverride` at newContext/newPage, which Firefox 153 answers "unknown command".
// Move on once the Firefox ESR in Debian has that command.

// Ports come from the OS: each server is started with port 0 and prints its URL; Playwright's
// `wait.stdout` named groups put the demo's and the examples' ports into process.env for the specs.
// The harness is started by each worker (e2e/fixtures.ts, flags in e2e/harness.ts: a 1 s heartbeat
// and socket.io ping, SSE responses that end after 3 s as a CFML request timeout would, controls for
// pages of http://127.0.0.1:* only). UNISOCKET_SERVER_URL points the specs that need no fault
// injection at another server instead.
const externalServer = process.env.UNISOCKET_SERVER_URL;

const executablePath = chromiumPath();
const firefoxExecutable = firefoxPath();

/** True when Playwright's own build of that browser is installed (`npx playwright install firefox`). */
function installed(browser: BrowserType): boolean {
  try {
    return existsSync(browser.executablePath());
  } catch {
    return false;
  }
}

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  // Two workers, each with a harness of its own (e2e/fixtures.ts: workerHarness), so one's faults never
  // reach the other's pages: the suite in Chromium and Firefox takes about half as long on two cores,
  // and the specs hold with both cores busy (e2e/README.md, "Under load"). Against another server the
  // specs share it (the `chat` gateway among them): one worker.
  fullyParallel: false,
  workers: externalServer ? 1 : 2,
  retries: 0,
  // A fault spec takes ~6 s on an idle machine and ~20 s with every core busy (scripts/e2e-under-load.mjs):
  // the budget is for a slow machine, the specs' own waits say what must happen how soon.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'list' : [['list'], ['html', { open: 'never' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: { executablePath, args: [...chromiumArgs] },
      },
    },
    // A stock Firefox ($FIREFOX_PATH or Debian's firefox-esr, which CI installs) over WebDriver BiDi;
    // else Playwright's own Firefox where installed. No trace by default: recording one over BiDi made
    // every spec about 3x slower (a chat spec 3 s → 10 s) and late enough to break the timing of the
    // fault specs; a failure still leaves its screenshots, and `--trace on` records one when needed.
    // WebKit runs only where Playwright's own is installed.
    ...(firefoxExecutable || installed(firefox)
      ? [
          {
            name: 'firefox',
            use: {
              ...devices['Desktop Firefox'],
              ...(firefoxExecutable && { channel: 'moz-firefox', launchOptions: { executablePath: firefoxExecutable } }),
              trace: 'off' as const,
            },
          },
        ]
      : []),
    ...(installed(webkit) ? [{ name: 'webkit', use: { ...devices['Desktop Safari'] } }] : []),
  ],
  webServer: [
    {
      name: 'demo',
      command: 'pnpm --silent --filter @unisocket/demo-app run preview:e2e',
      wait: { stdout: /demo listening on http:\/\/[\w.]+:(?<unisocket_demo_port>\d+)/ },
      stdout: 'pipe' as const,
      timeout: 120_000,
      gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 2000 },
    },
    // The React and Vue examples, built and served like the demo (e2e/examples.spec.ts).
    ...(['react', 'vue'] as const).map((example) => ({
      name: `${example}-example`,
      command: `pnpm --silent --filter @unisocket/example-${example} run preview:e2e`,
      wait: { stdout: new RegExp(`${example}-example listening on http://[\\w.]+:(?<unisocket_example_${example}_port>\\d+)`) },
      stdout: 'pipe' as const,
      timeout: 120_000,
      gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 2000 },
    })),
  ],
});
