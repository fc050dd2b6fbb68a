import { defineConfig, devices } from '@playwright/test';
import { chromiumPath } from './scripts/browser-path.mjs';

// Ports come from the OS: each server is started with port 0 and prints its URL; Playwright's
// `wait.stdout` named groups put the ports into process.env for the specs.
// UNISOCKET_SERVER_URL points the specs that need no fault injection at another server.
const externalServer = process.env.UNISOCKET_SERVER_URL;

// Keep Chromium off the closed network (see TOOLCHAIN.md).
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
const executablePath = chromiumPath();

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
        launchOptions: { executablePath, args: chromiumArgs },
      },
    },
  ],
  webServer: [
    ...(externalServer
      ? []
      : [
          {
            name: 'harness',
            command: 'pnpm --silent --filter @unisocket/harness-server run start --port 0 --test-controls --sse-max-age 3',
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
  ],
});
