import { fileURLToPath } from 'node:url';
import { startServerProcess, type HarnessNode } from '../../../../scripts/harness-cluster.mjs';

const entry = fileURLToPath(new URL('./node.ts', import.meta.url));

/** A server node in a child process: `kill()` is a SIGKILL (a crash), `stop()` a graceful close. */
export interface ClusterNode extends HarnessNode {
  wsUrl: string;
}

/** Starts a node of the cluster on `redisUrl` (keys under `prefix`); resolves once it listens. */
export async function startNode(redisUrl: string, prefix: string, detachedTtlMs = 120_000): Promise<ClusterNode> {
  const node = await startServerProcess(entry, [redisUrl, prefix, String(detachedTtlMs)], /listening (http:\/\/\S+)/);
  return Object.assign(node, { wsUrl: `${node.url.replace(/^http/, 'ws')}/rt` });
}
