// Before the specs, side by side: the harness (with its fault controls, tuned as playwright.config.ts
// tunes it for e2e/), the built demo page, and WebKit (Xvfb + WebKitWebDriver); each on a port the OS
// picked, all stopped after the run and never outliving it (scripts/processes.mjs).
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { HARNESS_LISTENING, launchHarness } from '../e2e/harness.js';
import { launch, startTogether } from '../scripts/processes.mjs';
import { startWebKitDriver } from '../scripts/webkit-driver.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Ports of the harness and the demo, as Playwright's webServer hands them to e2e/servers.ts. */
    ports: { harness: string; demo: string };
    /** Where the specs open WebKit sessions. */
    webkit: { hostname: string; port: number; capabilities: Record<string, unknown> };
  }
}

const root = fileURLToPath(new URL('..', import.meta.url));

/** The harness and the built demo page, once both printed their ports. */
function startServers() {
  return startTogether(async (running) => {
    // Tuned as for e2e/ (e2e/harness.ts).
    const harness = launchHarness();
    const demo = launch('node', ['../../scripts/serve-app.mjs', '--name', 'demo', '--port', '0'], { cwd: `${root}packages/demo-app` });
    running.push(harness, demo);
    const [[, harnessPort], [, demoPort]] = await Promise.all([
      harness.waitFor(HARNESS_LISTENING, 30_000),
      demo.waitFor(/demo listening on http:\/\/[\w.]+:(\d+)/, 120_000),
    ]);
    return { harness: harnessPort!, demo: demoPort! };
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = await Promise.allSettled([startServers(), startWebKitDriver()]);
  const stop = () => Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
  const [servers, webkit] = started;
  if (servers.status === 'rejected' || webkit.status === 'rejected') {
    await stop();
    throw servers.status === 'rejected' ? servers.reason : (webkit as PromiseRejectedResult).reason;
  }
  project.provide('ports', { harness: servers.value.harness, demo: servers.value.demo });
  const { hostname, port, capabilities } = webkit.value;
  project.provide('webkit', { hostname, port, capabilities });
  return async () => void (await stop());
}
