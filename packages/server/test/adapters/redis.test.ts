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
    expect(() => redisAdapter(client, { streamLength: 1.5 })).toThrowError(/option streamLength must be an integer >= 1; got 1.5/);
    expect(() => redisAdapter(client, { prefx: 'x' } as never)).toThrowError(/unknown option "prefx"/);
  });

  /** [seq, tail] of frames `from`..`to` numbered as `frame(String(n))`. */
  const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => frame(String(from + index)).tail);

  it('writes one stream entry per broadcast, whatever the number of sessions it reaches', async () => {
    const { adapter, client } = await node('entries:');
    for (let i = 0; i < 50; i++) {
      await adapter.create({ id: `s${i}`, secretHash: hashSecret('s'), data: null });
      await adapter.join(`s${i}`, 'r');
    }
    const before = Number(await client.sendCommand(['XLEN', 'entries:bus']));
    expect(await adapter.broadcast({ rooms: ['r'] }, frame('to all 50'))).toBe(50);
    expect(await adapter.broadcast({ rooms: ['nobody-here'] }, frame('to none'))).toBe(0);
    expect(Number(await client.sendCommand(['XLEN', 'entries:bus']))).toBe(before + 1);
  });

  it('takes a session over from a node that died, from its last checkpoint: every lastSeq in the window resumes with exactly the frames after it', async () => {
    // replayFrames 8: the owner saves a checkpoint every 2 frames, and keeps those a resume may need.
    const limits = { replayFrames: 8 };
    const one = await node('crash:', limits);
    const two = await node('crash:', limits);
    await one.adapter.create({ id: 'a', secretHash: hashSecret('s'), data: null });
    await one.adapter.join('a', 'r');
    await two.adapter.create({ id: 'b', secretHash: hashSecret('s'), data: null });
    await two.adapter.join('b', 'r');
    for (let n = 1; n <= 30; n++) {
      // Frames to `a` from both nodes, broadcasts and direct ones, and a room it leaves and rejoins.
      if (n % 3 === 0) await two.adapter.append('a', frame(String(n)));
      else await (n % 2 ? one : two).adapter.broadcast({ rooms: ['r'], except: ['b'] }, frame(String(n)));
      if (n === 10) await one.adapter.leave('a', 'r');
      if (n === 10) await two.adapter.broadcast({ rooms: ['r'] }, frame('missed: not in r'));
      if (n === 10) await one.adapter.join('a', 'r');
    }
    await expect.poll(() => one.node.of('a').length).toBe(30);
    expect(one.node.of('a').map(([, tail]) => tail)).toEqual(numbered(1, 30));
    const checkpoints = JSON.parse(String(await one.client.sendCommand(['HGET', 'crash:s:a', 'cp']))) as [number, string, string[]][];
    expect(checkpoints.length).toBeGreaterThan(1);
    expect(checkpoints.length).toBeLessThanOrEqual(8 / 2 + 2);
    // Node one dies without a word (no checkpoint saved on the way out); node two takes `a` over.
    one.client.destroy();
    for (const lastSeq of [22, 25, 30]) {
      const resumed = await two.adapter.resume('a', hashSecret('s'), lastSeq);
      expect(resumed).toMatchObject({ seq: 30, rooms: ['r'] });
      expect(resumed!.replay.map((f) => f.tail)).toEqual(numbered(lastSeq + 1, 30));
    }
    await two.adapter.broadcast({ rooms: ['r'] }, frame('31'));
    await expect.poll(() => two.node.of('a')).toEqual([[31, frame('31').tail]]);
    // Beyond the window of 8: a gap, and the session is over.
    expect(await two.adapter.resume('a', hashSecret('s'), 22)).toBeUndefined();
    expect(two.node.releases).toEqual([{ id: 'a', reason: 'gap' }]);
  });

  it('answers a gap, never a partial replay, when the stream no longer reaches back to the checkpoint a resume needs', async () => {
    const one = await node('trimmed:');
    const two = await node('trimmed:');
    await one.adapter.create({ id: 'a', secretHash: hashSecret('s'), data: null });
    await one.adapter.append('a', frame('1'));
    await expect.poll(() => one.node.of('a').length).toBe(1);
    // The rest of the cluster writes on; the stream is trimmed past `a`'s only checkpoint (its creation).
    await two.adapter.create({ id: 'busy', secretHash: hashSecret('s'), data: null });
    await one.client.sendCommand(['XTRIM', 'trimmed:bus', 'MAXLEN', '1']);
    // From lastSeq 0 the computation finds no frame at all: only the trimmed tail tells it frame 1 is gone.
    expect(await two.adapter.resume('a', hashSecret('s'), 0)).toBeUndefined();
    await expect.poll(() => one.node.releases).toEqual([{ id: 'a', reason: 'gap' }]);
  });

  it('delivers what the stream got while its reader was cut off, in order and once', async () => {
    const { adapter, node: n, client } = await node('reader:');
    await adapter.create({ id: 'a', secretHash: hashSecret('s'), data: null });
    await adapter.append('a', frame('1'));
    await expect.poll(() => n.of('a').length).toBe(1);
    const readers = String(await client.sendCommand(['CLIENT', 'LIST']))
      .split('\n')
      .filter((line) => / cmd=xread /.test(line))
      .map((line) => /^id=(\d+)/.exec(line)![1]!);
    expect(readers).toHaveLength(1);
    await client.sendCommand(['CLIENT', 'KILL', 'ID', readers[0]!]);
    for (const text of ['2', '3']) await adapter.append('a', frame(text));
    await expect.poll(() => n.of('a').length, { timeout: 10_000 }).toBe(3);
    await adapter.append('a', frame('4'));
    await expect.poll(() => n.of('a').length).toBe(4);
    expect(n.of('a')).toEqual(numbered(1, 4).map((tail, index) => [index + 1, tail]));
  });

  it('reports a malformed stream entry and goes on reading', async () => {
    const { adapter, node: n, client } = await node('malformed:');
    await adapter.create({ id: 'a', secretHash: hashSecret('s'), data: null });
    await adapter.join('a', 'r');
    // An entry this version cannot read (a broadcast whose target is no JSON), then a good one.
    await client.sendCommand(['XADD', 'malformed:bus', '*', 'k', 'b', 'a', frame('bad').tail, 'b', '1', 'c', '[not json', 'd', '']);
    await adapter.broadcast({ rooms: ['r'] }, frame('good'));
    await expect.poll(() => n.of('a')).toEqual([[1, frame('good').tail]]);
    expect(n.errors.map((error) => error.message)).toEqual([expect.stringMatching(/^redis adapter: a malformed cluster stream entry \d+-\d+ \(skipped\)$/)]);
  });

  it('lets the sessions of a node that stopped renewing its leases expire on their own', async () => {
    const { adapter, client } = await node('dead:', { detachedTtlMs: 300 });
    const other = await node('dead:', { detachedTtlMs: 300 });
    await adapter.create({ id: 'a', secretHash: hashSecret('s'), data: null });
    await adapter.join('a', 'r');
    // The node dies without a word: its connections drop, nothing renews.
    client.destroy();
    // A broadcast no longer counts it once its keys expired (and forgets it in the room), nor does a lookup.
    await expect.poll(async () => other.adapter.broadcast({ rooms: ['r'] }, frame('late')), { timeout: 5000 }).toBe(0);
    expect(await other.adapter.fetchSessions({ rooms: ['r'] })).toEqual([]);
    expect(await other.client.sendCommand(['ZCARD', 'dead:r:r'])).toBe(0);
    expect(await other.adapter.resume('a', hashSecret('s'), 0)).toBeUndefined();
  });
});
