import { afterEach, describe, expect, it } from 'vitest';
import type { UnisocketError } from '../../../src/errors.js';
import { createEngineIoTransport } from '../../../src/transports/engineio-transport.js';
import type { InboundFrame, Transport, TransportCloseInfo } from '../../../src/transports/transport.js';

// The Engine.IO transport over a scripted long-polling server (a fake `fetch`).

const HANDSHAKE = (extra: Record<string, unknown> = {}) => `0${JSON.stringify({ sid: 'S1', upgrades: [], pingInterval: 25000, pingTimeout: 20000, ...extra })}`;

/** A fake polling server: GETs wait for `answer()`, POST bodies are recorded and answered `ok` (unless `hangPosts`). */
function fakeServer() {
  const gets: { url: URL; respond: (response: Response) => void }[] = [];
  const posts: { url: URL; body: string }[] = [];
  const server = { hangPosts: false, aborted: 0 };
  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const post = init?.method == 'POST';
    if (post) posts.push({ url, body: String(init.body) });
    if (post && !server.hangPosts) return Promise.resolve(new Response('ok'));
    return new Promise((resolve, reject) => {
      let settled = false;
      const respond = (response: Response) => {
        settled = true;
        resolve(response);
      };
      if (!post) gets.push({ url, respond });
      init?.signal?.addEventListener('abort', () => {
        if (!settled) server.aborted++;
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  };
  return Object.assign(server, {
    fetch: fetch as typeof globalThis.fetch,
    gets,
    posts,
    /** Answers the pending GET. */
    async answer(body: string, status = 200) {
      await expect.poll(() => gets.length).toBeGreaterThan(0);
      gets.shift()!.respond(new Response(body, { status }));
    },
  });
}

const transports: Transport[] = [];
afterEach(() => transports.splice(0).forEach((transport) => transport.close()));

function polling(server: ReturnType<typeof fakeServer>, eio?: 3 | 4) {
  const transport = createEngineIoTransport(
    { url: 'http://server.test/socket.io/?token=t', headers: { 'x-app': '1' }, platform: { fetch: server.fetch } },
    { eio, start: 'polling', upgrade: false, credentials: 'same-origin' },
  );
  transports.push(transport);
  const frames: InboundFrame[] = [];
  const errors: UnisocketError[] = [];
  const closes: TransportCloseInfo[] = [];
  let opened = 0;
  transport.onmessage = (frame) => frames.push(frame);
  transport.onerror = (error) => errors.push(error);
  transport.onclose = (info) => closes.push(info);
  transport.onopen = () => opened++;
  transport.open();
  return { transport, frames, errors, closes, opened: () => opened };
}

describe('Engine.IO transport over long-polling', () => {
  it('hands the handshake over before opening, then message data, with sid on every later request', async () => {
    const server = fakeServer();
    const { frames, opened } = polling(server);
    await server.answer(`${HANDSHAKE()}\x1e40{"sid":"x"}`);
    await expect.poll(opened).toBe(1);
    expect(frames).toEqual([
      { data: HANDSHAKE().slice(1), event: 'open', id: '4' },
      { data: '0{"sid":"x"}' },
    ]);
    await expect.poll(() => server.gets.length).toBe(1);
    expect(Object.fromEntries(server.gets[0]!.url.searchParams)).toEqual({ token: 't', EIO: '4', transport: 'polling', b64: '1', sid: 'S1' });
  });

  it('speaks Engine.IO v3 when the handshake answers in v3 framing', async () => {
    const server = fakeServer();
    const { frames, transport } = polling(server);
    const open = HANDSHAKE();
    // The first request asks for v4; a v3 server answers in its own framing.
    await expect.poll(() => server.gets[0]?.url.searchParams.get('EIO')).toBe('4');
    await server.answer(`${open.length}:${open}2:40`);
    await expect.poll(() => frames.length).toBe(2);
    expect(frames[0]).toMatchObject({ event: 'open', id: '3' });
    await transport.send(['2["hi"]', new Uint8Array([1, 2, 3, 4])]);
    expect(server.posts[0]!.body).toBe('8:42["hi"]10:b4AQIDBA==');
    expect(server.posts[0]!.url.searchParams.get('EIO')).toBe('3');
  });

  it('answers server pings with a pong and reports them as heartbeats', async () => {
    const server = fakeServer();
    const { frames } = polling(server, 4);
    await server.answer(HANDSHAKE());
    await server.answer('2');
    await expect.poll(() => server.posts.map((post) => post.body)).toEqual(['3']);
    expect(frames.at(-1)).toEqual({ data: '', event: 'ping' });
  });

  it('reports a malformed payload as a protocol error and keeps polling', async () => {
    const server = fakeServer();
    const { frames, errors, closes } = polling(server, 3);
    const open = HANDSHAKE();
    await server.answer(`${open.length}:${open}`);
    await server.answer('99:4truncated');
    await server.answer('4:4yes');
    await expect.poll(() => frames.at(-1)).toEqual({ data: 'yes' });
    expect(errors).toEqual([expect.objectContaining({ name: 'ProtocolError', code: 'bad-frame' })]);
    expect(closes).toEqual([]);
  });

  it('ends for good when the server is not an Engine.IO server', async () => {
    const server = fakeServer();
    const { closes, opened } = polling(server);
    await server.answer('<!doctype html><title>app</title>');
    await expect.poll(() => closes).toEqual([expect.objectContaining({ reason: 'content-type', wasOpen: false })]);
    expect(opened()).toBe(0);
  });

  it('classifies HTTP errors: the handshake refused, the session forgotten', async () => {
    const refused = fakeServer();
    const handshake = polling(refused);
    await refused.answer('{"code":5,"message":"Unsupported protocol version"}', 400);
    await expect.poll(() => handshake.closes).toEqual([expect.objectContaining({ reason: 'http-status', status: 400, wasOpen: false })]);

    const forgotten = fakeServer();
    const session = polling(forgotten);
    await forgotten.answer(HANDSHAKE());
    await forgotten.answer('{"code":1,"message":"Session ID unknown"}', 400);
    await expect.poll(() => session.closes).toEqual([expect.objectContaining({ reason: 'network', status: 400, wasOpen: true })]);
  });

  it('ends when the server closes the session', async () => {
    const server = fakeServer();
    const { closes } = polling(server);
    await server.answer(HANDSHAKE());
    await server.answer('1');
    await expect.poll(() => closes).toEqual([expect.objectContaining({ reason: 'ended', wasOpen: true })]);
  });

  it('keeps every POST under the maxPayload of the handshake', async () => {
    const server = fakeServer();
    const { transport, opened } = polling(server, 4);
    await server.answer(HANDSHAKE({ maxPayload: 40 }));
    await expect.poll(opened).toBe(1);
    const packets = Array.from({ length: 5 }, (_, i) => `2["message","${'x'.repeat(10)}${i}"]`);
    await transport.send(packets);
    expect(server.posts.length).toBeGreaterThan(1);
    expect(server.posts.every(({ body }) => new TextEncoder().encode(body).length <= 40)).toBe(true);
    expect(server.posts.flatMap(({ body }) => body.split('\x1e'))).toEqual(packets.map((packet) => '4' + packet));
  });

  it('says goodbye on close: what was sent before, then the Engine.IO close, then polling stops', async () => {
    const server = fakeServer();
    const { transport, opened, closes } = polling(server, 4);
    await server.answer(HANDSHAKE());
    await expect.poll(opened).toBe(1);
    await expect.poll(() => server.gets.length).toBe(1);
    void transport.send(['1']); // Socket.IO's DISCONNECT, sent by the Connection on close()
    transport.close();
    await expect.poll(() => server.aborted).toBe(1);
    expect(server.posts.map(({ body }) => body)).toEqual(['41', '1']);
    expect(server.gets).toHaveLength(1); // the GET in flight was aborted, no other one started
    expect(closes).toEqual([]);
  });

  it('closes at once, without a goodbye, before the handshake', async () => {
    const server = fakeServer();
    const { transport } = polling(server);
    await expect.poll(() => server.gets.length).toBe(1);
    transport.close();
    expect(server.aborted).toBe(1);
    expect(server.posts).toEqual([]);
  });

  it('stops waiting for the goodbye after a second when the server does not answer', async () => {
    const server = fakeServer();
    const { transport, opened } = polling(server, 4);
    await server.answer(HANDSHAKE());
    await expect.poll(opened).toBe(1);
    server.hangPosts = true;
    transport.close();
    await expect.poll(() => server.posts.map(({ body }) => body)).toEqual(['1']);
    const closedAt = Date.now();
    await expect.poll(() => server.aborted, { timeout: 3000 }).toBe(2); // the GET and the goodbye POST
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(900);
  });
});
