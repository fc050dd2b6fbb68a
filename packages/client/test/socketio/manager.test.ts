import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../../src/core/client.js';
import type { LifecycleEvents } from '../../src/core/lifecycle.js';
import { socketIoManager, type SocketIoManagerOptions } from '../../src/socketio/manager.js';
import { closeOfficial, nextOf, officialClient } from './official.js';
import { serversPerTest, type SocketIoVersion, type VersionedServer } from './servers.js';

// One Engine.IO connection for many namespaces (socket.io-client's Manager), against real socket.io 4
// (connection state recovery on) and 2 servers.

const clients: Client[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
const start = serversPerTest();
let server: VersionedServer;

const next = <K extends keyof LifecycleEvents>(client: Client, type: K) => new Promise<LifecycleEvents[K]>((resolve) => client.lifecycle.once(type, resolve as never));

/** A server whose namespaces `/`, `/chat` and `/admin` answer `where` with their name, and `/private` refuses. */
async function serve(version: SocketIoVersion) {
  server = await start(version, version == 4 ? { connectionStateRecovery: { maxDisconnectionDuration: 60_000 } } : {});
  for (const name of ['/', '/chat', '/admin']) {
    server.of(name).on('connection', (socket) => {
      socket.emit('hello', name); // with recovery on, an offset to recover from
      socket.on('where', (answer: (name: string) => void) => answer(name));
    });
  }
  server.of('/private').use((_socket, next) => next(new Error('no entry')));
  return server;
}

describe.each<[string, SocketIoVersion, SocketIoManagerOptions]>([
  ['socket.io 4', 4, {}],
  ['socket.io 2', 2, { eio: 3 }],
])('%s', (_name, version, options) => {
  // No staggered second carrier (a loaded machine can take a second for a handshake): its race is tested below.
  const manage = (url: string) => socketIoManager(url, { fallbackMemory: false, fallbackDelayMs: 10_000, backoff: { initialDelayMs: 50, maxDelayMs: 200 }, ...options });
  const socket = (manager: ReturnType<typeof manage>, namespace: string) => {
    const client = manager.socket(namespace);
    clients.push(client);
    return client;
  };

  it('carries several namespaces on one Engine.IO connection, as socket.io-client does', async () => {
    const { url } = await serve(version);
    const [chat, admin] = [officialClient(version, `${url}/chat`, { forceNew: false }), officialClient(version, `${url}/admin`, { forceNew: false })];
    await Promise.all([nextOf(chat, 'connect'), nextOf(admin, 'connect')]);
    expect(server.handshakes).toBe(1);
    closeOfficial();
    await expect.poll(() => server.connections).toBe(0);

    const manager = manage(url);
    const ours = ['/chat', '/admin', '/'].map((namespace) => socket(manager, namespace));
    await Promise.all(ours.map((client) => next(client, 'open')));
    expect(await Promise.all(ours.map((client) => client.emitWithAck('where')))).toEqual(['/chat', '/admin', '/']);
    expect(server.handshakes).toBe(2);
    expect(server.connections).toBe(1);
  });

  it('keeps each namespace apart: a refused one closes alone, a closed one leaves the connection to the others', async () => {
    const { url } = await serve(version);
    const manager = manage(url);
    const [chat, admin, refused] = ['/chat', '/admin', '/private'].map((namespace) => socket(manager, namespace));
    await Promise.all([next(chat!, 'open'), next(admin!, 'open'), next(refused!, 'close')]);
    expect(refused!.state).toMatchObject({ status: 'closed', reason: 'server-closed' });
    chat!.close();
    expect(await admin!.emitWithAck('where')).toBe('/admin');
    expect(server.connections).toBe(1);
    admin!.close();
    await expect.poll(() => server.connections).toBe(0);
    expect(server.handshakes).toBe(1);
  });

  it('reconnects every namespace on one new connection after a drop, each with its own recovery', async () => {
    const { url } = await serve(version);
    const manager = manage(url);
    const [chat, admin] = ['/chat', '/admin'].map((namespace) => socket(manager, namespace));
    await Promise.all([chat!, admin!].map((client) => new Promise((resolve) => client.once('hello', resolve as never))));
    // Past the upgrade to WebSocket (announced with an open of its own), and the server past it too:
    // a round trip on the WebSocket. (Dropped in between, the server keeps the polling session until
    // its ping timeout, and cannot recover it before.)
    await expect.poll(() => [chat!.transport, admin!.transport]).toEqual(['websocket', 'websocket']);
    expect(await Promise.all([chat!, admin!].map((client) => client.emitWithAck('where')))).toEqual(['/chat', '/admin']);
    const back = [chat!, admin!].map((client) => next(client, 'open'));
    server.drop();
    // socket.io 4 recovers each namespace's session; socket.io 2 cannot, and each reports its gap.
    for (const open of await Promise.all(back)) expect(open).toMatchObject({ recovered: true, resumed: version == 4 });
    expect(await Promise.all([chat!, admin!].map((client) => client.emitWithAck('where')))).toEqual(['/chat', '/admin']);
    expect(server.handshakes).toBe(2);
    await expect.poll(() => server.connections).toBe(1);
  });
});

it('moves a namespace waiting on a hung connection to the one that opened (a staggered fallback of another namespace)', async () => {
  server = await start(4, { hangWebSocket: true });
  for (const name of ['/chat', '/admin']) server.of(name).on('connection', (socket) => socket.on('where', (answer: (name: string) => void) => answer(name)));
  const manager = socketIoManager(server.url, { eio: 4, transports: ['websocket', 'polling'], fallbackMemory: false });
  // /chat falls back to polling soon; /admin, waiting on the same hung WebSocket, would wait a minute for its own fallback or timeout.
  const chat = manager.socket('/chat', { fallbackDelayMs: 100 });
  const admin = manager.socket('/admin', { fallbackDelayMs: 60_000, connectTimeoutMs: 60_000 });
  clients.push(chat, admin);
  await Promise.all([next(chat, 'open'), next(admin, 'open')]);
  expect([chat.transport, admin.transport]).toEqual(['polling', 'polling']);
  expect(await admin.emitWithAck('where')).toBe('/admin');
  expect(server.handshakes).toBe(1);
});

it('throws a TypeError naming a bad option when the manager is made', () => {
  expect(() => socketIoManager('http://example.test', { eio: 5 as 4 })).toThrow(/"eio"/);
  expect(() => socketIoManager('http://example.test', { backoff: { windowMs: -1 } })).toThrow(/"backoff.windowMs"/);
});
