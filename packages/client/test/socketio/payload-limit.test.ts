import { describe, expect, it } from 'vitest';
import { connectTo } from './helpers.js';
import { serversPerTest, type VersionedServer } from './servers.js';
import type { SocketIoEndpointOptions } from '../../src/socketio/options.js';

// A message over the server's maxHttpBufferSize fails that call, before it leaves, and the connection
// stays: sent, it makes the server drop the connection (WebSocket close 1009, polling 413 or a
// destroyed request), and a resend after every reconnect makes a reconnect storm.

const LIMIT = 1000;
const big = 'x'.repeat(LIMIT);

const start = serversPerTest();
let server: VersionedServer;

/** A server with a small limit whose `echo` answers with what it got. */
async function limited(version: 2 | 3 | 4, transports?: ('polling' | 'websocket')[]) {
  server = await start(version, { maxHttpBufferSize: LIMIT, ...(transports && { transports }) });
  server.of('/').on('connection', (socket) => socket.on('echo', (value: never, answer?: (value: unknown) => void) => answer?.(value)));
  return server;
}

describe.each<[string, SocketIoEndpointOptions]>([
  ['WebSocket', { eio: 4, transports: ['websocket'] }],
  ['polling', { eio: 4, transports: ['polling'] }],
  ['polling upgraded to WebSocket', { eio: 4, transports: ['polling', 'websocket'] }],
])('socket.io 4 (its handshake states the limit) over %s', (_name, endpoint) => {
  /** Open on the carrier the name says (an upgrade announces itself with a second open). */
  const ready = async (client: ReturnType<typeof connectTo>) => {
    await client.next('open');
    if (endpoint.transports!.length > 1) await expect.poll(() => client.transport).toBe('websocket');
  };

  it('rejects an emitWithAck over the limit with too-large, at once, and keeps the connection', async () => {
    const { url } = await limited(4);
    const client = connectTo(url, endpoint, { ackTimeoutMs: Infinity });
    await ready(client);
    await expect(client.emitWithAck('echo', big)).rejects.toMatchObject({ name: 'RequestError', code: 'too-large' });
    expect(await client.emitWithAck('echo', 'small')).toBe('small');
    expect(server.handshakes).toBe(1);
    expect(client.events.filter((event) => event.type == 'close')).toEqual([]);
  });

  it('throws too-large from an emit over the limit, and one with a binary attachment over it', async () => {
    const { url } = await limited(4);
    const client = connectTo(url, endpoint);
    await ready(client);
    expect(() => client.emit('echo', big)).toThrowError(expect.objectContaining({ code: 'too-large' }) as Error);
    await expect(client.emitWithAck('echo', new Uint8Array(LIMIT))).rejects.toMatchObject({ code: 'too-large' });
    expect(await client.emitWithAck('echo', 'small')).toBe('small');
    expect(server.handshakes).toBe(1);
  });
});

describe('socket.io 4 on polling only', () => {
  it('reports an emit over the limit that waited in the outbox as dropped, and never sends it', async () => {
    const { url } = await limited(4, ['polling']);
    const client = connectTo(url, { transports: ['polling'] });
    const dropped = client.next('error');
    client.emit('echo', big); // queued: not connected yet
    await client.next('open');
    expect(await dropped).toMatchObject({ error: { code: 'too-large' }, dropped: [expect.objectContaining({ name: 'echo' })] });
    expect(await client.emitWithAck('echo', 'later')).toBe('later');
    expect(server.handshakes).toBe(1);
  });
});

describe.each([2, 3] as const)('socket.io %i (no limit in its handshake)', (version) => {
  it('takes the limit from the maxPayload option', async () => {
    const { url } = await limited(version);
    const client = connectTo(url, { eio: version == 2 ? 3 : 4, maxPayload: LIMIT });
    await client.next('open');
    await expect(client.emitWithAck('echo', big)).rejects.toMatchObject({ code: 'too-large' });
    expect(await client.emitWithAck('echo', 'small')).toBe('small');
    expect(server.handshakes).toBe(1);
  });

  it('sends a plain emit at most once, even when the server drops the connection on it', async () => {
    const { url } = await limited(version, ['polling']);
    const client = connectTo(url, { eio: version == 2 ? 3 : 4, transports: ['polling'] });
    await client.next('open');
    const lost = client.next('close');
    client.emit('echo', big);
    await lost;
    await client.next('open');
    expect(await client.emitWithAck('echo', 'after')).toBe('after');
    expect(server.handshakes).toBe(2);
  });
});
