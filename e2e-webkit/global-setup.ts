// Before the specs, side by side: the harness (with its fault controls, tuned as playwright.config.ts
// tunes it for e2e/), the built demo page, and WebKit (Xvfb + WebKitWebDriver); each on a port the OS
// picked, all stopped after the run and never outliving it (scripts/processes.mjs).
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
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

// A 1 s heartbeat and socket.io ping (a dead link shows within seconds), SSE responses that end after
// 3 s as a CFML request timeout would: the flags of playwright.config.ts's harness.
const HARNESS_FLAGS = ['--port', '0', '--test-controls', '--control-origin', 'http://127.0.0.1:*', '--sse-max-age', '3', '--heartbeat-ms', '1000'];
const SOCKETIO_FLAGS = ['--socketio-ping-interval-ms', '1000', '--socketio-ping-timeout-ms', '1000', '--quiet'];

/** The harness and the built demo page, once both printed their ports. */
function startServers() {
  return startTogether(async (running) => {
    const harness = launch('node', ['--import', 'tsx', 'packages/harness-server/src/cli.ts', ...HARNESS_FLAGS, ...SOCKETIO_FLAGS], { cwd: root });
    const demo = launch('node', ['../../scripts/serve-app.mjs', '--name', 'demo', '--port', '0'], { cwd: `${root}packages/demo-app` });
    running.push(harness, demo);
    const [[, harnessPort], [, demoPort]] = await Promise.all([
      harness.waitFor(/unisocket harness listening on http:\/\/[\d.]+:(\d+)/, 30_000),
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
