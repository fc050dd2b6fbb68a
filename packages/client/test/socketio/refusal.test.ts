import { describe, expect, it } from 'vitest';
import { connectTo } from './helpers.js';
import { nextOf, officialClient, refusalEvent } from './official.js';
import { serversPerTest, VERSIONS, type VersionedServer } from './servers.js';

// A namespace that refuses the connection (middleware `next(error)`), against real socket.io 2, 3 and
// 4 servers, beside the official client of each generation.

const start = serversPerTest();
let server: VersionedServer;

/** A server whose `/admin` namespace refuses everyone with `error`, counting how often its middleware ran. */
async function refusing(version: 2 | 3 | 4, error: Error) {
  server = await start(version);
  const runs = { count: 0 };
  server.of('/admin').use((_socket, next) => {
    runs.count++;
    next(error);
  });
  return runs;
}

const withData = (message: string, data: unknown) => Object.assign(new Error(message), { data });

describe.each(VERSIONS)('socket.io %i: a namespace that refuses', (version) => {
  it('is asked once, as socket.io-client asks, and the client ends at once', async () => {
    const runs = await refusing(version, withData('not allowed', { reason: 'no token' }));
    const official = officialClient(version, `${server.url}/admin`);
    await nextOf(official, refusalEvent(version));
    expect(runs.count).toBe(1);
    official.close();

    runs.count = 0;
    const client = connectTo(`${server.url}/admin`);
    const closed = await client.next('close');
    expect(closed).toMatchObject({ terminal: true, reason: 'server-closed' });
    expect(runs.count).toBe(1);
    expect(client.events.filter((event) => event.type == 'fallback')).toEqual([]);
    expect(client.state.status).toBe('closed');
  });

  it("says what the server answered, the error's data included", async () => {
    await refusing(version, withData('not allowed', { reason: 'no token' }));
    const client = connectTo(`${server.url}/admin`);
    const closed = await client.next('close');
    const reported = client.events.find((event) => event.type == 'error')?.event.error as { message: string; frame: unknown };
    // socket.io 2 sends the error's `data` alone when it has one; 3 and 4 send `{message, data}`.
    expect(closed.error!.message).toContain(version == 2 ? '{"reason":"no token"}' : 'not allowed');
    expect(reported.message).not.toContain('undefined');
    expect(reported.frame).toEqual(version == 2 ? { reason: 'no token' } : { message: 'not allowed', data: { reason: 'no token' } });
  });
});

describe('socket.io 2: auth', () => {
  it('reaches a root namespace middleware as the handshake query, as socket.io-client 2 sends its query', async () => {
    server = await start(2);
    const tokens: unknown[] = [];
    server.of('/').use((socket, next) => {
      tokens.push(socket.handshake.query['token']);
      next(socket.handshake.query['token'] == 'secret' ? undefined : new Error('no token'));
    });
    const official = officialClient(2, server.url, { query: { token: 'secret' } });
    await nextOf(official, 'connect');

    const client = connectTo(server.url, { eio: 3, auth: { token: 'secret' } });
    expect(await client.next('open')).toMatchObject({ resumed: false });
    expect(tokens).toEqual(['secret', 'secret']);
  });

  it('reaches a namespace middleware as its query (unchanged)', async () => {
    server = await start(2);
    server.of('/admin').use((socket, next) => next(socket.handshake.query['token'] == 'secret' ? undefined : new Error('no token')));
    const client = connectTo(`${server.url}/admin`, { eio: 3, auth: { token: 'secret' } });
    expect(await client.next('open')).toMatchObject({ resumed: false });
  });

  it('is refused with a clear error when the revision is detected too late to put it in the handshake', async () => {
    server = await start(2);
    const client = connectTo(server.url, { auth: { token: 'secret' } });
    const closed = await client.next('close');
    expect(closed).toMatchObject({ terminal: true });
    expect(closed.error!.message).toContain('eio: 3');
  });
});
