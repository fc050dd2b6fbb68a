// The per-session socket API, observed from raw `ws` peers: who hears a broadcast, a kick, server
// acks, the lifecycle, and the heartbeat's liveness checks.
import { once } from 'node:events';
import { connect as tcpConnect, type Socket as TcpSocket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventError, Server, type DisconnectReason, type ServerOptions, type Socket } from '../src/index.js';
import { helloWs, openWs, postFrames, type Frame, type WsPeer } from './helpers.js';
import { listen, type Listening } from './listen.js';

let running: Listening | undefined;
const peers: WsPeer[] = [];
const tcp: TcpSocket[] = [];

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.ws.terminate();
  for (const socket of tcp.splice(0)) socket.destroy();
  await running?.close();
  running = undefined;
});

/** A server that hands the test every socket it gets, and the disconnects. */
async function start(options: ServerOptions = {}) {
  const rt = new Server(options);
  const sockets: Socket[] = [];
  const disconnects: [string, DisconnectReason][] = [];
  rt.on('connection', (socket) => void sockets.push(socket));
  rt.on('disconnect', (socket, reason) => void disconnects.push([socket.id, reason]));
  rt.on('error', () => undefined);
  running = await listen(rt);
  const wsUrl = `${running.url.replace('http', 'ws')}/rt`;
  const join = async (...rooms: string[]) => {
    const opened = await helloWs(wsUrl);
    peers.push(opened.peer);
    const socket = sockets.at(-1)!;
    for (const room of rooms) socket.join(room);
    return { ...opened, socket };
  };
  return { rt, wsUrl, sockets, disconnects, join };
}

const events = (frames: readonly Frame[], name: string) => frames.filter((frame) => frame.t === 'event' && frame['name'] === name).map((frame) => frame['args']);

describe('socket', () => {
  it('to(room) and broadcast leave the sender out; server.except leaves rooms and sessions out', async () => {
    const { rt, join } = await start();
    const ann = await join('r');
    const bob = await join('r');
    const cat = await join('elsewhere');
    void ann.socket.to('r').emit('hi', 'from ann to r');
    void ann.socket.broadcast.emit('hi', 'from ann to all');
    await rt.except('elsewhere').except(bob.socket.id).emit('hi', 'server, not elsewhere, not bob');
    await expect.poll(() => events(bob.peer.frames.all, 'hi').length).toBe(2);
    await expect.poll(() => events(cat.peer.frames.all, 'hi').length).toBe(1);
    await expect.poll(() => events(ann.peer.frames.all, 'hi').length).toBe(1);
    expect(events(ann.peer.frames.all, 'hi')).toEqual([['server, not elsewhere, not bob']]);
    expect(events(bob.peer.frames.all, 'hi')).toEqual([['from ann to r'], ['from ann to all']]);
    expect(events(cat.peer.frames.all, 'hi')).toEqual([['from ann to all']]);
  });

  it('rooms lists joins in order without leaves; the Set it returns stays live; broadcasts follow', async () => {
    const { rt, join } = await start();
    const ann = await join();
    expect([...ann.socket.rooms]).toEqual([]);
    for (const room of ['a', 'b', 'c', 'b']) ann.socket.join(room);
    ann.socket.leave('b');
    ann.socket.leave('never-joined');
    const rooms = ann.socket.rooms;
    expect([...rooms]).toEqual(['a', 'c']);
    ann.socket.join('d');
    ann.socket.leave('a');
    expect(ann.socket.rooms).toBe(rooms);
    expect([...rooms]).toEqual(['c', 'd']);
    for (const room of ['a', 'b', 'c', 'd']) await rt.to(room).emit('in', room);
    await expect.poll(() => events(ann.peer.frames.all, 'in')).toEqual([['c'], ['d']]);
  });

  it('disconnect() ends the session for good: bye session-ended without retry, the token no longer resumes', async () => {
    const { disconnects, join, wsUrl } = await start();
    const ann = await join('r');
    ann.socket.disconnect('kicked');
    expect(await ann.peer.frames.nextOf('bye')).toEqual({ t: 'bye', code: 'session-ended', message: 'kicked', retry: false });
    await ann.peer.closed;
    expect(disconnects).toEqual([[ann.socket.id, 'server-disconnect']]);
    const again = await helloWs(wsUrl, { token: ann.welcome['token'], lastSeq: 0 });
    peers.push(again.peer);
    expect(again.welcome).toMatchObject({ resumed: false });
  });

  it('a client bye ends the session at once, on WebSocket and by POST: out of its rooms, disconnect client-closed, no resume', async () => {
    const { rt, disconnects, join, wsUrl } = await start();
    const ann = await join('r');
    const bob = await join('r');
    ann.socket.on('note', () => 'noted');
    ann.peer.send({ t: 'event', cid: 1, name: 'note', args: [], ack: true });
    ann.peer.send({ t: 'bye' });
    expect(await ann.peer.frames.nextOf('ack')).toMatchObject({ cid: 1, args: ['noted'] });
    expect((await ann.peer.closed).code).toBe(1000);
    expect(disconnects).toEqual([[ann.socket.id, 'client-closed']]);
    expect((await rt.in('r').fetchSessions()).map((session) => session.id)).toEqual([bob.socket.id]);
    const again = await helloWs(wsUrl, { token: ann.welcome['token'], lastSeq: 0 });
    peers.push(again.peer);
    expect(again.welcome).toMatchObject({ resumed: false });
    const posted = await postFrames(running!.url, bob.welcome['token'] as string, [{ t: 'bye' }]);
    expect(posted.status).toBe(200);
    await bob.peer.closed;
    expect(disconnects.at(-1)).toEqual([bob.socket.id, 'client-closed']);
    expect(await rt.in('r').fetchSessions()).toEqual([]);
  });

  it('emitWithAck resolves with the client answer and times out when none comes', async () => {
    const { join } = await start();
    const ann = await join();
    const asked = ann.socket.emitWithAck('question', 20);
    const question = await ann.peer.frames.next((frame) => frame['name'] === 'question');
    ann.peer.send({ t: 'ack', ack: question['ack'], args: [42] });
    expect(await asked).toBe(42);
    await expect(ann.socket.timeout(50).emitWithAck('question', 1)).rejects.toMatchObject({ name: 'EventError', code: 'ack-timeout' });
    expect(() => ann.socket.timeout(0)).toThrow(TypeError);
  });

  it('tells the lifecycle: attach, detach, attach again on resume, then disconnect when expired', async () => {
    const { join, wsUrl, disconnects } = await start({ detachedTtlMs: 100 });
    const ann = await join();
    const seen: string[] = [];
    ann.socket.lifecycle.on('attach', ({ transport, resumed }) => void seen.push(`attach ${transport} ${resumed}`));
    ann.socket.lifecycle.on('detach', ({ transport }) => void seen.push(`detach ${transport}`));
    ann.socket.lifecycle.on('disconnect', ({ reason }) => void seen.push(`disconnect ${reason}`));
    ann.peer.ws.terminate();
    await expect.poll(() => seen).toEqual(['detach websocket']);
    const back = await helloWs(wsUrl, { token: ann.welcome['token'], lastSeq: 0 });
    back.peer.ws.terminate();
    await expect.poll(() => seen, { timeout: 5000 }).toEqual(['detach websocket', 'attach websocket true', 'detach websocket', 'disconnect expired']);
    expect(disconnects).toEqual([[ann.socket.id, 'expired']]);
  });

  it('answers a handler error: EventError as is, anything else as internal, reported to error listeners', async () => {
    const errors: Error[] = [];
    const { rt, join } = await start();
    rt.on('error', (error) => void errors.push(error));
    const ann = await join();
    ann.socket.on('refuse', () => {
      throw new EventError('forbidden', 'not you');
    });
    ann.socket.on('crash', async () => {
      throw new Error('db password is hunter2');
    });
    ann.peer.send({ t: 'event', cid: 1, name: 'refuse', args: [], ack: true });
    expect(await ann.peer.frames.nextOf('ack')).toMatchObject({ cid: 1, error: { code: 'forbidden', message: 'not you' } });
    ann.peer.send({ t: 'event', cid: 2, name: 'crash', args: [], ack: true });
    const ack = await ann.peer.frames.nextOf('ack');
    expect(ack).toMatchObject({ cid: 2, error: { code: 'internal' } });
    expect(JSON.stringify(ack)).not.toContain('hunter2');
    expect(errors.map((error) => (error.cause as Error).message)).toEqual(['db password is hunter2']);
  });
});

describe('heartbeat liveness', () => {
  it('drops a socket that never says hello, and one that stops answering pings; the session stays', async () => {
    const { rt, wsUrl } = await start({ heartbeatMs: 100 });
    const mute = await openWs(wsUrl);
    peers.push(mute);
    expect((await mute.closed).code).toBe(1006);

    const detached: string[] = [];
    rt.on('connection', (socket) => socket.lifecycle.on('detach', () => void detached.push(socket.id)));
    // A client whose network died: the handshake and hello went out, then nothing comes back (no pong).
    const socket = tcpConnect(running!.port, '127.0.0.1');
    tcp.push(socket);
    await once(socket, 'connect');
    socket.write('GET /rt HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    await once(socket, 'data');
    const hello = Buffer.from('{"t":"hello","v":1}');
    socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | hello.length, 0, 0, 0, 0]), hello]));
    await expect.poll(() => detached.length, { timeout: 5000 }).toBe(1);
    expect(await rt.fetchSessions()).toHaveLength(1);

    // A live client answers the pings (ws does it by itself) and stays.
    const alive = await helloWs(wsUrl);
    peers.push(alive.peer);
    await alive.peer.frames.nextOf('ping');
    await alive.peer.frames.nextOf('ping');
    await alive.peer.frames.nextOf('ping');
    expect(alive.peer.ws.readyState).toBe(alive.peer.ws.OPEN);
  });
});
