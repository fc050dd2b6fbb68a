import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { EventError, Server, type DefaultEvents, type ServerOptions } from '../src/index.js';

/** A decoded envelope frame as a test sees it. */
export type Frame = { t: string } & Record<string, unknown>;

/** Collects frames in arrival order; `next()` hands them out one by one, waiting when none is left. */
export class FrameQueue {
  readonly all: Frame[] = [];
  private cursor = 0;
  private waiter: (() => void) | undefined;

  push(frame: Frame): void {
    this.all.push(frame);
    this.waiter?.();
  }

  /** The next frame that matches `filter` (frames skipped on the way are consumed). */
  async next(filter: (frame: Frame) => boolean = () => true, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.all.length) {
        const frame = this.all[this.cursor++]!;
        if (filter(frame)) return frame;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.all)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** The next frame of type `t`. */
  nextOf(t: string, timeoutMs?: number): Promise<Frame> {
    return this.next((frame) => frame.t === t, timeoutMs);
  }
}

/** Sequenced frames only (what a client delivers), without pings/errors. */
export function sequenced(frames: readonly Frame[]): Frame[] {
  return frames.filter((frame) => typeof frame['seq'] === 'number' && frame.t !== 'welcome');
}

export interface WsPeer {
  ws: WebSocket;
  frames: FrameQueue;
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

/** A real `ws` client on `/rt` that records every frame. */
export async function openWs(wsUrl: string): Promise<WsPeer> {
  const ws = new WebSocket(wsUrl);
  const frames = new FrameQueue();
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)), closed };
}

/** Opens a WebSocket and says `hello`; resolves with the peer and its `welcome`. */
export async function helloWs(wsUrl: string, hello: Record<string, unknown> = {}): Promise<{ peer: WsPeer; welcome: Frame }> {
  const peer = await openWs(wsUrl);
  peer.send({ t: 'hello', v: 1, ...hello });
  const welcome = await peer.frames.next();
  return { peer, welcome };
}

export interface SsePeer {
  status: number;
  headers: Headers;
  frames: FrameQueue;
  /** `id:` of each frame, by index in `frames.all`. */
  ids: Array<string | undefined>;
  comments: string[];
  retry: number | undefined;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** A fetch-based SSE reader of `GET /rt` that parses the stream itself. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SsePeer> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const peer: SsePeer = {
    status: response.status,
    headers: response.headers,
    frames: new FrameQueue(),
    ids: [],
    comments: [],
    retry: undefined,
    ended: Promise.resolve(),
    close: () => abort.abort(),
  };
  peer.ended = readEvents(response, peer).catch(() => undefined);
  return peer;
}

async function readEvents(response: Response, peer: SsePeer): Promise<void> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let id: string | undefined;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) {
          peer.ids[peer.frames.all.length] = id;
          peer.frames.push(JSON.parse(data.join('\n')) as Frame);
        }
        data = [];
        id = undefined;
      } else if (line.startsWith(':')) {
        peer.comments.push(line.slice(1).trim());
      } else {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
        else if (field === 'retry') peer.retry = Number(value);
      }
    }
  }
}

/** Opens `GET /rt` and waits for its `welcome`. */
export async function helloSse(baseUrl: string, query = '', headers?: Record<string, string>): Promise<{ peer: SsePeer; welcome: Frame }> {
  const peer = await openSse(`${baseUrl}/rt?v=1${query}`, headers);
  const welcome = await peer.frames.next();
  return { peer, welcome };
}

/** `POST /rt?sessionToken=T` with a body; resolves with status and parsed JSON. */
export async function postFrames(baseUrl: string, token: string | undefined, body: unknown): Promise<{ status: number; json: unknown }> {
  const query = token === undefined ? '' : `?sessionToken=${encodeURIComponent(token)}`;
  const response = await fetch(`${baseUrl}/rt${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** `POST /push` of the test server: emits from outside. */
export async function push(baseUrl: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${baseUrl}/push`, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

export interface TestServer {
  url: string;
  wsUrl: string;
  rt: Server<DefaultEvents, DefaultEvents, TestData>;
  http: HttpServer;
  logs: string[];
  errors: Error[];
  close(): Promise<void>;
}

export interface TestData {
  nick: string;
  room?: string;
}

/**
 * A real HTTP server with the envelope server attached at `/rt`, a small app on it (`echo`, `join`,
 * `chat`, `fail`, `crash`) and `POST /push {name, args, room?}`, which emits from outside as a backend would.
 */
export async function startServer(options: ServerOptions<TestData> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const errors: Error[] = [];
  let guests = 0;
  const http = createServer((req, res) => {
    if (req.url !== '/push' || req.method !== 'POST') return void res.writeHead(404).end();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { name, args = [], room } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { name: string; args?: unknown[]; room?: string };
      void (room === undefined ? rt.emit(name, ...args) : rt.to(room).emit(name, ...args)).then((delivered) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ delivered }));
      });
    });
  });
  const rt = new Server<DefaultEvents, DefaultEvents, TestData>({
    log: (line) => logs.push(line),
    authenticate: () => ({ nick: `guest-${++guests}` }),
    ...options,
  }).attach(http);
  rt.on('error', (error) => errors.push(error));
  rt.on('connection', (socket) => {
    socket.on('echo', (first: unknown) => first);
    socket.on('join', async (room: unknown, nick?: unknown) => {
      if (typeof room !== 'string' || room === '') throw new EventError('bad-args', 'join(room, nick?)');
      if (typeof nick === 'string') socket.data.nick = nick;
      if (socket.data.room) socket.leave(socket.data.room);
      socket.data.room = room;
      socket.join(room);
      const members = (await rt.in(room).fetchSessions()).map((member) => (member.data as TestData).nick);
      void rt.to(room).emit('presence', { room, nick: socket.data.nick, joined: true, members });
      return { room, members };
    });
    socket.on('chat', (payload: { text: string }) => {
      const room = socket.data.room;
      if (room === undefined) throw new EventError('not-in-room', 'join a room before chatting');
      void rt.to(room).emit('chat', { ...payload, from: socket.data.nick, room });
      return { ok: true };
    });
    socket.on('crash', () => {
      throw new Error('secret database detail');
    });
  });
  rt.on('disconnect', (socket, reason) => {
    if (socket.data.room) void rt.to(socket.data.room).emit('presence', { room: socket.data.room, nick: socket.data.nick, joined: false, reason });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/rt`,
    rt,
    http,
    logs,
    errors,
    async close() {
      await rt.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
