import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import ioV2 from 'socket.io-client-v2';
import type { SocketV2 } from 'socket.io-client-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PRIVATE_NAMESPACE_TOKEN } from '../src/index.js';
import { Peers, WsPeer, control, startTestHarness, wsUrl } from './helpers.js';
import type { TestHarness } from './helpers.js';

let harness: TestHarness;
const peers = new Peers();
beforeAll(async () => {
  harness = await startTestHarness({ testEventDelayMs: 50 });
});
afterEach(() => peers.closeAll());
afterAll(() => harness.close());

/** A socket.io v4 client (Engine.IO v4). */
function v4(namespace = '/', options: Parameters<typeof io>[1] = {}): Socket {
  return peers.add(io(harness.url + namespace, { forceNew: true, reconnection: false, ...options }));
}
/** A socket.io 2.x client (Engine.IO v3, what Socket.IO-Lucee speaks). */
function v2(namespace = '/', options: Parameters<typeof ioV2>[1] = {}): SocketV2 {
  return peers.add(ioV2(harness.url + namespace, { forceNew: true, reconnection: false, ...options }));
}
type AnySocket = Socket | SocketV2;

const once = <T = unknown>(socket: AnySocket, event: string) =>
  new Promise<T>((resolve) => (socket as SocketV2).once(event, (value: T) => resolve(value)));
const emitWithAck = (socket: AnySocket, event: string, ...args: unknown[]) =>
  new Promise<unknown[]>((resolve) => (socket as SocketV2).emit(event, ...args, (...answer: unknown[]) => resolve(answer)));

describe.each([
  ['socket.io-client v4 (EIO4)', v4],
  ['socket.io-client v2 (EIO3)', v2],
] as const)('socket.io with %s', (_name, connect) => {
  it('sends a welcome message on connect and the tutorial testEvent after the configured delay', async () => {
    const socket = connect();
    const welcome = once<string>(socket, 'message');
    const testEvent = once<string>(socket, 'testEvent');
    expect(await welcome).toMatch(/^Welcome to \//);
    expect(await testEvent).toBe('Sent a testEvent 0.05 seconds after connection!');
    const revision = connect === v4 ? 'EIO4' : 'EIO3';
    expect(harness.logs.some((line) => line.includes(socket.id ?? '?') && line.includes(revision))).toBe(true);
  });

  it('sends testEvent on request', async () => {
    const socket = connect('/chat');
    await once(socket, 'connect');
    const testEvent = once<string>(socket, 'testEvent');
    socket.emit('tutorial');
    expect(await testEvent).toBe('Sent a testEvent on request!');
  });

  it('acks echo with the same arguments, Buffers included', async () => {
    const socket = connect();
    const [text, number, binary] = await emitWithAck(socket, 'echo', 'hi', 42, Buffer.from([0, 1, 2, 255]));
    expect(text).toBe('hi');
    expect(number).toBe(42);
    expect(Buffer.from(binary as Uint8Array)).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('joins a room with an ack and broadcasts chat to the room only', async () => {
    const [alice, bob, outsider] = [connect('/chat'), connect('/chat'), connect('/chat')];
    expect((await emitWithAck(alice, 'join', 'lobby'))[0]).toEqual({ room: 'lobby', members: 1 });
    expect((await emitWithAck(bob, 'join', 'lobby'))[0]).toEqual({ room: 'lobby', members: 2 });
    await emitWithAck(outsider, 'join', 'elsewhere');
    const outsiderChat = vi.fn();
    (outsider as SocketV2).on('chat', outsiderChat);

    const atBob = once<Record<string, unknown>>(bob, 'chat');
    const atAlice = once<Record<string, unknown>>(alice, 'chat');
    expect((await emitWithAck(alice, 'chat', { text: 'hello room' }))[0]).toEqual({ ok: true });
    expect(await atBob).toMatchObject({ text: 'hello room', from: alice.id, room: 'lobby' });
    expect(await atAlice).toMatchObject({ text: 'hello room', room: 'lobby' });
    // The outsider's own echo proves it got nothing before it.
    await emitWithAck(outsider, 'echo', 'sync');
    expect(outsiderChat).not.toHaveBeenCalled();
  });

  it('emits with an ack to the client and reports its answer (acks both ways)', async () => {
    const socket = connect();
    (socket as SocketV2).on('question', (question: string, ack: (answer: string) => void) => ack(`answer to ${question}`));
    const [report] = await emitWithAck(socket, 'ask-client', 'life');
    expect(report).toEqual({ answer: 'answer to life' });
  });

  it('rejects the /private namespace without the token, accepts it with the token', async () => {
    const refused = connect === v4 ? v4('/private') : v2('/private');
    const error = await Promise.race([once<unknown>(refused, 'connect_error'), once<unknown>(refused, 'error')]);
    expect(error instanceof Error ? error.message : String(error)).toContain('unauthorized');

    const admitted =
      connect === v4 ? v4('/private', { auth: { token: PRIVATE_NAMESPACE_TOKEN } }) : v2('/private', { query: { token: PRIVATE_NAMESPACE_TOKEN } });
    expect(await once<string>(admitted, 'message')).toMatch(/^Welcome to \/private/);
  });
});

describe('socket.io across protocol revisions and faults', () => {
  it('lets an EIO3 and an EIO4 client chat in the same room', async () => {
    const modern = v4('/chat');
    const legacy = v2('/chat');
    await emitWithAck(modern, 'join', 'mixed');
    await emitWithAck(legacy, 'join', 'mixed');
    const atLegacy = once<Record<string, unknown>>(legacy, 'chat');
    modern.emit('chat', { text: 'across revisions' });
    expect(await atLegacy).toMatchObject({ text: 'across revisions', from: modern.id });
  });

  it("restores a session only once its old socket is gone, so the room's messages still reach the new one", async () => {
    // Raw Engine.IO over WebSocket, to recover a session that another connection still holds (the
    // server has not noticed that connection died, or the client's second attempt asks too).
    const engine = wsUrl(harness.url, '/socket.io/?EIO=4&transport=websocket');
    const next = async (peer: WsPeer, prefix: string) => {
      await vi.waitFor(() => expect(peer.messages.some((message) => message.startsWith(prefix))).toBe(true));
      return peer.messages.splice(peer.messages.findIndex((message) => message.startsWith(prefix)), 1)[0]!;
    };
    const payload = (message: string) => JSON.parse(message.slice(message.indexOf(',') + 1)) as unknown;
    const first = peers.add(await WsPeer.open(engine));
    await next(first, '0{');
    first.ws.send('40/chat,');
    const { sid, pid } = payload(await next(first, '40/chat,')) as { sid: string; pid: string };
    const offset = (payload(await next(first, '42/chat,["message"')) as string[]).at(-1);
    first.ws.send('42/chat,1["join","takeover"]');
    await next(first, '43/chat,1');
    first.ws.close(); // the session is kept for recovery
    /** A connection that recovers the session. */
    const recover = async () => {
      const peer = peers.add(await WsPeer.open(engine));
      await next(peer, '0{');
      peer.ws.send(`40/chat,${JSON.stringify({ pid, offset })}`);
      expect(payload(await next(peer, '40/chat,'))).toEqual({ sid, pid });
      return peer;
    };
    await vi.waitFor(() => expect(harness.logs.some((line) => line.includes(`${sid}: disconnected`))).toBe(true));
    const stale = await recover();
    const resumed = await recover();
    // The stale connection goes (the server closed it already; before, it took the rooms with it when it went).
    stale.ws.close();
    await stale.closed;

    const talker = v4('/chat');
    await emitWithAck(talker, 'join', 'takeover');
    talker.emit('chat', { text: 'still in the room' });
    expect(await next(resumed, '42/chat,["chat"')).toContain('still in the room');
  });

  it('recovers the connection state of a v4 client after a drop, with the missed chat', async () => {
    const watcher = peers.add(io(`${harness.url}/chat`, { forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100 }));
    const talker = v4('/chat');
    await emitWithAck(watcher, 'join', 'recovery');
    await emitWithAck(talker, 'join', 'recovery');
    const firstId = watcher.id;

    const disconnected = once(watcher, 'disconnect');
    await control(harness.url, 'drop');
    await disconnected;
    const received: unknown[] = [];
    watcher.on('chat', (message: { text: string }) => received.push(message.text));
    const reconnectTalker = peers.add(io(`${harness.url}/chat`, { forceNew: true, reconnection: false }));
    await emitWithAck(reconnectTalker, 'join', 'recovery');
    reconnectTalker.emit('chat', { text: 'while you were away' });

    await vi.waitFor(() => expect(watcher.connected).toBe(true));
    expect(watcher.recovered).toBe(true);
    expect(watcher.id).toBe(firstId);
    await vi.waitFor(() => expect(received).toContain('while you were away'));
  });
});
