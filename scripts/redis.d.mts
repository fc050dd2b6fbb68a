/** A running throwaway `redis-server`. */
export interface RedisProcess {
  /** `redis://HOST:PORT`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** SIGTERM (SIGKILL after 2 s); resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
  /** CPU time it has used, user + system, in ms (`INFO cpu`). */
  cpuMs(): Promise<number>;
}

/** Path of the redis-server binary: $REDIS_SERVER_PATH, /usr/bin or /usr/local/bin, else undefined. */
export function redisServerPath(): string | undefined;

/** What to tell a user when no redis-server is installed. */
export const MISSING_REDIS: string;

/** Starts redis-server (no persistence) on a free loopback port; resolves once it answers PING. */
export function startRedis(options?: { host?: string; startTimeoutMs?: number }): Promise<RedisProcess>;
