import { describe, expect, it } from 'vitest';
import { connectTo } from './helpers.js';
import { serversPerTest, type SocketIoVersion, type VersionedServer } from './servers.js';

// A Socket.IO server answers acks in any order (each handler answers when it is done): an answer
// confirms that one request only, so an earlier one still waiting is re-sent after a drop.

const start = serversPerTest();
let server: VersionedServer;

describe.each<[string, SocketIoVersion, object]>([
  ['socket.io 4 with connection state recovery (the session resumes)', 4, { connectionStateRecovery: { maxDisconnectionDuration: 60_000 } }],
  ['socket.io 4 without recovery (a new session)', 4, {}],
  ['socket.io 2 (a new session)', 2, {}],
])('%s', (_name, version, options) => {
  it('re-sends a request answered after a later one, once the connection dropped before its answer', async () => {
    server = await start(version, options);
    /** The answer callbacks of `slow`, in arrival order: the test answers them. */
    const slow: ((answer: unknown) => void)[] = [];
    server.of('/').on('connection', (socket) => {
      socket.emit('hello'); // with recovery on, an offset to recover from
      socket.on('slow', (_value: never, answer: never) => slow.push(answer));
      socket.on('fast', (value: never, answer: (value: unknown) => void) => answer(value));
    });
    const client = connectTo(server.url, { eio: version == 2 ? 3 : 4, transports: ['websocket'] });
    await client.next('open');

    const first = client.timeout(Infinity).emitWithAck('slow', 1);
    expect(await client.emitWithAck('fast', 2)).toBe(2);
    await expect.poll(() => slow.length).toBe(1);

    server.drop();
    // At least once: the server sees the request again on the new connection, and answers that one.
    await expect.poll(() => slow.length).toBe(2);
    slow[1]!('answered after the drop');
    expect(await first).toBe('answered after the drop');
  });
});
