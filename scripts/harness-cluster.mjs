// A cluster of reference harness processes on one throwaway Redis (`pnpm harness --redis URL`), for
// the tests, the e2e spec, the demo and the bench: each node is its own process (node + tsx, no pnpm
// wrapper), so `kill()` is a real SIGKILL of the server, as a crashed machine would be.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRedis } from './redis.mjs';

const cli = fileURLToPath(new URL('../packages/harness-server/src/cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const START_TIMEOUT_MS = 30_000;

/**
 * Starts `node --import tsx ENTRY ...args` and resolves once its output matches `listening` (whose first
 * group is the URL), with its `url`, `pid`, `kill()` (SIGKILL) and `stop()` (SIGTERM: a graceful close,
 * SIGKILL after 5 s). `output()` is what it wrote (stderr included), for failure messages; `onOutput`
 * sees it as it comes.
 */
export async function startServerProcess(entry, args, listening, { onOutput } = {}) {
  const child = spawn(process.execPath, ['--import', tsx, entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => {
    output = (output + chunk).slice(-8000);
    onOutput?.(String(chunk));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start within ${START_TIMEOUT_MS} ms: ${output}`)), START_TIMEOUT_MS);
    child.stdout.on('data', () => {
      const match = listening.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited before listening: ${output}`));
    });
  }).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    url,
    pid: child.pid,
    output: () => output,
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts one harness process with `--port PORT --redis redisUrl` and `args` (`quiet: false` keeps its
 * log lines); resolves once it printed its listening line (see `startServerProcess`).
 */
export function startHarnessNode(redisUrl, args = [], { port = 0, quiet = true, onOutput } = {}) {
  const flags = ['--port', String(port), '--redis', redisUrl, ...(quiet ? ['--quiet'] : []), ...args];
  return startServerProcess(cli, flags, /unisocket harness listening on (http:\/\/\S+)/, { onOutput });
}

/** Starts a Redis and `nodes` harness processes on it (`args` for each); `stop()` ends them all. */
export async function startHarnessCluster({ nodes = 2, args = [] } = {}) {
  const redis = await startRedis();
  const started = [];
  const stop = async () => {
    await Promise.all(started.map((node) => node.stop()));
    await redis.stop();
  };
  try {
    for (let i = 0; i < nodes; i++) started.push(await startHarnessNode(redis.url, args));
  } catch (error) {
    await stop();
    throw error;
  }
  return { redis, nodes: started, stop };
}
