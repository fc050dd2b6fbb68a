// The bench side of harness-child.ts: starts a harness process, asks for its memory, closes it.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HarnessOptions } from '@unisocket/harness-server';
import type { ChildMessage, ChildRequest } from './harness-child.js';

const childEntry = fileURLToPath(new URL('./harness-child.ts', import.meta.url));

export interface HarnessProcess {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly pid: number;
  /** The child's `process.memoryUsage()` after a full GC. */
  memory(): Promise<NodeJS.MemoryUsage>;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 15_000;

export async function startHarnessProcess(options: Partial<HarnessOptions> = {}): Promise<HarnessProcess> {
  const child: ChildProcess = fork(childEntry, [JSON.stringify(options)], {
    execArgv: ['--expose-gc', '--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, (message: ChildMessage) => void>();
  child.on('message', (message: ChildMessage) => {
    if ('id' in message) waiting.get(message.id)?.(message);
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('harness process did not start in time')), START_TIMEOUT_MS);
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'ready') resolve(message.url);
      else if (message.type === 'failed') reject(new Error(`harness process failed: ${message.message}`));
      else return;
      clearTimeout(timer);
      child.off('message', onMessage);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`harness process exited with ${code} before it was ready`));
    });
  });

  const request = <T extends ChildMessage>(body: Omit<ChildRequest, 'id'>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`harness process did not answer ${body.type}`));
      }, REQUEST_TIMEOUT_MS);
      waiting.set(id, (message) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(message as T);
      });
      child.send({ ...body, id } as ChildRequest);
    });

  return {
    url,
    pid: child.pid ?? -1,
    memory: async () => (await request<Extract<ChildMessage, { type: 'memory' }>>({ type: 'memory' })).usage,
    async close() {
      if (child.exitCode !== null || !child.connected) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        await request({ type: 'close' });
      } catch {
        child.kill('SIGKILL');
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
