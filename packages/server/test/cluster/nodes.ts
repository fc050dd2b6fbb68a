import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./node.ts', import.meta.url));

/** A server node in a child process: `kill()` is a SIGKILL (a crash), `close()` a graceful stop. */
export interface ClusterNode {
  url: string;
  wsUrl: string;
  readonly process: ChildProcess;
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful `close()`), SIGKILL after 5 s; resolves once the process is gone. */
  close(): Promise<void>;
}

/** Starts a node of the cluster on `redisUrl` (keys under `prefix`); resolves once it listens. */
export async function startNode(redisUrl: string, prefix: string, detachedTtlMs = 120_000): Promise<ClusterNode> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry, redisUrl, prefix, String(detachedTtlMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`node did not start: ${output}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`node exited before listening: ${output}`)));
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/rt`,
    process: child,
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async close() {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
