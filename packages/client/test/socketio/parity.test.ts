import { describe, expect, it } from 'vitest';
import { connectTo, type TestClient } from './helpers.js';
import { nextOf, officialClient } from './official.js';
import { serversPerTest, type SocketIoVersion, type VersionedServer } from './servers.js';

// What people moving from socket.io-client reach for: onAny / prependAny / offAny, onAnyOutgoing /
// offAnyOutgoing, id, connected, recovered, volatile; against real socket.io 4 and 2 servers.

const start = serversPerTest();
let server: VersionedServer;

/** `/admin` answers `whoami` with the socket id, pushes `tick`s on request, counts what reaches it. */
async function serve(version: SocketIoVersion) {
  server = await start(version, version == 4 ? { connectionStateRecovery: { maxDisconnectionDuration: 60_000 } } : {});
  const received: unknown[][] = [];
  server.of('/admin').on('connection', (socket) => {
    socket.emit('hello', 'you'); // with recovery on, an offset to recover from
    socket.on('whoami', (answer: (id: string) => void) => answer(socket.id));
    socket.on('ticks', (count: number) => {
      for (let n = 1; n <= count; n++) socket.emit('tick', n, 'x');
    });
    socket.on('note', (...args: unknown[]) => void received.push(args));
    socket.on('message', (...args: unknown[]) => void received.push(['message', ...args]));
  });
  return { url: `${server.url}/admin`, received };
}

describe.each<[string, SocketIoVersion, { eio: 3 | 4 }]>([
  ['socket.io 4', 4, { eio: 4 }],
  ['socket.io 2', 2, { eio: 3 }],
])('%s', (_name, version, endpoint) => {
  const open = async (url: string): Promise<TestClient> => {
    const client = connectTo(url, { ...endpoint, transports: ['websocket'] });
    await client.next('open');
    return client;
  };

  it('onAny sees every event, name first, before its own listeners; prependAny before those; offAny removes one or all', async () => {
    const { url } = await serve(version);
    const client = await open(url);
    const calls: string[] = [];
    const any = (name: string, ...args: unknown[]) => void calls.push(`any ${name} ${args.join(',')}`);
    const unsubscribe = client.onAny(any);
    client.prependAny((name) => void calls.push(`first ${name}`));
    client.on('tick', (n: number) => void calls.push(`tick ${n}`));
    const third = client.nextEvent('tick');
    client.emit('ticks', 1);
    await third;
    expect(calls).toEqual(['first tick', 'any tick 1,x', 'tick 1']);

    unsubscribe();
    calls.length = 0;
    const again = client.nextEvent('tick');
    client.emit('ticks', 1);
    await again;
    expect(calls).toEqual(['first tick', 'tick 1']);
    client.offAny();
    calls.length = 0;
    const last = client.nextEvent('tick');
    client.emit('ticks', 1);
    await last;
    expect(calls).toEqual(['tick 1']);
  });

  it('onAnyOutgoing sees what the app emits (emit, emitWithAck, send), prependAnyOutgoing first, until offAnyOutgoing', async () => {
    const { url } = await serve(version);
    const client = await open(url);
    const seen: unknown[][] = [];
    client.onAnyOutgoing((...call) => void seen.push(call));
    client.prependAnyOutgoing((name) => void seen.push(['first', name]));
    client.emit('note', 1);
    await client.emitWithAck('whoami');
    client.send('raw');
    expect(seen).toEqual([['first', 'note'], ['note', 1], ['first', 'whoami'], ['whoami'], ['first', 'message'], ['message', 'raw']]);
    client.offAnyOutgoing();
    client.emit('note', 2);
    expect(seen).toHaveLength(6);
  });

  it('id is the namespace socket id while connected, as socket.io-client names it', async () => {
    const { url } = await serve(version);
    const official = officialClient(version, url);
    await nextOf(official, 'connect');
    const client = connectTo(url, { ...endpoint, transports: ['websocket'] });
    expect(client.id).toBeUndefined();
    await client.next('open');
    const id = await client.emitWithAck('whoami');
    expect(client.id).toBe(id);
    // socket.io-client 2 names a namespace's socket "/admin#<Engine.IO id>", 3 and later the server's own id.
    expect(client.id!.startsWith('/admin#')).toBe(official.id!.startsWith('/admin#'));
    client.close();
    expect(client.id).toBeUndefined();
  });

  it('connected follows the connection; recovered says whether a reconnect kept the session', async () => {
    const { url } = await serve(version);
    const client = connectTo(url, { ...endpoint, transports: ['websocket'] });
    expect([client.connected, client.recovered]).toEqual([false, false]);
    await client.nextEvent('hello');
    expect([client.connected, client.recovered]).toEqual([true, false]);
    const lost = client.next('close');
    const back = client.next('open');
    server.drop();
    await lost;
    expect(client.connected).toBe(false);
    await back;
    // socket.io 4 recovers the session (connection state recovery); socket.io 2 cannot.
    expect([client.connected, client.recovered]).toEqual([true, version == 4]);
  });

  it('volatile emits go out while connected and are dropped, never queued, while not', async () => {
    const { url, received } = await serve(version);
    const client = await open(url);
    client.volatile.emit('note', 'while connected');
    await client.emitWithAck('whoami');
    const lost = client.next('close');
    const back = client.next('open');
    server.drop();
    await lost;
    const seen: unknown[] = [];
    client.onAnyOutgoing((...call) => void seen.push(call));
    client.volatile.emit('note', 'while reconnecting');
    client.emit('note', 'queued');
    expect(seen).toEqual([['note', 'queued']]); // a dropped volatile emit is not reported as outgoing
    await back;
    await client.emitWithAck('whoami');
    expect(received).toEqual([['while connected'], ['queued']]);
  });
});
