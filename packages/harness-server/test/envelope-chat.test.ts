import { afterEach, describe, expect, it } from 'vitest';
import { helloSse, helloWs, postFrames, push, startRt } from './envelope-helpers.js';
import type { Frame, RtServer, SsePeer, WsPeer } from './envelope-helpers.js';

let server: RtServer | undefined;
const wsPeers: WsPeer[] = [];
const ssePeers: SsePeer[] = [];

afterEach(async () => {
  for (const peer of wsPeers.splice(0)) peer.ws.terminate();
  for (const peer of ssePeers.splice(0)) peer.close();
  await server?.close();
  server = undefined;
});

async function ws() {
  const opened = await helloWs(server!.wsUrl);
  wsPeers.push(opened.peer);
  return opened;
}

async function sse() {
  const opened = await helloSse(server!.url);
  ssePeers.push(opened.peer);
  return opened;
}

const named = (name: string) => (frame: Frame) => frame.t === 'event' && frame['name'] === name;
const ackOf = (cid: number) => (frame: Frame) => frame.t === 'ack' && frame['cid'] === cid;

describe('envelope chat application', () => {
  it('joins, chats and announces presence between a WebSocket and an SSE+POST session', async () => {
    server = await startRt();
    const ann = await ws();
    ann.peer.send({ t: 'event', cid: 1, name: 'join', args: ['lobby', 'ann'], ack: true });
    expect(await ann.peer.frames.next(ackOf(1))).toMatchObject({ args: [{ room: 'lobby', members: ['ann'] }] });

    const bob = await sse();
    const bobSession = String(bob.welcome['token']);
    await postFrames(server.url, bobSession, [{ t: 'event', cid: 1, name: 'join', args: ['lobby', 'bob'], ack: true }]);
    expect(await bob.peer.frames.next(ackOf(1))).toMatchObject({ args: [{ room: 'lobby', members: ['ann', 'bob'] }] });
    // The joiner hears its own presence (before its ack), then the others'.
    expect(ann.peer.frames.all.filter(named('presence'))[0]?.['args']).toEqual([
      { room: 'lobby', nick: 'ann', joined: true, members: ['ann'] },
    ]);
    expect((await ann.peer.frames.next(named('presence')))['args']).toEqual([
      { room: 'lobby', nick: 'bob', joined: true, members: ['ann', 'bob'] },
    ]);

    const before = Date.now();
    await postFrames(server.url, bobSession, [{ t: 'event', cid: 2, name: 'chat', args: [{ text: 'hi ann', mood: 'sunny' }], ack: true }]);
    const heard = await ann.peer.frames.next(named('chat'));
    expect(heard['args']).toEqual([{ text: 'hi ann', mood: 'sunny', from: 'bob', room: 'lobby', at: expect.any(Number) }]);
    expect((heard['args'] as Array<{ at: number }>)[0]!.at).toBeGreaterThanOrEqual(before - 1000);
    // The sender hears its own chat too, then the ack.
    expect((await bob.peer.frames.next(named('chat')))['args']).toEqual(heard['args']);
    expect(await bob.peer.frames.next(ackOf(2))).toMatchObject({ args: [{ ok: true }] });

    ann.peer.send({ t: 'event', cid: 2, name: 'chat', args: [{ text: 'hi bob' }] });
    expect((await bob.peer.frames.next(named('chat')))['args']).toMatchObject([{ text: 'hi bob', from: 'ann', room: 'lobby' }]);
  });

  it('leaves the previous room on joining another and sets nicknames', async () => {
    server = await startRt();
    const ann = await ws();
    const bob = await ws();
    ann.peer.send({ t: 'event', cid: 1, name: 'join', args: ['a'] });
    bob.peer.send({ t: 'event', cid: 1, name: 'nick', args: ['bob'], ack: true });
    expect(await bob.peer.frames.next(ackOf(1))).toMatchObject({ args: [{ nick: 'bob' }] });
    bob.peer.send({ t: 'event', cid: 2, name: 'join', args: ['a'], ack: true });
    await bob.peer.frames.next(ackOf(2));
    bob.peer.send({ t: 'event', cid: 3, name: 'join', args: ['b'], ack: true });
    expect(await bob.peer.frames.next(ackOf(3))).toMatchObject({ args: [{ room: 'b', members: ['bob'] }] });
    const left = await ann.peer.frames.next((frame) => named('presence')(frame) && (frame['args'] as Array<{ joined: boolean }>)[0]?.joined === false);
    expect(left['args']).toEqual([{ room: 'a', nick: 'bob', joined: false, members: [expect.stringMatching(/^guest-/)] }]);

    ann.peer.send({ t: 'event', cid: 2, name: 'chat', args: [{ text: 'only room a' }], ack: true });
    await ann.peer.frames.next(ackOf(2));
    bob.peer.send({ t: 'event', cid: 4, name: 'echo', args: [], ack: true });
    await bob.peer.frames.next(ackOf(4));
    expect(bob.peer.frames.all.filter(named('chat'))).toEqual([]);
  });

  it('rejects chats outside a room and events with bad args', async () => {
    server = await startRt();
    const { peer } = await ws();
    peer.send({ t: 'event', cid: 1, name: 'chat', args: [{ text: 'void' }], ack: true });
    expect(await peer.frames.next(ackOf(1))).toMatchObject({ error: { code: 'not-in-room' } });
    peer.send({ t: 'event', cid: 2, name: 'join', args: [42], ack: true });
    expect(await peer.frames.next(ackOf(2))).toMatchObject({ error: { code: 'bad-args' } });
    peer.send({ t: 'event', cid: 3, name: 'chat', args: ['not an object'] });
    expect(await peer.frames.next()).toMatchObject({ t: 'error', code: 'bad-args', cid: 3 });
  });

  it('pushes from outside to every session or to one room, counting deliveries', async () => {
    server = await startRt();
    const inRoom = await ws();
    const outside = await sse();
    inRoom.peer.send({ t: 'event', cid: 1, name: 'join', args: ['news'], ack: true });
    await inRoom.peer.frames.next(ackOf(1));

    expect(await push(server.url, { name: 'alert', args: ['all'] })).toEqual({ status: 200, json: { delivered: 2 } });
    expect(await push(server.url, { name: 'alert', args: ['room'], room: 'news' })).toEqual({ status: 200, json: { delivered: 1 } });
    expect(await push(server.url, { name: 'alert', room: 'empty' })).toEqual({ status: 200, json: { delivered: 0 } });
    expect((await outside.peer.frames.next(named('alert')))['args']).toEqual(['all']);
    expect((await inRoom.peer.frames.next(named('alert')))['args']).toEqual(['all']);
    expect((await inRoom.peer.frames.next(named('alert')))['args']).toEqual(['room']);
    expect(outside.peer.frames.all.filter(named('alert'))).toHaveLength(1);
  });

  it('refuses a push without a name', async () => {
    server = await startRt();
    expect(await push(server.url, { args: [] })).toMatchObject({ status: 400, json: { error: { code: 'bad-request' } } });
    expect(await push(server.url, { name: 'x', args: 'no' })).toMatchObject({ status: 400 });
  });
});
