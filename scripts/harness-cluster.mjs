// A cluster of reference harness processes on one throwaway Redis (`pnpm harness --redis URL`), for
// the tests, the e2e spec, the demo and the bench: each node is its own process (node + tsx, no pnpm
// wrapper), so `kill()` is a real SIGKILL of the server, as a crashed machine would be. None outlives
// the process that started it (processes.mjs: a process group each, a parent-death signal).
import { fileURLToPath } from 'node:url';
import { launch, signalGroup } from './processes.mjs';
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
  const server = launch(process.execPath, ['--import', tsx, entry, ...args]);
  const { child, exited, output } = server;
  if (onOutput) for (const stream of [child.stdout, child.stderr]) stream.on('data', onOutput);
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const url = await server.waitFor(listening, START_TIMEOUT_MS).then(
    (match) => match[1],
    async (error) => {
      await server.stop(0);
      throw error;
    },
  );
  return {
    url,
    pid: child.pid,
    output,
    async kill() {
      if (!gone()) signalGroup(child, 'SIGKILL');
      await exited;
    },
    stop: () => server.stop(5000),
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
