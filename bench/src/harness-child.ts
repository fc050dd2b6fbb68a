// Runs the reference harness in its own process for the benchmarks (`node --expose-gc --import tsx`),
// so its CPU and memory are its own (child/serve.ts answers the parent).
import { startHarness, type HarnessOptions } from '@unisocket/harness-server';
import { serveParent } from './child/serve.js';

serveParent<Partial<HarnessOptions>>(async (options) => {
  const harness = await startHarness({ ...options, port: 0, host: '127.0.0.1', testControls: true, log: process.env['BENCH_HARNESS_LOG'] ? (line: string) => console.error(`[harness] ${line}`) : () => {} });
  return { url: harness.url, close: () => harness.close() };
});
