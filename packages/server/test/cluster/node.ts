// One node of a test cluster, in its own process (so a test can SIGKILL it): the test app of
// ../helpers.ts on the Redis adapter. argv: REDIS_URL PREFIX DETACHED_TTL_MS. Prints `listening URL`.
import { createClient } from 'redis';
import { redisAdapter } from '../../src/adapters/redis/index.js';
import { startServer } from '../helpers.js';

const [redisUrl, prefix, detachedTtlMs] = process.argv.slice(2);
const client = createClient({ url: redisUrl });
client.on('error', (error: Error) => console.error(`redis: ${error.message}`));
await client.connect();
const server = await startServer({ adapter: redisAdapter(client, { prefix }), detachedTtlMs: Number(detachedTtlMs) });
server.rt.on('error', (error) => console.error(`server: ${error.message}`));
process.stdout.write(`listening ${server.url}\n`);
process.on('SIGTERM', () => {
  void server.close().then(async () => {
    await client.close();
    process.exit(0);
  });
});
