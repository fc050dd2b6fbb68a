import { afterEach, describe, expect, it } from 'vitest';
import { helloSse, helloWs, postFrames, push, sequenced, startServer } from './helpers.js';
import type { Frame, TestServer, SsePeer, WsPeer } from './helpers.js';

let server: TestServer | undefined;
const wsPeers: WsPeer[] = [];
const ssePeers: SsePeer[] = [];

afterEach(async () => {
  for (const peer of wsPeers.splice(0)) peer.ws.terminate();
  for (const peer of ssePeers.splice(0)) peer.close();
  await server?.close();
  server = undefined;
});

async function ws(hello?: Record<string, unknown>) {
  const opened = await helloWs(server!.wsUrl, hello);
  wsPeers.push(opened.peer);
  return opened;
}

async function sse(query = '', headers?: Record<string, string>) {
  const opened = await helloSse(server!.url, query, headers);
  ssePeers.push(opened.peer);
  return opened;
}

const pushed = (frame: Frame) => frame.t === 'event' && frame['name'] === 'tick';
const ticks = (frames: readonly Frame[]) => frames.filter(pushed).map((frame) => [frame['seq'], frame['args']]);

describe('envelope resume', () => {
  it('replays what was pushed while a WebSocket was down exactly once, in order', async () => {
    server = await startServer();
    const { peer, welcome } = await ws();
    await push(server.url, { name: 'tick', args: [1] });
    await push(server.url, { name: 'tick', args: [2] });
    await peer.frames.next((frame) => pushed(frame) && frame['seq'] === 2);
    peer.ws.terminate();
    // Pushed while the server may still think the socket is up, and after it noticed.
    for (const n of [3, 4, 5]) expect(await push(server.url, { name: 'tick', args: [n] })).toEqual({ status: 200, json: { delivered: 1 } });

    const resumed = await ws({ token: welcome['token'], lastSeq: 2 });
    expect(resumed.welcome).toMatchObject({ t: 'welcome', token: welcome['token'], resumed: true, seq: 5 });
    await push(server.url, { name: 'tick', args: [6] });
    await resumed.peer.frames.next((frame) => pushed(frame) && frame['seq'] === 6);
    expect(ticks(resumed.peer.frames.all)).toEqual([
      [3, [3]],
      [4, [4]],
      [5, [5]],
      [6, [6]],
    ]);
  });

  it('resumes both carriers after every connection dropped', async () => {
    server = await startServer();
    const socket = await ws();
    const stream = await sse();
    socket.peer.ws.terminate();
    stream.peer.close();
    await socket.peer.closed;
    await stream.peer.ended;
    expect(await push(server.url, { name: 'tick', args: ['while down'] })).toEqual({ status: 200, json: { delivered: 2 } });

    const socketAgain = await ws({ token: socket.welcome['token'], lastSeq: 0 });
    const streamAgain = await sse(`&sessionToken=${String(stream.welcome['token'])}&lastSeq=0`);
    for (const peer of [socketAgain, streamAgain]) {
      expect(peer.welcome).toMatchObject({ resumed: true, seq: 1 });
      expect(await peer.peer.frames.next()).toMatchObject({ t: 'event', seq: 1, name: 'tick', args: ['while down'] });
    }
  });

  it('resumes over SSE from the lastSeq query parameter', async () => {
    server = await startServer();
    const first = await sse();
    const token = String(first.welcome['token']);
    await push(server.url, { name: 'tick', args: [1] });
    await first.peer.frames.next(pushed);
    first.peer.close();
    await push(server.url, { name: 'tick', args: [2] });

    const second = await sse(`&sessionToken=${token}&lastSeq=1`);
    expect(second.welcome).toMatchObject({ token, resumed: true, seq: 2 });
    await second.peer.frames.next(pushed);
    expect(ticks(second.peer.frames.all)).toEqual([[2, [2]]]);
    expect(second.peer.ids[1]).toBe(`${token}:2`);
  });

  it('resumes over SSE from a Last-Event-ID header, with or without the session in it', async () => {
    server = await startServer();
    const first = await sse();
    const token = String(first.welcome['token']);
    await push(server.url, { name: 'tick', args: [1] });
    await push(server.url, { name: 'tick', args: [2] });
    await first.peer.frames.next((frame) => pushed(frame) && frame['seq'] === 2);
    const lastId = first.peer.ids[2];
    expect(lastId).toBe(`${token}:2`);
    first.peer.close();
    await push(server.url, { name: 'tick', args: [3] });

    // What a native EventSource does: the same URL, plus the last id it saw.
    const byHeader = await sse('', { 'last-event-id': lastId! });
    expect(byHeader.welcome).toMatchObject({ token, resumed: true, seq: 3 });
    await byHeader.peer.frames.next(pushed);
    expect(ticks(byHeader.peer.frames.all)).toEqual([[3, [3]]]);
    byHeader.peer.close();

    // The header is newer than a stale query.
    const stale = await sse(`&sessionToken=stale&lastSeq=0`, { 'last-event-id': lastId! });
    expect(stale.welcome).toMatchObject({ token, resumed: true });
    stale.peer.close();

    const bareSeq = await sse(`&sessionToken=${token}`, { 'last-event-id': '1' });
    expect(bareSeq.welcome).toMatchObject({ token, resumed: true });
    await bareSeq.peer.frames.next((frame) => pushed(frame) && frame['seq'] === 3);
    expect(ticks(bareSeq.peer.frames.all)).toEqual([
      [2, [2]],
      [3, [3]],
    ]);
  });

  it('moves a session from SSE to WebSocket without loss, ending the old stream with bye', async () => {
    server = await startServer();
    const stream = await sse();
    const token = String(stream.welcome['token']);
    await postFrames(server.url, token, [{ t: 'event', cid: 1, name: 'echo', args: ['via post'], ack: true }]);
    await stream.peer.frames.nextOf('ack');

    const upgraded = await ws({ token, lastSeq: 1 });
    expect(upgraded.welcome).toMatchObject({ token, resumed: true, seq: 1, rcid: 1 });
    expect(await stream.peer.frames.next()).toMatchObject({ t: 'bye', code: 'replaced', retry: false });
    await stream.peer.ended;

    await push(server.url, { name: 'tick', args: ['after'] });
    upgraded.peer.send({ t: 'event', cid: 2, name: 'echo', args: ['via ws'], ack: true });
    await upgraded.peer.frames.next((frame) => frame.t === 'ack' && frame['cid'] === 2);
    expect(sequenced(upgraded.peer.frames.all).map((frame) => frame['seq'])).toEqual([2, 3]);
    expect(stream.peer.frames.all.filter(pushed)).toEqual([]);
  });

  it('moves a session from WebSocket to SSE, closing the old socket with bye', async () => {
    server = await startServer();
    const socket = await ws();
    const token = String(socket.welcome['token']);
    const stream = await sse(`&sessionToken=${token}&lastSeq=0`);
    expect(stream.welcome).toMatchObject({ token, resumed: true });
    expect(await socket.peer.frames.next()).toMatchObject({ t: 'bye', code: 'replaced', retry: false });
    expect((await socket.peer.closed).code).toBe(1000);
  });

  it('starts a new session when the replay window no longer reaches lastSeq', async () => {
    server = await startServer();
    const away = await ws();
    away.peer.send({ t: 'event', cid: 1, name: 'join', args: ['busy', 'away'], ack: true });
    await away.peer.frames.nextOf('ack');
    away.peer.ws.terminate();

    const talker = await sse();
    const talkerSession = String(talker.welcome['token']);
    await postFrames(server.url, talkerSession, [{ t: 'event', cid: 1, name: 'join', args: ['busy', 'talker'], ack: true }]);
    const chats = Array.from({ length: 1001 }, (_, i) => ({ t: 'event', cid: i + 2, name: 'chat', args: [{ text: `m${i}` }] }));
    expect(await postFrames(server.url, talkerSession, chats)).toEqual({ status: 200, json: { rcid: 1002 } });

    const back = await ws({ token: away.welcome['token'], lastSeq: 2 });
    expect(back.welcome).toMatchObject({ resumed: false, seq: 0, rcid: 0 });
    expect(back.welcome['token']).not.toBe(away.welcome['token']);
    // The abandoned session has left its room.
    await talker.peer.frames.next((frame) => frame['name'] === 'presence' && (frame['args'] as Array<{ joined: boolean }>)[0]?.joined === false);
  });

  it('starts a new session for an unknown session or a lastSeq the server never sent', async () => {
    server = await startServer();
    expect((await ws({ token: 'no-such-session', lastSeq: 0 })).welcome).toMatchObject({ resumed: false, seq: 0 });
    const real = await ws();
    real.peer.ws.terminate();
    const ahead = await ws({ token: real.welcome['token'], lastSeq: 5 });
    expect(ahead.welcome).toMatchObject({ resumed: false });
  });

  it('expires a detached session after its lifetime, telling its room', async () => {
    server = await startServer({ detachedTtlMs: 150 });
    const stay = await ws();
    stay.peer.send({ t: 'event', cid: 1, name: 'join', args: ['r', 'stay'] });
    const leave = await ws();
    leave.peer.send({ t: 'event', cid: 1, name: 'join', args: ['r', 'leave'], ack: true });
    await leave.peer.frames.nextOf('ack');
    leave.peer.ws.terminate();

    const gone = await stay.peer.frames.next((frame) => frame['name'] === 'presence' && (frame['args'] as Array<{ joined: boolean }>)[0]?.joined === false);
    expect(gone['args']).toEqual([{ room: 'r', nick: 'leave', joined: false, reason: 'expired' }]);
    expect((await ws({ token: leave.welcome['token'], lastSeq: 0 })).welcome).toMatchObject({ resumed: false });
    // The attached session outlived the lifetime and still works.
    stay.peer.send({ t: 'event', cid: 2, name: 'echo', args: [], ack: true });
    expect(await stay.peer.frames.nextOf('ack')).toMatchObject({ cid: 2 });
  });
});
