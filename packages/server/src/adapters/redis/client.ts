import { createHash } from 'node:crypto';

/**
 * The part of a node-redis client (`redis` 5 or 6: `createClient()` from `redis` or `@redis/client`)
 * the Redis adapter uses. Typed by shape, so the adapter carries no dependency of its own.
 */
export interface RedisClient {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  /** A new client with the same options (the adapter's stream reader, which blocks on `XREAD`). */
  duplicate(): RedisClient;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Closes at once, failing what is in flight (ends the reader's blocking read). */
  destroy(): void;
}

/**
 * Runs Lua scripts by their SHA-1 (EVALSHA). They are loaded when the adapter starts; a Redis that
 * lost its script cache (a restart, `SCRIPT FLUSH`) gets the script again with EVAL.
 */
export class ScriptRunner {
  private readonly shas = new Map<string, string>();

  constructor(private readonly client: RedisClient) {}

  /** Loads `scripts` into the script cache. */
  async load(scripts: readonly string[]): Promise<void> {
    await Promise.all(scripts.map((script) => this.client.sendCommand(['SCRIPT', 'LOAD', script])));
  }

  async run<T>(script: string, args: readonly (string | number)[]): Promise<T> {
    const argv = args.map(String);
    try {
      return (await this.client.sendCommand(['EVALSHA', this.sha(script), '0', ...argv])) as T;
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return (await this.client.sendCommand(['EVAL', script, '0', ...argv])) as T;
    }
  }

  private sha(script: string): string {
    let sha = this.shas.get(script);
    if (!sha) this.shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
    return sha;
  }
}
