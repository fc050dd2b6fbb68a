import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startChild, type BenchChild } from '../src/child/parent.js';
import { SETUPS, TOKEN } from '../src/groups/server.js';
import { openIdleConnections } from '../src/net/idle-connections.js';
import type { ServerChildOptions } from '../src/server-child.js';

// The server group's warm-up must leave nothing behind in any server it measures: its clients say their
// protocol's goodbye, and each server then holds none of them (`held`: connections, sockets, sessions).
const childEntry = fileURLToPath(new URL('../src/server-child.ts', import.meta.url));

describe('clients that leave, against every one-node server of the server group', () => {
  let node: BenchChild | undefined;
  afterEach(async () => {
    await node?.close();
    node = undefined;
  });

  it.each(SETUPS.filter((setup) => setup.nodes === 1))('$id keeps nothing of clients that left', async (setup) => {
    node = await startChild(childEntry, { kind: setup.server } satisfies ServerChildOptions);
    const clients = await openIdleConnections(setup.client, node.url, 3, TOKEN, setup.path);
    await expect.poll(() => node!.request<number>('held')).toBe(3);
    await clients.leave();
    await expect.poll(() => node!.request<number>('held')).toBe(0);
  });
});
