// `pnpm harness --redis URL`: harness processes on one real redis-server form one cluster for `/rt`
// (the contract the cluster e2e spec and `pnpm demo --nodes 2` rely on). Raw `ws` peers, real processes.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarnessCluster, type HarnessCluster, type HarnessNode } from '../../../scripts/harness-cluster.mjs';
import { helloWs, push, type Frame, type WsPeer } from './envelope-helpers.js';

let cluster: HarnessCluster | undefined;
const peers: WsPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.ws.terminate();
  await cluster?.stop();
  cluster = undefined;
});

const two = ({ nodes }: HarnessCluster): [HarnessNode, HarnessNode] => [nodes[0]!, nodes[1]!];
const wsOf = (url: string) => `${url.replace(/^http/, 'ws')}/rt`;

async function peer(url: string, hello: { token?: string; lastSeq?: number } = {}): Promise<{ peer: WsPeer; welcome: Frame }> {
  const opened = await helloWs(wsOf(url), hello);
  peers.push(opened.peer);
  return opened;
}

let nextCid = 0;
async function request(to: WsPeer, name: string, ...args: unknown[]): Promise<Frame> {
  const cid = ++nextCid;
  to.send({ t: 'event', cid, name, args, ack: true });
  return to.frames.next((frame) => frame.t === 'ack' && frame['cid'] === cid);
}

const events = (from: WsPeer, name: string) => from.frames.all.filter((frame) => frame.t === 'event' && frame['name'] === name).map((frame) => (frame['args'] as unknown[])[0]);

describe('harness processes started with --redis', () => {
  it('are one chat server: members, chat and pushes cross nodes', async () => {
    cluster = await startHarnessCluster();
    const [a, b] = two(cluster);
    const ann = await peer(a.url);
    const ben = await peer(b.url);
    await request(ann.peer, 'join', 'lobby', 'ann');
    const joined = await request(ben.peer, 'join', 'lobby', 'ben');
    expect(joined['args']).toEqual([{ room: 'lobby', members: ['ann', 'ben'] }]);
    await request(ann.peer, 'chat', { text: 'hi from a' });
    await expect.poll(() => events(ben.peer, 'chat')).toEqual([expect.objectContaining({ text: 'hi from a', from: 'ann', room: 'lobby' })]);
    expect((await push(a.url, { name: 'notice', args: ['from a'], room: 'lobby' })).json).toEqual({ delivered: 2 });
    expect((await push(b.url, { name: 'notice', args: ['from b'] })).json).toEqual({ delivered: 2 });
    for (const each of [ann.peer, ben.peer]) await expect.poll(() => events(each, 'notice')).toEqual(['from a', 'from b']);
  });

  it('moves a session to another node without telling the room it left', async () => {
    cluster = await startHarnessCluster();
    const [a, b] = two(cluster);
    const ann = await peer(a.url);
    const ben = await peer(b.url);
    await request(ann.peer, 'join', 'lobby', 'ann');
    await request(ben.peer, 'join', 'lobby', 'ben');
    // Ann's session moves to node B (her client reconnected there); node A lets it go.
    const moved = await peer(b.url, { token: ann.welcome['token'] as string, lastSeq: 0 });
    expect(moved.welcome).toMatchObject({ resumed: true });
    await expect.poll(() => ann.peer.frames.all.some((frame) => frame.t === 'bye' && frame['code'] === 'replaced')).toBe(true);
    await request(moved.peer, 'chat', { text: 'still here' });
    await request(moved.peer, 'join', 'elsewhere');
    expect((await push(a.url, { name: 'marker', args: [], room: 'lobby' })).json).toEqual({ delivered: 1 });
    await expect.poll(() => events(ben.peer, 'marker')).toHaveLength(1);
    const left = events(ben.peer, 'presence').filter((presence) => (presence as { joined: boolean }).joined === false);
    expect(left).toEqual([{ room: 'lobby', nick: 'ann', joined: false, members: ['ben'] }]);
    expect(events(ben.peer, 'chat')).toEqual([expect.objectContaining({ text: 'still here', from: 'ann' })]);
  });

  it('fails to start with a clear message when Redis cannot be reached', async () => {
    const { startHarnessNode } = await import('../../../scripts/harness-cluster.mjs');
    await expect(startHarnessNode('redis://127.0.0.1:1')).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});
