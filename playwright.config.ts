import { existsSync } from 'node:fs';
import { defineConfig, devices, firefox, webkit, type BrowserType } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './scripts/browser-path.mjs';

// Ports come from the OS: each server is started with port 0 and prints its URL; Playwright's
// `wait.stdout` named groups put the ports into process.env for the specs.
// UNISOCKET_SERVER_URL points the specs that need no fault injection at another server.
// The harness runs with a 1 s heartbeat and a 1 s socket.io ping (black-hole detection within seconds)
// and SSE responses that end after 3 s, as a CFML request timeout would. Pages served from 127.0.0.1
// (the demo, on a port known only once it runs) may use its controls; no other origin may.
const externalServer = process.env.UNISOCKET_SERVER_URL;

const executablePath = chromiumPath();

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
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
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
    // Firefox and WebKit run where Playwright's own browsers are installed; they are skipped otherwise.
    ...(installed(firefox) ? [{ name: 'firefox', use: { ...devices['Desktop Firefox'] } }] : []),
    ...(installed(webkit) ? [{ name: 'webkit', use: { ...devices['Desktop Safari'] } }] : []),
  ],
  webServer: [
    ...(externalServer
      ? []
      : [
          {
            name: 'harness',
            command: 'pnpm --silent --filter @unisocket/harness-server run start --port 0 --test-controls --control-origin "http://127.0.0.1:*" --sse-max-age 3 --heartbeat-ms 1000 --socketio-ping-interval-ms 1000 --socketio-ping-timeout-ms 1000 --quiet',
            wait: { stdout: /unisocket harness listening on http:\/\/[\d.]+:(?<unisocket_harness_port>\d+)/ },
            stdout: 'pipe' as const,
            timeout: 60_000,
            gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 2000 },
          },
        ]),
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
