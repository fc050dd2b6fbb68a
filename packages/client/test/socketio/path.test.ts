import { describe, expect, it } from 'vitest';
import { connectTo } from './helpers.js';
import { nextOf, officialClient } from './official.js';
import { serversPerTest, VERSIONS, type VersionedServer } from './servers.js';

// A custom Engine.IO `path` written without its trailing slash, as people write it.

const start = serversPerTest();
let server: VersionedServer;

describe.each(VERSIONS)('socket.io %i served under a custom path', (version) => {
  it.each(['/custom-rt', '/custom-rt/'])('is reached with path %j, as socket.io-client reaches it', async (path) => {
    server = await start(version, { path: '/custom-rt' });
    const official = officialClient(version, server.url, { path });
    await nextOf(official, 'connect');

    const client = connectTo(server.url, { path, eio: version == 2 ? 3 : 4 });
    // Before the slash was added: a 404 on the handshake, closed for good.
    expect(await Promise.race([client.next('open'), client.next('close')])).toMatchObject({ resumed: false });
  });
});
