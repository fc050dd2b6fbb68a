/**
 * Where the specs find the servers, on ports the OS assigned: each worker's own harness (the
 * `workerHarness` fixture) and the demo and examples Playwright's webServer started put them into the
 * environment; UNISOCKET_SERVER_URL points the specs at another server instead of the harness (specs
 * that need fault injection skip themselves then).
 */
export function harnessUrl(): string {
  const external = process.env.UNISOCKET_SERVER_URL;
  if (external) return external.replace(/\/$/, '');
  const port = process.env.UNISOCKET_HARNESS_PORT;
  if (!port) throw new Error("UNISOCKET_HARNESS_PORT is not set: use the specs' test from e2e/fixtures.ts (its workerHarness starts the harness)");
  return `http://127.0.0.1:${port}`;
}

export function demoUrl(query: Record<string, string> = {}): string {
  const port = process.env.UNISOCKET_DEMO_PORT;
  if (!port) throw new Error('UNISOCKET_DEMO_PORT is not set: run the specs through playwright.config.ts');
  const url = new URL(`http://127.0.0.1:${port}/`);
  url.searchParams.set('server', harnessUrl());
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.href;
}

/** The built example app (`examples/react`, `examples/vue`) with `query`, talking to the harness. */
export function exampleUrl(example: 'react' | 'vue', query: Record<string, string> = {}): string {
  const port = process.env[`UNISOCKET_EXAMPLE_${example.toUpperCase()}_PORT`];
  if (!port) throw new Error(`UNISOCKET_EXAMPLE_${example.toUpperCase()}_PORT is not set: run the specs through playwright.config.ts`);
  const url = new URL(`http://127.0.0.1:${port}/`);
  url.searchParams.set('server', harnessUrl());
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.href;
}

/** True when the specs run against the bundled harness, whose /_control faults they may use. */
export const hasFaultControls = !process.env.UNISOCKET_SERVER_URL;
