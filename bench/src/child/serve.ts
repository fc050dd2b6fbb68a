// The child side of a bench server process (run with `node --expose-gc --import tsx`): starts the
// server, says `ready` with its URL, answers `memory` (after a full GC), `heap-snapshot`, `close` and
// its own requests.
import { writeHeapSnapshot } from 'node:v8';
import type { ChildMessage, ChildRequest } from './protocol.js';

export interface ServedChild {
  url: string;
  /** Answers a request other than `memory`, `heap-snapshot` and `close`. */
  handle?(type: string, payload: unknown): unknown;
  close(): Promise<void>;
}

const send = (message: ChildMessage) => process.send?.(message);
const gc = (globalThis as { gc?: () => void }).gc;

/** Runs `start` with the options the parent passed (argv[2], JSON) and serves the parent's requests. */
export function serveParent<Options>(start: (options: Options) => Promise<ServedChild>): void {
  const options = JSON.parse(process.argv[2] ?? '{}') as Options;
  start(options).then(
    (child) => {
      process.on('message', (request: ChildRequest) => {
        const reply = (value?: unknown, error?: unknown) =>
          send({ type: 'reply', id: request.id, value, error: error === undefined ? undefined : String((error as Error)?.message ?? error) });
        if (request.type === 'memory') {
          // Two passes: the first can leave objects that only the second frees (weak refs, finalizers).
          gc?.();
          gc?.();
          reply(process.memoryUsage());
        } else if (request.type === 'heap-snapshot') {
          // After the same two GCs as `memory`; the snapshot goes to the file named by the payload.
          gc?.();
          gc?.();
          const usage = process.memoryUsage();
          try {
            reply({ usage, file: writeHeapSnapshot(String(request.payload)) });
          } catch (error) {
            reply(undefined, error);
          }
        } else if (request.type === 'close') {
          void child.close().finally(() => {
            reply();
            process.disconnect?.();
            process.exit(0);
          });
        } else {
          Promise.resolve()
            .then(() => child.handle?.(request.type, request.payload))
            .then((value) => reply(value), (error: unknown) => reply(undefined, error));
        }
      });
      // The parent went away without asking: do not linger.
      process.on('disconnect', () => process.exit(0));
      send({ type: 'ready', url: child.url });
    },
    (error: unknown) => {
      send({ type: 'failed', message: String((error as Error)?.stack ?? error) });
      process.exit(1);
    },
  );
}
