// `@unisocket/server/redis`: the Redis adapter, apart from the main entry so that a server on one
// node never loads it.
export { redisAdapter, RedisAdapter, type RedisAdapterOptions } from './adapter.js';
export type { RedisClient } from './client.js';
