// Against a real HTTP server (no msw): the bytes of `Last-Event-ID` as they reach the wire.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, sse, type Client } from '../../../src/index.js';
import { lastEventIdHeader } from '../../../src/transports/sse-fetch.js';

let server: Server | undefined;
let client: Client | undefined;
afterEach(async () => {
  client?.close();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = client = undefined;
});

/** A server whose first stream gives one event with id `id` and ends; later streams stay open. Records each request's raw `Last-Event-ID` bytes. */
async function serve(id: string): Promise<{ url: string; lastEventIds: (string | undefined)[] }> {
  const lastEventIds: (string | undefined)[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const index = req.rawHeaders.findIndex((name) => name.toLowerCase() == 'last-event-id');
    // Node reads header bytes as Latin-1: back to the bytes, then read as UTF-8.
    lastEventIds.push(index < 0 ? undefined : Buffer.from(req.rawHeaders[index + 1]!, 'latin1').toString('utf8'));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (lastEventIds.length == 1) res.end(`id: ${id}\ndata: first\n\n`);
    else res.write(`data: again after ${lastEventIds.at(-1)}\n\n`);
  });
  await new Promise<void>((listening) => server!.listen(0, '127.0.0.1', listening));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, lastEventIds };
}

describe('SSE Last-Event-ID over fetch', () => {
  it.each(['msg-✓', 'café', '日本-42', 'plain-7'])('resumes after id %j with its UTF-8 bytes, as a native EventSource sends them', async (id) => {
    const { url, lastEventIds } = await serve(id);
    const received: string[] = [];
    client = createClient({ endpoints: [sse(url, { protocol: 'raw' })], backoff: { initialDelayMs: 20, minDelayMs: 10 }, fallbackMemory: false });
    client.on('message', (data) => received.push(String(data)));
    await expect.poll(() => received, { timeout: 5000 }).toEqual(['first', `again after ${id}`]);
    // One reconnect, not a fetch that throws before sending and is retried again and again.
    expect(lastEventIds).toEqual([undefined, id]);
    expect(client.state.status).toBe('open');
  });

  it('encodes only what is not ASCII', () => {
    expect(lastEventIdHeader('abc:42')).toBe('abc:42');
    expect(lastEventIdHeader('✓')).toBe('\xe2\x9c\x93');
    expect(lastEventIdHeader('é')).toBe('\xc3\xa9');
  });
});
