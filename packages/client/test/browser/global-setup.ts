// Runs in Node before the browser tests: the real harness on a free port (it answers CORS, so the test
// page on Vite's origin reaches it as an app on another origin would), closed after the run.
import { startHarness } from '@unisocket/harness-server';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:PORT` of the harness (`inject('harnessUrl')`). */
    harnessUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const harness = await startHarness();
  project.provide('harnessUrl', harness.url);
  return () => harness.close();
}
