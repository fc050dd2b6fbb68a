// The bench side of a server in its own process (child/serve.ts): starts it, sends it requests,
// closes or kills it. Its CPU and memory stay its own, and it can die as a real node does (SIGKILL).
import { fork, type ChildProcess } from 'node:child_process';
import type { ChildMessage, ChildRequest } from './protocol.js';

export interface BenchChild {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Sends a request the child's handler answers; rejects with the child's error or after a timeout. */
  request<T = unknown>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>;
  /** The child's `process.memoryUsage()` after a full GC. */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Asks it to close, kills it if it does not exit within 3 s. */
  close(): Promise<void>;
  /** SIGKILL, as a crashed node; resolves once it has exited. */
  kill(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 15_000;

/** Forks `entry` (a TypeScript module that calls `serveParent`) with `options`; resolves once it listens. */
export async function startChild(entry: string, options: unknown): Promise<BenchChild> {
  const child: ChildProcess = fork(entry, [JSON.stringify(options)], {
    execArgv: ['--expose-gc', '--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, (message: Extract<ChildMessage, { type: 'reply' }>) => void>();
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'reply') waiting.get(message.id)?.(message);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry}: did not start in time`)), START_TIMEOUT_MS);
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'ready') resolve(message.url);
      else if (message.type === 'failed') reject(new Error(`child process failed: ${message.message}`));
      else return;
      clearTimeout(timer);
      child.off('message', onMessage);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child process exited with ${code} before it was ready`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  const request = <T>(type: string, payload?: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`child process did not answer ${type}`));
      }, timeoutMs);
      waiting.set(id, (message) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (message.error !== undefined) reject(new Error(message.error));
        else resolve(message.value as T);
      });
      child.send({ id, type, payload } satisfies ChildRequest);
    });

  return {
    url,
    pid: child.pid ?? -1,
    process: child,
    request,
    memory: () => request<NodeJS.MemoryUsage>('memory'),
    async close() {
      if (gone() || !child.connected) return;
      try {
        await request('close');
      } catch {
        child.kill('SIGKILL');
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (!gone()) child.kill('SIGKILL');
    },
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
  };
}
