import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { createClient, type Client } from '../../src/index.js';
import { sse } from '../../src/transports/sse.js';

// An envelope session over SSE + POST against the real harness (started by global-setup.ts, on another
// origin), in every engine: the flows msw.test.ts mocks, with the real server on the other end. In
// WebKit this is where they run: msw cannot serve a live event stream there (see msw.test.ts).

const clients: Client[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

interface Posted {
  query: URLSearchParams;
  contentType: string | null;
  body: unknown;
}

/** A client on the harness's `/rt` over SSE + POST that records each POST as it leaves the page. */
function connectOverSse(): { client: Client; posts: Posted[] } {
  const posts: Posted[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.method === 'POST') {
      posts.push({ query: new URL(request.url).searchParams, contentType: request.headers.get('content-type'), body: JSON.parse(await request.clone().text()) });
    }
    return fetch(request);
  };
  const client = createClient({ endpoints: [sse(`${inject('harnessUrl')}/rt`)], heartbeat: false, fallbackMemory: false, autoConnect: false, platform: { fetch: recordingFetch } });
  clients.push(client);
  client.connect();
  return { client, posts };
}

describe('sse upstream against the real harness in a browser', () => {
  it('POSTs what waited as one text/plain JSON batch, in order, with the session token in the query', async () => {
    const { client, posts } = connectOverSse();
    const heard: string[] = [];
    client.on('chat', (message: { text: string }) => heard.push(message.text));
    const room = `batch-${Math.random().toString(36).slice(2)}`;
    client.emit('join', room);
    for (const text of ['a', 'b', 'c']) client.emit('chat', { text });
    // The server took the batch in order: it broadcast each chat line to the room, the sender included.
    await vi.waitFor(() => expect(heard).toEqual(['a', 'b', 'c']));
    expect(client.state).toMatchObject({ status: 'open', transport: 'sse' });
    expect(posts).toHaveLength(1);
    expect(posts[0]!.contentType).toBe('text/plain;charset=UTF-8');
    expect(posts[0]!.query.get('sessionToken')).toMatch(/.+/);
    expect(posts[0]!.body).toEqual([
      { t: 'event', cid: 1, name: 'join', args: [room] },
      { t: 'event', cid: 2, name: 'chat', args: [{ text: 'a' }] },
      { t: 'event', cid: 3, name: 'chat', args: [{ text: 'b' }] },
      { t: 'event', cid: 4, name: 'chat', args: [{ text: 'c' }] },
    ]);
  });

  it('resolves emitWithAck with the ack that comes down the stream', async () => {
    const { client, posts } = connectOverSse();
    await expect(client.emitWithAck('echo', 'round trip')).resolves.toBe('round trip');
    await expect(client.emitWithAck('echo', 'again')).resolves.toBe('again');
    expect(client.state).toMatchObject({ status: 'open', transport: 'sse' });
    // One session: every POST names the session the stream opened.
    expect(new Set(posts.map((post) => post.query.get('sessionToken'))).size).toBe(1);
    // A frame that went out alone is posted as itself, not as a batch of one.
    expect(posts.map((post) => post.body)).toEqual([
      { t: 'event', cid: 1, name: 'echo', args: ['round trip'], ack: true },
      { t: 'event', cid: 2, name: 'echo', args: ['again'], ack: true },
    ]);
  });
});
