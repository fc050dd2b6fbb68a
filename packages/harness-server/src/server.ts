import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { defaultFaults } from './context.js';
import type { HarnessContext, HarnessModule, HarnessOptions } from './context.js';
import { createControlModule } from './control.js';
import { createEnvelopeModule } from './envelope/index.js';
import { connectRedisSessions } from './redis.js';
import { createGatewayModule } from './gateways/module.js';
import { baseUrl, HttpError, requireMethod, sendError, sendJson } from './http-util.js';
import { createPlainSseModule } from './plain-sse.js';
import type { ReleaseGate } from './release-gate.js';
import { attachSocketIo } from './socketio.js';
import { TcpTracker } from './tcp-tracker.js';
import { applyUpgradeFault, rejectUpgrade } from './upgrade-faults.js';

/** A running harness. */
export interface Harness {
  /** Base URL, e.g. `http://127.0.0.1:8080` (a wildcard host is shown as 127.0.0.1). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

/** Socket.IO owns this path prefix, for requests (its own listener) and upgrades (routed here). */
const SOCKET_IO_PATH = '/socket.io/';

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'content-type, last-event-id',
  'access-control-max-age': '600',
} as const;

const healthz: HarnessModule = {
  name: 'healthz',
  handleRequest(req, res, url) {
    if (url.pathname !== '/healthz') return false;
    requireMethod(req, 'GET', 'HEAD');
    sendJson(res, 200, { ok: true });
    return true;
  },
};

/** Starts the harness: every module on one HTTP server, upgrades routed by path. */
export async function startHarnessServer(options: HarnessOptions): Promise<Harness> {
  const ctx: HarnessContext = { options, faults: defaultFaults(), log: (line) => options.log(line) };
  const tracker = new TcpTracker();
  const http = createServer();
  let port = options.port;
  let closing = false;
  let restarting: Promise<void> | undefined;
  let wakeFromDowntime: (() => void) | undefined;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, options.host, () => {
        http.off('error', reject);
        const address = http.address();
        if (address && typeof address === 'object') port = address.port;
        resolve();
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!http.listening) return resolve();
      http.close(() => resolve());
      tracker.destroyAll();
    });

  /**
   * Fault `restart`: down for `downMs` (connections refused), then up on the same port; state survives.
   * With a release `gate`, up as soon as the gate is released (`downMs` is then the longest it stays down).
   */
  function restart(downMs: number, gate?: ReleaseGate): void {
    if (closing || restarting) {
      void gate?.close({ released: false, message: 'another restart was under way' });
      return;
    }
    ctx.log(gate ? `restart: down until released (${gate.url}), at most ${downMs} ms` : `restart: down for ${downMs} ms`);
    let timer: NodeJS.Timeout | undefined;
    restarting = (async () => {
      await stopListening();
      await new Promise<void>((wake) => {
        wakeFromDowntime = wake;
        timer = setTimeout(wake, downMs);
        void gate?.released.then(wake);
      });
      if (closing) return;
      await listen();
      ctx.log(`restart: listening again on port ${port}`);
    })()
      .catch((error: Error) => ctx.log(`restart failed: ${error.message}`))
      .finally(() => {
        clearTimeout(timer);
        restarting = undefined;
        wakeFromDowntime = undefined;
        // Answered once the harness listens again: the caller may connect right after the release.
        void gate?.close({ released: true, listening: http.listening });
      });
  }

  const redis = options.redisUrl ? await connectRedisSessions(options.redisUrl, ctx.log) : undefined;
  const modules: HarnessModule[] = [
    createControlModule(ctx, { tracker, restart }),
    healthz,
    createGatewayModule(ctx),
    createEnvelopeModule(ctx, { adapter: redis?.adapter }),
    createPlainSseModule(ctx),
  ];

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    let url: URL | undefined;
    try {
      url = new URL(req.url ?? '/', 'http://harness.invalid');
      for (const module of modules) {
        if (module.handleRequest && (await module.handleRequest(req, res, url))) return;
      }
      throw new HttpError(404, 'not-found', `no route for ${req.method} ${url.pathname}`);
    } catch (caught) {
      const error =
        caught instanceof HttpError
          ? caught
          : url === undefined
            ? new HttpError(400, 'bad-url', `malformed request target ${req.url}`)
            : new HttpError(500, 'internal', `the harness failed on this request: ${(caught as Error).message}`);
      if (error.status !== 204) ctx.log(`${req.method} ${req.url} → ${error.status} ${error.code}: ${error.message}`);
      sendError(res, error);
    }
  }

  // Registered before socket.io attaches: Engine.IO keeps it for every path but its own.
  http.on('request', (req, res) => void handleRequest(req, res));
  http.on('connection', (socket) => tracker.track(socket));
  http.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // A connection closed mid-request ends the parser at EOF: not malformed, just gone (a request cut
    // short mid-body is logged once, by its handler, as `client-aborted`).
    if (error.code === 'HPE_INVALID_EOF_STATE' || error.code === 'ECONNRESET') return void socket.destroy();
    ctx.log(`malformed HTTP from a client: ${error.message}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  const socketIo = attachSocketIo(ctx, http);

  // One listener shared by every upgraded socket: a closure per socket would stay for its whole life.
  const logUpgradeSocketError = (error: Error) => ctx.log(`upgrade socket error: ${error.message}`);
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', logUpgradeSocketError);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://harness.invalid');
    } catch {
      rejectUpgrade(socket, 400, 'bad-url', `malformed request target ${req.url}`);
      return;
    }
    if (applyUpgradeFault(ctx, req, socket)) return;
    if (url.pathname.startsWith(SOCKET_IO_PATH)) {
      socketIo.handleUpgrade(req, socket, head);
      return;
    }
    for (const module of modules) {
      if (module.handleUpgrade?.(req, socket, head, url)) return;
    }
    ctx.log(`upgrade to ${url.pathname} refused: no WebSocket endpoint there`);
    rejectUpgrade(socket, 404, 'not-found', `no WebSocket endpoint at ${url.pathname}`);
  });

  await listen();
  const url = baseUrl(options.host, port);

  return {
    url,
    port,
    host: options.host,
    async close() {
      if (closing) return;
      closing = true;
      wakeFromDowntime?.();
      await restarting;
      for (const module of modules) await module.close?.();
      await redis?.close();
      tracker.destroyAll();
      await socketIo.close();
      await stopListening();
    },
  };
}
