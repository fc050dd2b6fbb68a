import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server, type Adapter } from '@unisocket/server';
import type { HarnessContext, HarnessModule } from '../context.js';
import { HttpError, readBody, requireMethod, sendError, sendJson } from '../http-util.js';
import { openSseStream } from '../sse-stream.js';
import { installChatApp, type ChatClientEvents, type ChatData, type ChatServerEvents } from './chat-app.js';

/** Limits of the `/rt` server that the harness options do not expose (tests shorten them). */
export interface EnvelopeTuning {
  /** Sequenced frames kept per session for replay. Default 1,000. */
  replayWindow: number;
  /** How long a detached session is kept before it expires, in ms. Default 120,000. */
  detachedTtlMs: number;
  /** Where sessions live: the Redis adapter with `--redis`. Default: the server's memory adapter. */
  adapter?: Adapter;
}

export const DEFAULT_ENVELOPE_TUNING: EnvelopeTuning = { replayWindow: 1000, detachedTtlMs: 120_000 };

/** How long `close()` waits for WebSockets to finish their closing handshake before cutting them. */
const CLOSE_GRACE_MS = 500;

/**
 * `/rt` is `@unisocket/server` (the one implementation of PROTOCOL.md) with the harness's chat app on
 * it, plus what only a test server has: `POST /rt/push`, and the faults. The SSE faults (status, format,
 * first-byte delay) come in through the server's `openSseStream` hook; the `delay` fault holds the
 * upstream POSTs and push answers back before the server sees them; WebSocket faults act on the upgrade
 * before any module (server.ts).
 */
export function createEnvelopeModule(ctx: HarnessContext, tuning: Partial<EnvelopeTuning> = {}): HarnessModule {
  const { replayWindow, detachedTtlMs, adapter } = { ...DEFAULT_ENVELOPE_TUNING, ...tuning };
  const rt = new Server<ChatClientEvents, ChatServerEvents, ChatData>({
    heartbeatMs: ctx.options.heartbeatMs,
    maxFrameBytes: ctx.options.maxFrameBytes,
    maxBufferedBytes: ctx.options.maxBufferedBytes,
    replayFrames: replayWindow,
    detachedTtlMs,
    ...(adapter && { adapter }),
    closeGraceMs: CLOSE_GRACE_MS,
    // Any page may use the harness (no credentials): the demo and browser tests live on other origins.
    cors: { origin: '*' },
    openSseStream: (req, res) => openSseStream(ctx, req, res),
    log: (line) => ctx.log(`envelope: ${line}`),
  });
  rt.on('error', (error) => ctx.log(`envelope: ${error.message}${error.cause ? `: ${String(error.cause)}` : ''}`));
  installChatApp(rt);
  const delayed = new Set<NodeJS.Timeout>();

  /** Runs `work` after the `delay` fault's first-byte delay (at once without it). */
  function afterDelay(work: () => void): void {
    const delay = ctx.faults.firstByteDelayMs;
    if (delay <= 0) return work();
    const timer = setTimeout(() => {
      delayed.delete(timer);
      work();
    }, delay);
    delayed.add(timer);
  }

  /** `POST /rt/push` `{ name, args?, room? }`: emits from outside, as a backend would; answers `{ delivered }`. */
  async function push(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requireMethod(req, 'POST');
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, ctx.options.maxFrameBytes)).toString('utf8'));
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, 'bad-json', 'the body is not valid JSON');
    }
    const { name, args = [], room } = (body ?? {}) as { name?: unknown; args?: unknown; room?: unknown };
    if (typeof name !== 'string' || name === '') throw new HttpError(400, 'bad-request', '"name" must be a non-empty string: {"name": string, "args"?: [], "room"?: string}');
    if (!Array.isArray(args)) throw new HttpError(400, 'bad-request', '"args" must be an array');
    if (room !== undefined && typeof room !== 'string') throw new HttpError(400, 'bad-request', '"room" must be a string');
    const delivered = await (room === undefined ? rt.emit(name, ...args) : rt.to(room).emit(name, ...args));
    afterDelay(() => sendJson(res, 200, { delivered }));
  }

  return {
    name: 'envelope',
    handleRequest(req, res, url) {
      if (url.pathname === '/rt/push') {
        push(req, res).catch((error: unknown) => {
          const failure = error instanceof HttpError ? error : new HttpError(500, 'internal', String(error));
          if (failure.status !== 204) ctx.log(`envelope: ${req.method ?? '?'} /rt/push → ${failure.status} ${failure.code}: ${failure.message}`);
          afterDelay(() => sendError(res, failure));
        });
        return true;
      }
      if (url.pathname !== rt.path) return false;
      if (req.method === 'POST') afterDelay(() => rt.handleRequest(req, res));
      else rt.handleRequest(req, res);
      return true;
    },
    handleUpgrade(req, socket, head) {
      return rt.handleUpgrade(req, socket, head);
    },
    async close() {
      for (const timer of delayed) clearTimeout(timer);
      delayed.clear();
      await rt.close();
    },
  };
}
