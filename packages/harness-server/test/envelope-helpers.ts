import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { defaultFaults } from '../src/context.js';
import type { HarnessContext, HarnessOptions } from '../src/context.js';
import { createEnvelopeModule } from '../src/envelope/index.js';
import type { EnvelopeTuning } from '../src/envelope/index.js';
import { startHarness } from '../src/index.js';
import { resolveHarnessOptions } from '../src/options.js';

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
  for await (const chunk of response.body) {
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

/** `POST /rt?session=S` with a body; resolves with status and parsed JSON. */
export async function postFrames(baseUrl: string, session: string | undefined, body: unknown): Promise<{ status: number; json: unknown }> {
  const query = session === undefined ? '' : `?session=${encodeURIComponent(session)}`;
  const response = await fetch(`${baseUrl}/rt${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** `POST /rt/push`. */
export async function push(baseUrl: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${baseUrl}/rt/push`, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

export interface LocalEnvelopeServer {
  url: string;
  wsUrl: string;
  logs: string[];
  close(): Promise<void>;
}

/**
 * The envelope module alone on an HTTP server, for tests that need limits the harness options do not
 * expose (replay window, detached-session lifetime).
 */
export async function startEnvelopeServer(
  options: Partial<HarnessOptions> = {},
  tuning: Partial<EnvelopeTuning> = {},
): Promise<LocalEnvelopeServer> {
  const logs: string[] = [];
  const ctx: HarnessContext = {
    options: resolveHarnessOptions({ ...options, log: (line) => logs.push(line) }),
    faults: defaultFaults(),
    log: (line) => logs.push(line),
  };
  const module = createEnvelopeModule(ctx, tuning);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void Promise.resolve(module.handleRequest?.(req, res, url)).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!module.handleUpgrade?.(req, socket, head, url)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/rt`,
    logs,
    async close() {
      await module.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The harness under test, reduced to what the envelope tests need. */
export interface RtServer {
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

/** Starts a real harness (every module, the server's routing) with a quiet log, for the envelope tests. */
export async function startRt(options: Partial<HarnessOptions> = {}): Promise<RtServer> {
  const harness = await startHarness({ log: () => undefined, ...options });
  return { url: harness.url, wsUrl: `${harness.url.replace(/^http/, 'ws')}/rt`, close: () => harness.close() };
}
