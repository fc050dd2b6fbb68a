import { createClient, type RedisClientType } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../../../../scripts/redis.mjs';
import type { SessionLimits } from '../../src/adapters/adapter.js';
import { redisAdapter, type RedisAdapter } from '../../src/adapters/redis/index.js';
import { hashSecret } from '../../src/session/token.js';
import { adapterConformance, DEFAULT_TEST_LIMITS, frame, RecordingNode } from './conformance.js';

// The same conformance suite as the memory adapter, against a real redis-server: every test gets a
// cluster of its own (a key prefix of its own), every node a client of its own, as separate processes would.
let redis: RedisProcess;
let clusters = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

adapterConformance({
  name: 'redis',
  async cluster() {
    const prefix = `conformance-${++clusters}:`;
    const clients: { isOpen: boolean; close(): Promise<void> }[] = [];
    return {
      adapter() {
        const client = createClient({ url: redis.url });
        client.on('error', () => undefined);
        clients.push(client);
        return redisAdapter(client, { prefix });
      },
      async teardown() {
        await Promise.all(clients.map((client) => (client.isOpen ? client.close() : undefined)));
      },
    };
  },
});

describe('redis adapter', () => {
  const open: { adapter: RedisAdapter; client: RedisClientType }[] = [];
  afterEach(async () => {
    for (const { adapter, client } of open.splice(0)) {
      await adapter.close().catch(() => undefined);
      if (client.isOpen) await client.close();
    }
  });

  async function node(prefix: string, limits: Partial<SessionLimits> = {}) {
    const client: RedisClientType = createClient({ url: redis.url });
    client.on('error', () => undefined);
    const adapter = redisAdapter(client, { prefix });
    const recorder = new RecordingNode(`node-${prefix}${open.length}`);
    await adapter.init(recorder, { ...DEFAULT_TEST_LIMITS, ...limits });
    open.push({ adapter, client });
    return { adapter, node: recorder, client };
  }

  it('refuses what is not a node-redis client, and bad options, with a TypeError at construction', () => {
    const client = createClient({ url: redis.url });
    expect(() => redisAdapter({} as never)).toThrowError(new TypeError('unisocket redisAdapter(): the first argument must be a node-redis client (createClient() from "redis")'));
    expect(() => redisAdapter(client, { prefix: '' })).toThrowError(/option prefix must be a non-empty string; got ""/);
    expect(() => redisAdapter(client, { leaseRefreshMs: 0 })).toThrowError(/option leaseRefreshMs must be an integer >= 1; got 0/);
    expect(() => redisAdapter(client, { prefx: 'x' } as never)).toThrowError(/unknown option "prefx"/);
  });

  it('keeps a log within its window plus a slack of an eighth (trimmed in batches, not on every append)', async () => {
    const { adapter, client } = await node('trim:', { replayFrames: 64 });
    await adapter.create({ id: 'a', secretHash: hashSecret('s'), data: null });
    const lengths: number[] = [];
    for (let i = 1; i <= 300; i++) {
      await adapter.append('a', frame(`${i}`));
      lengths.push(Number(await client.sendCommand(['XLEN', 'trim:l:a'])));
    }
    expect(Math.max(...lengths)).toBeLessThanOrEqual(64 + 16);
    expect(Math.min(...lengths.slice(100))).toBeGreaterThanOrEqual(64);
    expect((await adapter.resume('a', hashSecret('s'), 300 - 64))!.replay).toHaveLength(64);
  });

  it('delivers what was published while its subscriber reconnected, from the log, in order and once', async () => {
    const { adapter, node: n, client } = await node('resync:');
    await adapter.create({ id: 'a', secretHash: hashSecret('s'), data: null });
    await adapter.append('a', frame('before'));
    await expect.poll(() => n.of('a').length).toBe(1);
    // Deliveries lost on the way (published while the subscriber was away): logged, published to nobody.
    await client.sendCommand(['HSET', 'resync:s:a', 'o', 'nobody']);
    for (const text of ['lost 1', 'lost 2']) await adapter.append('a', frame(text));
    await client.sendCommand(['HSET', 'resync:s:a', 'o', n.nodeId]);
    expect(n.of('a')).toHaveLength(1);
    // The subscriber's connection is cut; once it is back, the node looks in the logs.
    await client.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await expect.poll(() => n.of('a').length, { timeout: 10_000 }).toBe(3);
    await adapter.append('a', frame('after'));
    await expect.poll(() => n.of('a').length).toBe(4);
    expect(n.of('a')).toEqual([
      [1, frame('before').tail],
      [2, frame('lost 1').tail],
      [3, frame('lost 2').tail],
      [4, frame('after').tail],
    ]);
  });

  it('fetches a frame whose delivery was lost before delivering the next one', async () => {
    const { adapter, node: n, client } = await node('fill:');
    await adapter.create({ id: 'a', secretHash: hashSecret('s'), data: null });
    await client.sendCommand(['HSET', 'fill:s:a', 'o', 'nobody']);
    await adapter.append('a', frame('lost'));
    await client.sendCommand(['HSET', 'fill:s:a', 'o', n.nodeId]);
    await adapter.append('a', frame('next'));
    await expect.poll(() => n.of('a')).toEqual([
      [1, frame('lost').tail],
      [2, frame('next').tail],
    ]);
  });

  it('lets the sessions of a node that stopped renewing its leases expire on their own', async () => {
    const { adapter, client } = await node('dead:', { detachedTtlMs: 300 });
    const other = await node('dead:', { detachedTtlMs: 300 });
    await adapter.create({ id: 'a', secretHash: hashSecret('s'), data: null });
    await adapter.join('a', 'r');
    // The node dies without a word: its connections drop, nothing renews.
    client.destroy();
    await expect.poll(async () => other.adapter.fetchSessions({ rooms: ['r'] }), { timeout: 5000 }).toEqual([]);
    expect(await other.adapter.resume('a', hashSecret('s'), 0)).toBeUndefined();
  });
});
