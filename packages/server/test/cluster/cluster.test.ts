// Two server nodes, each its own process, sharing one real redis-server through the Redis adapter:
// they behave as one server. Clients are raw `ws` peers speaking PROTOCOL.md frames.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../../../../scripts/redis.mjs';
import { helloWs, push, sequenced, type Frame, type WsPeer } from '../helpers.js';
import { startNode, type ClusterNode } from './nodes.js';

let redis: RedisProcess;
let clusters = 0;
const nodes: ClusterNode[] = [];
const peers: WsPeer[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.ws.terminate();
  await Promise.all(nodes.splice(0).map((node) => node.stop()));
});

/** Two nodes of a fresh cluster (a key prefix of its own). */
async function cluster(detachedTtlMs?: number): Promise<[ClusterNode, ClusterNode]> {
  const prefix = `cluster-${++clusters}:`;
  const started = await Promise.all([startNode(redis.url, prefix, detachedTtlMs), startNode(redis.url, prefix, detachedTtlMs)]);
  nodes.push(...started);
  return started;
}

/** A client on `node`: a new session, or the one `token` resumes from `lastSeq`. */
async function client(node: ClusterNode, hello: { token?: string; lastSeq?: number } = {}): Promise<{ peer: WsPeer; welcome: Frame }> {
  const opened = await helloWs(node.wsUrl, hello);
  peers.push(opened.peer);
  return opened;
}

let nextCid = 100;
/** Sends event `name` asking for an ack; resolves with the ack frame. */
async function request(peer: WsPeer, name: string, args: unknown[], cid = ++nextCid): Promise<Frame> {
  peer.send({ t: 'event', cid, name, args, ack: true });
  return peer.frames.next((frame) => frame.t === 'ack' && frame['cid'] === cid);
}

/** The arguments of the `name` events a peer received so far, in order. */
const received = (peer: WsPeer, name: string) => peer.frames.all.filter((frame) => frame.t === 'event' && frame['name'] === name).map((frame) => (frame['args'] as unknown[])[0]);

describe('two nodes on one Redis', () => {
  it('share rooms: a chat on one node reaches the members on the other, both ways', async () => {
    const [a, b] = await cluster();
    const ann = await client(a);
    const ben = await client(b);
    await request(ann.peer, 'join', ['lobby', 'ann']);
    // Ben's own nick is saved once his join handler is over: the list it answers has his previous one.
    const joined = await request(ben.peer, 'join', ['lobby', 'ben']);
    expect((joined['args'] as [{ members: string[] }])[0].members).toEqual(['ann', expect.any(String)]);
    await request(ben.peer, 'chat', [{ text: 'from b' }]);
    await request(ann.peer, 'chat', [{ text: 'from a' }]);
    for (const peer of [ann.peer, ben.peer]) {
      await expect.poll(() => received(peer, 'chat').map((chat) => (chat as { text: string }).text)).toEqual(['from b', 'from a']);
    }
  });

  it('push from either node reaches sessions attached to the other', async () => {
    const [a, b] = await cluster();
    const ann = await client(a);
    const ben = await client(b);
    await request(ann.peer, 'join', ['news']);
    await request(ben.peer, 'join', ['news']);
    expect((await push(a.url, { name: 'headline', args: ['from a'], room: 'news' })).json).toEqual({ delivered: 2 });
    expect((await push(b.url, { name: 'headline', args: ['from b'], room: 'news' })).json).toEqual({ delivered: 2 });
    for (const peer of [ann.peer, ben.peer]) await expect.poll(() => received(peer, 'headline')).toEqual(['from a', 'from b']);
  });

  it('runs a client event once across nodes: a resend after moving to the other node is not processed again (rcid)', async () => {
    const [a, b] = await cluster();
    const ann = await client(a);
    const ben = await client(b);
    await request(ann.peer, 'join', ['room', 'ann'], 1);
    await request(ben.peer, 'join', ['room', 'ben']);
    ann.peer.send({ t: 'event', cid: 2, name: 'chat', args: [{ text: 'once' }], ack: true });
    await expect.poll(() => received(ben.peer, 'chat')).toHaveLength(1);
    // Ann's connection drops before she saw the ack; she resumes on node B and sends cid 2 again.
    const lastSeq = Math.max(0, ...sequenced(ann.peer.frames.all).map((frame) => frame['seq'] as number));
    ann.peer.ws.terminate();
    const again = await client(b, { token: ann.welcome['token'] as string, lastSeq });
    expect(again.welcome).toMatchObject({ resumed: true, rcid: 2 });
    again.peer.send({ t: 'event', cid: 2, name: 'chat', args: [{ text: 'once' }], ack: true });
    await request(again.peer, 'chat', [{ text: 'after' }], 3);
    await expect.poll(() => received(ben.peer, 'chat').map((chat) => (chat as { text: string }).text)).toEqual(['once', 'after']);
  });

  it('resumes a session on node B after node A is killed: nothing lost, nothing twice, in order', async () => {
    const [a, b] = await cluster();
    const ann = await client(a);
    await request(ann.peer, 'join', ['ticker', 'ann']);
    const total = 60;
    // A backend pushes numbered messages through node B the whole time.
    const producer = (async () => {
      for (let n = 1; n <= total; n++) await push(b.url, { name: 'tick', args: [n], room: 'ticker' });
    })();
    await expect.poll(() => received(ann.peer, 'tick').length).toBeGreaterThanOrEqual(10);
    await a.kill();
    await ann.peer.closed;
    const seen = sequenced(ann.peer.frames.all);
    const lastSeq = seen.at(-1)!['seq'] as number;
    const resumed = await client(b, { token: ann.welcome['token'] as string, lastSeq });
    expect(resumed.welcome).toMatchObject({ resumed: true, session: ann.welcome['session'] });
    await producer;
    await expect.poll(() => received(resumed.peer, 'tick').length + received(ann.peer, 'tick').length).toBe(total);
    const frames = [...seen, ...sequenced(resumed.peer.frames.all)];
    expect(frames.map((frame) => frame['seq'])).toEqual(frames.map((_, index) => index + 1));
    expect([...received(ann.peer, 'tick'), ...received(resumed.peer, 'tick')]).toEqual(Array.from({ length: total }, (_, index) => index + 1));
  });

  it("expires a killed node's sessions after the detached TTL: gone from rooms, no longer resumable", async () => {
    const [a, b] = await cluster(1000);
    const ann = await client(a);
    await request(ann.peer, 'join', ['room', 'ann']);
    await a.kill();
    const ben = await client(b);
    const members = async () => ((await request(ben.peer, 'join', ['room', 'ben']))['args'] as [{ members: string[] }])[0].members;
    // (The first join's answer lists Ben by his nick before it: it is saved when the handler is over.)
    await members();
    expect(await members()).toEqual(['ann', 'ben']);
    await expect.poll(members, { timeout: 10_000, interval: 200 }).toEqual(['ben']);
    const late = await client(b, { token: ann.welcome['token'] as string, lastSeq: 0 });
    expect(late.welcome).toMatchObject({ resumed: false });
    expect(late.welcome['session']).not.toBe(ann.welcome['session']);
  });
});
