// Runs the reference harness in its own process for the benchmarks (`node --expose-gc --import tsx`),
// so its CPU and memory are its own. Talks to the parent over IPC: `ready` with the URL once it
// listens; answers `memory` (after a full GC) and `close`.
import { startHarness, type HarnessOptions } from '@unisocket/harness-server';

export type ChildRequest = { type: 'memory'; id: number } | { type: 'close'; id: number };
export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'memory'; id: number; usage: NodeJS.MemoryUsage }
  | { type: 'closed'; id: number }
  | { type: 'failed'; message: string };

const send = (message: ChildMessage) => process.send?.(message);
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as Partial<HarnessOptions>;
  const harness = await startHarness({ ...options, port: 0, host: '127.0.0.1', testControls: true, log: () => {} });
  process.on('message', (request: ChildRequest) => {
    if (request.type === 'memory') {
      // Two passes: the first can leave objects that only the second frees (weak refs, finalizers).
      gc?.();
      gc?.();
      send({ type: 'memory', id: request.id, usage: process.memoryUsage() });
    } else if (request.type === 'close') {
      void harness.close().finally(() => {
        send({ type: 'closed', id: request.id });
        process.disconnect?.();
        process.exit(0);
      });
    }
  });
  // The parent went away without asking: do not linger.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', url: harness.url });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: String((error as Error)?.stack ?? error) });
  process.exit(1);
});
