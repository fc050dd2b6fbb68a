import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { HarnessContext, HarnessModule } from '../context.js';
import { serveSseDownstream } from './carrier-sse.js';
import { WebSocketEndpoint } from './carrier-ws.js';
import { ChatApp } from './chat-app.js';
import { HttpError, requireMethod } from '../http-util.js';
import { JsonResponder } from './http.js';
import { SessionStore } from './session-store.js';
import { servePush, serveUpstreamPost } from './upstream-post.js';
import type { PostDeps } from './upstream-post.js';

/** Limits of the `/rt` server that the harness options do not expose (tests shorten them). */
export interface EnvelopeTuning {
  /** Sequenced frames kept per session for replay. Default 1,000. */
  replayWindow: number;
  /** How long a detached session is kept before it expires, in ms. Default 120,000. */
  detachedTtlMs: number;
}

export const DEFAULT_ENVELOPE_TUNING: EnvelopeTuning = { replayWindow: 1000, detachedTtlMs: 120_000 };

/** How long `close()` waits for WebSockets to finish their closing handshake before cutting them. */
const CLOSE_GRACE_MS = 500;


/**
 * The envelope protocol server (PROTOCOL.md): `ws://HOST/rt`, `GET /rt` (SSE), `POST /rt` (upstream
 * batch) and `POST /rt/push`, with one session model for both carriers.
 */
export function createEnvelopeModule(ctx: HarnessContext, tuning: Partial<EnvelopeTuning> = {}): HarnessModule {
  const log = (line: string) => ctx.log(line);
  const { replayWindow, detachedTtlMs } = { ...DEFAULT_ENVELOPE_TUNING, ...tuning };
  const chat = new ChatApp(() => store.all());
  const store = new SessionStore({ replayWindow, detachedTtlMs, heartbeatMs: ctx.options.heartbeatMs }, (session) =>
    chat.sessionEnded(session),
  );
  const responder = new JsonResponder(ctx);
  // The endpoint tracks its sockets itself (ws's own tracking adds a closure per client).
  const wss = new WebSocketServer({ noServer: true, maxPayload: ctx.options.maxFrameBytes, clientTracking: false });
  const webSockets = new WebSocketEndpoint(store, chat, log);
  const postDeps: PostDeps = { store, app: chat, responder, maxBytes: ctx.options.maxFrameBytes, log };

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, path: '/rt' | '/rt/push'): Promise<void> {
    if (path === '/rt/push') {
      requireMethod(req, 'POST');
      return servePush(postDeps, req, res);
    }
    requireMethod(req, 'GET', 'POST');
    if (req.method === 'GET') serveSseDownstream(ctx, store, req, res, url);
    else await serveUpstreamPost(postDeps, req, res, url);
  }

  return {
    name: 'envelope',
    async handleRequest(req, res, url) {
      const path = url.pathname;
      if (path !== '/rt' && path !== '/rt/push') return false;
      try {
        await handle(req, res, url, path);
      } catch (error) {
        // Bad requests are answered (after the `delay` fault, as every /rt answer); anything else is our bug.
        if (error instanceof HttpError && error.status < 500) {
          if (error.status !== 204) log(`envelope: ${req.method ?? '?'} ${path} → ${error.status} ${error.code}: ${error.message}`);
          responder.error(res, error);
        } else {
          log(`envelope: ${req.method ?? '?'} ${path} failed: ${error instanceof Error ? error.message : String(error)}`);
          responder.error(res, new HttpError(500, 'internal', 'the envelope server failed on this request'));
        }
      }
      return true;
    },
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) {
      if (url.pathname !== '/rt') return false;
      wss.handleUpgrade(req, socket, head, (ws) => webSockets.serve(ws));
      return true;
    },
    async close() {
      responder.close();
      store.close({ t: 'bye', code: 'server-closing', message: 'the harness is shutting down', retry: true });
      const sockets = webSockets.sockets();
      for (const ws of sockets) ws.close(1001, 'server-closing');
      await Promise.race([
        Promise.all(sockets.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise((done) => ws.once('close', done))))),
        new Promise((done) => setTimeout(done, CLOSE_GRACE_MS).unref()),
      ]);
      for (const ws of webSockets.sockets()) ws.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
    },
  };
}
