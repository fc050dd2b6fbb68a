import { afterEach, describe, expect, it } from 'vitest';
import type { UnisocketError } from '../../../src/core/errors.js';
import { MessageGroup } from '../../../src/socketio/engineio-codec.js';
import { createEngineIoTransport } from '../../../src/socketio/engineio-transport.js';
import type { InboundFrame, Transport, TransportCloseInfo } from '../../../src/transports/transport.js';

// The Engine.IO transport over a scripted long-polling server (a fake `fetch`) and a scripted
// WebSocket (a fake platform `WebSocket`).

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

/** A platform `WebSocket` played by the test: `accept()`, `receive(data)`; what the client sends is in `sent`. */
function fakeSockets() {
  const sockets: FakeSocket[] = [];
  class FakeSocket {
    readyState = 0;
    binaryType = 'blob';
    readonly sent: unknown[] = [];
    onopen: (() => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    onerror: (() => void) | null = null;
    constructor(readonly url: string) {
      sockets.push(this);
    }
    send(data: unknown) {
      if (this.readyState != 1) throw new Error('not open');
      this.sent.push(data);
    }
    close() {
      this.readyState = 3;
    }
    accept() {
      this.readyState = 1;
      this.onopen?.();
    }
    receive(data: unknown) {
      this.onmessage?.({ data });
    }
    /** The connection drops: closed, then the close event. */
    drop(code: number) {
      this.readyState = 3;
      this.onclose?.({ code, reason: '' });
    }
  }
  return { WebSocket: FakeSocket as unknown as typeof WebSocket, sockets };
}

function polling(server: ReturnType<typeof fakeServer>, eio?: 3 | 4, { upgrade = false, WebSocket }: { upgrade?: boolean; WebSocket?: typeof globalThis.WebSocket } = {}) {
  const transport = createEngineIoTransport(
    { url: 'http://server.test/socket.io/?token=t', headers: { 'x-app': '1' }, platform: { fetch: server.fetch, WebSocket } },
    { eio, start: 'polling', upgrade, credentials: 'same-origin', maxPayload: Infinity },
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

describe('Engine.IO transport over WebSocket', () => {
  function overWebSocket(eio: 3 | 4 = 4) {
    const platform = fakeSockets();
    const transport = createEngineIoTransport({ url: 'http://server.test/socket.io/', headers: {}, platform }, { eio, start: 'websocket', upgrade: false, credentials: 'same-origin', maxPayload: Infinity });
    transports.push(transport);
    const frames: InboundFrame[] = [];
    transport.onmessage = (frame) => frames.push(frame);
    transport.open();
    const socket = platform.sockets[0]!;
    socket.accept();
    socket.receive(HANDSHAKE());
    return { transport, socket, frames };
  }

  it('puts text and byte frames on the socket within send(), in order', async () => {
    const { transport, socket } = overWebSocket();
    const bytes = new Uint8Array([1, 2, 3]);
    const sends = [transport.send(['2["a"]']), transport.send([new MessageGroup(['51-["b",{"_placeholder":true,"num":0}]', bytes]), '2["c"]'])];
    expect(socket.sent).toEqual(['42["a"]', '451-["b",{"_placeholder":true,"num":0}]', bytes, '42["c"]']);
    await expect(Promise.all(sends)).resolves.toEqual([undefined, undefined]);
  });

  it('keeps later frames behind a Blob that is still being read', async () => {
    const { transport, socket } = overWebSocket();
    const first = transport.send([new MessageGroup(['51-["blob",{"_placeholder":true,"num":0}]', new Blob([new Uint8Array([7, 8])])])]);
    const second = transport.send(['2["after"]']);
    expect(socket.sent).toEqual([]);
    await Promise.all([first, second]);
    expect(socket.sent).toEqual(['451-["blob",{"_placeholder":true,"num":0}]', new Uint8Array([7, 8]), '42["after"]']);
    transport.send(['2["now"]']).catch(() => undefined);
    expect(socket.sent.at(-1)).toBe('42["now"]');
  });

  it('frames binary with the message type in Engine.IO v3', () => {
    const { transport, socket } = overWebSocket(3);
    void transport.send([new MessageGroup(['51-["b",{"_placeholder":true,"num":0}]', new Uint8Array([9])])]);
    expect(socket.sent).toEqual(['451-["b",{"_placeholder":true,"num":0}]', new Uint8Array([4, 9])]);
  });

  it('rejects a send once the socket is gone, so the caller keeps its frames', async () => {
    const { transport, socket } = overWebSocket();
    socket.drop(1006);
    await expect(transport.send(['2["lost"]'])).rejects.toMatchObject({ name: 'ConnectionError', code: 'network' });
    expect(socket.sent).toEqual([]);
  });
});

describe('the polling → WebSocket upgrade', () => {
  it('holds sends made during the upgrade until the WebSocket carries the session, then sends at once', async () => {
    const server = fakeServer();
    const platform = fakeSockets();
    const { transport, frames, opened } = polling(server, 4, { upgrade: true, WebSocket: platform.WebSocket });
    await server.answer(HANDSHAKE({ upgrades: ['websocket'] }));
    await expect.poll(opened).toBe(1);
    const socket = platform.sockets[0]!;
    socket.accept();
    expect(socket.sent).toEqual(['2probe']);
    await expect.poll(() => server.gets.length).toBe(1);
    socket.receive('3probe');
    // Polling pauses once its GET in flight answers: sends wait, on neither carrier.
    const during = transport.send(['2["during"]']);
    await expect.poll(() => server.gets.length).toBe(1);
    expect(server.posts).toEqual([]);
    expect(socket.sent).toEqual(['2probe']);
    await server.answer('6');
    await during;
    expect(socket.sent).toEqual(['2probe', '5', '42["during"]']);
    expect(frames.at(-1)).toEqual({ data: '', event: 'upgrade' });
    expect(transport.carrier).toBe('websocket');
    void transport.send(['2["after"]']);
    expect(socket.sent.at(-1)).toBe('42["after"]');
    expect(server.posts).toEqual([]);
  });
});
