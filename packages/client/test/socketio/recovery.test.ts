import { describe, expect, it } from 'vitest';
import { connectTo } from './helpers.js';
import { serversPerTest, type SocketIoVersion, type VersionedServer } from './servers.js';

// Reconnects against real socket.io servers: what recovers, what is reported as a gap, and what the
// recovery offsets must not take from the application's arguments.

const start = serversPerTest();
let server: VersionedServer;

const RECOVERY = { connectionStateRecovery: { maxDisconnectionDuration: 60_000 } };

const WEBSOCKET = { transports: ['websocket' as const] };

describe.each<[string, SocketIoVersion, object, { eio: 3 | 4 }]>([
  ['socket.io 2 (Engine.IO v3: no recovery)', 2, {}, { eio: 3 }],
  ['socket.io 3 (no recovery)', 3, {}, { eio: 4 }],
  ['socket.io 4 without connection state recovery', 4, {}, { eio: 4 }],
])('%s', (_name, version, options, endpoint) => {
  it('reports a gap on every reconnect, since the session starts over', async () => {
    server = await start(version, options);
    const client = connectTo(server.url, { ...endpoint, ...WEBSOCKET });
    await client.next('open');
    for (let drop = 1; drop <= 2; drop++) {
      const gap = client.next('gap');
      const back = client.next('open');
      server.drop();
      expect(await back).toMatchObject({ resumed: false, recovered: true });
      expect(await gap).toMatchObject({ session: expect.any(String) });
    }
    expect(client.events.filter((event) => event.type == 'gap')).toHaveLength(2);
  });
});

describe('socket.io 4 with connection state recovery', () => {
  it('reports no gap when the session recovers', async () => {
    server = await start(4, RECOVERY);
    server.of('/').on('connection', (socket) => socket.emit('hello', 'you'));
    const client = connectTo(server.url, { eio: 4, ...WEBSOCKET });
    await client.nextEvent('hello'); // an offset to recover from
    const back = client.next('open');
    server.drop();
    expect(await back).toMatchObject({ resumed: true, recovered: true });
    expect(client.events.filter((event) => event.type == 'gap')).toEqual([]);
  });

  it('keeps the last argument of volatile events (they carry no offset) and still recovers after them', async () => {
    server = await start(4, RECOVERY);
    server.of('/').on('connection', (socket) => {
      socket.on('stored', () => socket.emit('stored', 'a', 'b'));
      // A volatile emit is dropped while the transport is busy: asked for alone, it goes out.
      socket.on('volatile', () => socket.volatile.emit('volatile', 'a', 'b'));
    });
    const client = connectTo(server.url, { eio: 4, ...WEBSOCKET });
    await client.next('open');
    for (const kind of ['stored', 'volatile']) {
      const received = client.nextEvent(kind);
      client.emit(kind);
      expect(await received).toEqual(['a', 'b']);
    }

    // Had 'b' been taken for an offset, the server would not find it and could not recover.
    const back = client.next('open');
    server.drop();
    expect(await back).toMatchObject({ resumed: true });
  });
});
