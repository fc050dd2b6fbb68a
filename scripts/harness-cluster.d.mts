import type { RedisProcess } from './redis.mjs';

/** One harness process of a cluster. */
export interface HarnessNode {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly pid: number | undefined;
  /** What the process wrote so far (stdout and stderr). */
  output(): string;
  /** SIGKILL (a crash); resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful close), SIGKILL after 5 s; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
}

export interface HarnessCluster {
  readonly redis: RedisProcess;
  readonly nodes: HarnessNode[];
  /** Stops every node, then Redis. */
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx entry ...args`; resolves once its output matches `listening` (whose first
 * group is the URL it serves).
 */
export function startServerProcess(entry: string, args: readonly string[], listening: RegExp, options?: { onOutput?: (text: string) => void }): Promise<HarnessNode>;

/** Starts one harness process with `--port PORT --redis redisUrl` and `args`; resolves once it listens. */
export function startHarnessNode(
  redisUrl: string,
  args?: readonly string[],
  options?: {
    /** @default 0 (a free port) */
    port?: number;
    /** `--quiet`. @default true */
    quiet?: boolean;
    /** Sees what the process writes, as it comes. */
    onOutput?: (text: string) => void;
  },
): Promise<HarnessNode>;

/** Starts a Redis and `nodes` harness processes on it (default 2, each with `args`). */
export function startHarnessCluster(options?: { nodes?: number; args?: readonly string[] }): Promise<HarnessCluster>;
