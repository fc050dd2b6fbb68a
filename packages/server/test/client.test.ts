// Our client (in Node, from its source) against the real server: the API both sides see.
import { WebSocket as NodeWebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createClient, sse, websocket, type Client } from '../../client/src/index.js';
import { EventError, Server } from '../src/index.js';
import { listen, type Listening } from './listen.js';

interface ClientEvents {
  join(room: string): { room: string; size: number };
  shout(text: string): void;
  add(a: number, b: number): number;
  fail(kind: 'event-error' | 'crash'): void;
}
interface ServerEvents {
  said(message: { text: string; from: string }): void;
  question(n: number): number;
}

const platform = { WebSocket: NodeWebSocket as unknown as typeof globalThis.WebSocket };
const clients: Client[] = [];
let running: Listening | undefined;

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await running?.close();
  running = undefined;
});

function track<C extends Client>(client: C): C {
  clients.push(client);
  return client;
}

/** A server with a small app: rooms, a shout to the room, an adder, failures. */
async function start(): Promise<{ rt: Server<ClientEvents, ServerEvents, { nick: string }>; url: string }> {
  const rt = new Server<ClientEvents, ServerEvents, { nick: string }>({ authenticate: (req) => ({ nick: new URL(req.url ?? '/', 'http://x').searchParams.get('nick') ?? 'anon' }) });
  rt.on('connection', (socket) => {
    socket.on('join', async (room) => {
      socket.join(room);
      return { room, size: (await rt.in(room).fetchSessions()).length };
    });
    socket.on('shout', (text) => {
      for (const room of socket.rooms) void rt.to(room).emit('said', { text, from: socket.data.nick });
    });
    socket.on('add', (a, b) => a + b);
    socket.on('fail', (kind) => {
      if (kind === 'event-error') throw new EventError('nope', 'not allowed here');
      throw new Error('secret stack detail');
    });
  });
  rt.on('error', () => undefined);
  running = await listen(rt);
  return { rt, url: running.url };
}

const endpoints = (url: string) => ({
  websocket: [websocket(`${url}/rt?nick=ann`)],
  sse: [sse(`${url}/rt?nick=ann`)],
});

describe.each(['websocket', 'sse'] as const)('our client over %s', (kind) => {
  it('gets typed acks, room broadcasts and handler errors', async () => {
    const { url } = await start();
    const ann = track(createClient<ServerEvents, ClientEvents>({ endpoints: endpoints(url)[kind], platform }));
    const bob = track(connect<ServerEvents, ClientEvents>(`${url}/rt?nick=bob`, { platform }));
    expect(await ann.emitWithAck('add', 2, 3)).toBe(5);
    expect(await ann.emitWithAck('join', 'lobby')).toEqual({ room: 'lobby', size: 1 });
    expect(await bob.emitWithAck('join', 'lobby')).toEqual({ room: 'lobby', size: 2 });
    const heard: { text: string; from: string }[] = [];
    ann.on('said', (message) => void heard.push(message));
    bob.emit('shout', 'hello');
    await expect.poll(() => heard).toEqual([{ text: 'hello', from: 'bob' }]);
    await expect(ann.emitWithAck('fail', 'event-error')).rejects.toThrow(/nope: not allowed here/);
    const crash = ann.emitWithAck('fail', 'crash');
    await expect(crash).rejects.toThrow(/internal/);
    await expect(crash).rejects.not.toThrow(/secret/);
  });

  it('answers a server emitWithAck from its listener', async () => {
    const { rt, url } = await start();
    const ann = track(createClient<ServerEvents, ClientEvents>({ endpoints: endpoints(url)[kind], platform }));
    ann.on('question', (n) => n * 2);
    await ann.emitWithAck('add', 0, 0);
    const [info] = await rt.fetchSessions();
    expect(await rt.session(info!.id)!.emitWithAck('question', 21)).toBe(42);
  });

  it('resumes the same session after its connection drops: nothing lost, nothing twice', async () => {
    const { rt, url } = await start();
    const ann = track(createClient<ServerEvents, ClientEvents>({ endpoints: endpoints(url)[kind], platform, backoff: { initialDelayMs: 10, maxDelayMs: 50 } }));
    const heard: string[] = [];
    ann.on('said', ({ text }) => void heard.push(text));
    await ann.emitWithAck('join', 'r');
    const [info] = await rt.fetchSessions();
    const socket = rt.session(info!.id)!;
    void rt.to('r').emit('said', { text: 'one', from: 'x' });
    await expect.poll(() => heard).toEqual(['one']);
    const opened = ann.lifecycle.on('open', () => undefined);
    // The server cuts the connection (as a proxy or a network would); two more are said meanwhile.
    running!.cutConnections();
    void rt.to('r').emit('said', { text: 'two', from: 'x' });
    void rt.to('r').emit('said', { text: 'three', from: 'x' });
    await expect.poll(() => heard, { timeout: 5000 }).toEqual(['one', 'two', 'three']);
    opened();
    expect(rt.session(info!.id)).toBe(socket);
    expect(socket.transport).toBe(kind);
    expect((await rt.fetchSessions()).length).toBe(1);
  });
});

describe('close()', () => {
  it.each(['websocket', 'sse'] as const)('ends the session on the server at once over %s, leaving its rooms (not kept for a resume)', async (kind) => {
    const { rt } = await start();
    const ended: string[] = [];
    rt.on('disconnect', (socket, reason) => void ended.push(`${socket.id} ${reason}`));
    const client = track(createClient<ServerEvents, ClientEvents>({ endpoints: endpoints(running!.url)[kind], platform }));
    await client.emitWithAck('join', 'lobby');
    expect(await rt.in('lobby').fetchSessions()).toHaveLength(1);
    const [session] = await rt.fetchSessions();
    client.close();
    await expect.poll(() => ended).toEqual([`${session!.id} client-closed`]);
    expect(await rt.in('lobby').fetchSessions()).toEqual([]);
    expect(await rt.fetchSessions()).toEqual([]);
  });
});
