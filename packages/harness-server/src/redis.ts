import type { Adapter } from '@unisocket/server';
import { redisAdapter } from '@unisocket/server/redis';
import { createClient } from 'redis';

/** The Redis adapter of `/rt` (`--redis`), with the client it owns. */
export interface RedisSessions {
  adapter: Adapter;
  /** Closes the Redis client (after `/rt` closed its adapter). */
  close(): Promise<void>;
}

/**
 * Connects to the Redis at `url` for `/rt`'s sessions, rooms and fan-out, shared with every harness
 * started on the same Redis. The first connection must succeed (a wrong URL fails the start with a
 * clear message instead of retrying forever); once up, a lost Redis is retried and logged.
 */
export async function connectRedisSessions(url: string, log: (line: string) => void): Promise<RedisSessions> {
  let up = false;
  const client = createClient({
    url,
    socket: { reconnectStrategy: (retries, cause) => (up ? Math.min(50 * 2 ** retries, 2000) : cause) },
  });
  client.on('error', (error: Error) => up && log(`redis: ${error.message}`));
  try {
    await client.connect();
  } catch (cause) {
    throw new Error(`cannot reach Redis at ${url}: ${(cause as Error).message}`, { cause });
  }
  up = true;
  return {
    adapter: redisAdapter(client),
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}
