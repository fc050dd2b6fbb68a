import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SessionInfo } from './adapters/adapter.js';
import type { BroadcastOperator } from './broadcast.js';
import { rejectUpgrade } from './carriers/websocket.js';
import { Engine, type ServerLifecycle } from './engine.js';
import type { DefaultEvents, EventArgs, EventNames, EventsMap } from './events.js';
import { resolveOptions, type ServerOptions } from './options.js';
import type { Socket } from './session/socket.js';

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;
type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The envelope protocol server (PROTOCOL.md) at one path of an HTTP server: WebSocket, and SSE + POST
 * for clients whose WebSocket is blocked, with one session model. `In` are the events clients send
 * (their return type is the ack answer), `Out` the events the server sends: the same two interfaces as
 * the client's `connect<Out, In>()`.
 *
 * ```ts
 * const rt = new Server<ClientEvents, ServerEvents>().attach(httpServer);
 * rt.on('connection', (socket) => socket.on('join', (room) => { socket.join(room); return { room }; }));
 * ```
 */
export class Server<In extends EventsMap = DefaultEvents, Out extends EventsMap = DefaultEvents, Data = Record<string, unknown>> {
  private readonly engine: Engine;
  private detachFromHttp: (() => void) | undefined;

  /** Throws a TypeError naming a bad option. */
  constructor(options: ServerOptions<Data> = {}) {
    this.engine = new Engine(resolveOptions(options) as never);
  }

  /** The endpoint's path (`/rt` by default). */
  get path(): string {
    return this.engine.options.path;
  }

  /** Listens to `connection`, `disconnect` or `error`; returns the function that unsubscribes. */
  on<E extends keyof ServerLifecycle<Socket<In, Out, Data>>>(event: E, listener: ServerLifecycle<Socket<In, Out, Data>>[E]): () => void {
    if (!['connection', 'disconnect', 'error'].includes(event)) throw new TypeError(`unisocket server: unknown server event "${String(event)}" (connection, disconnect, error)`);
    if (typeof listener !== 'function') throw new TypeError(`unisocket server: the ${event} listener must be a function`);
    return this.engine.listeners.on(event, listener as never);
  }

  /** The sessions in `room` (or rooms; a session id is a room of one), to emit to or list. */
  to(room: string | readonly string[]): BroadcastOperator<Out, Data> {
    return this.engine.operator<Out>().to(room);
  }

  /** Alias of `to`. */
  in(room: string | readonly string[]): BroadcastOperator<Out, Data> {
    return this.to(room);
  }

  /** Every session but those in `room` (or rooms, or session ids). */
  except(room: string | readonly string[]): BroadcastOperator<Out, Data> {
    return this.engine.operator<Out>().except(room);
  }

  /** Emits to every session, on every node; resolves to how many it reached. */
  emit<E extends EventNames<Out>>(event: E, ...args: EventArgs<Out, E>): Promise<number> {
    return this.engine.operator<Out>().emit(event, ...args);
  }

  /** Every session, on every node (`{ id, rooms, data }`). */
  fetchSessions(): Promise<SessionInfo[]> {
    return this.engine.operator<Out>().fetchSessions();
  }

  /** A session this node holds (attached or detached), by its id. */
  session(id: string): Socket<In, Out, Data> | undefined {
    return this.engine.sockets.get(id) as Socket<In, Out, Data> | undefined;
  }

  /**
   * Serves `request` when it is for this endpoint's path and answers true; otherwise answers false and
   * leaves it alone. For routers of your own; `attach` and `middleware` use it.
   */
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean {
    return this.engine.handleRequest(request, response);
  }

  /** Takes a WebSocket upgrade when it is for this endpoint's path (true), else leaves it alone (false). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.engine.handleUpgrade(request, socket, head);
  }

  /**
   * Serves the path on `http`: its requests there (before the server's other `request` listeners, such
   * as an Express or Connect app) and its WebSocket upgrades. An upgrade to another path is left to the
   * other `upgrade` listeners, or refused with 404 when there are none. `close()` undoes it.
   * `{ requests: false }` takes the upgrades only (requests come through `middleware()` or a router).
   */
  attach(http: HttpServer, options: { requests?: boolean } = {}): this {
    if (this.detachFromHttp) throw new Error('unisocket server: already attached to an HTTP server');
    const previous = options.requests === false ? [] : (http.listeners('request') as RequestListener[]);
    if (options.requests !== false) http.removeAllListeners('request');
    const onRequest: RequestListener = (request, response) => {
      if (this.handleRequest(request, response)) return;
      if (previous.length === 0) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
        return;
      }
      for (const listener of previous) listener.call(http, request, response);
    };
    const onUpgrade: UpgradeListener = (request, socket, head) => {
      if (this.handleUpgrade(request, socket, head)) return;
      if (http.listenerCount('upgrade') === 1) rejectUpgrade(socket, 404, 'not-found', `no WebSocket endpoint at ${request.url ?? '/'}`);
    };
    if (options.requests !== false) http.on('request', onRequest);
    http.on('upgrade', onUpgrade);
    this.detachFromHttp = () => {
      http.off('request', onRequest);
      http.off('upgrade', onUpgrade);
      for (const listener of previous) http.on('request', listener);
    };
    return this;
  }

  /**
   * Express 5 / Connect middleware: serves the path (mounted or not: `app.use(rt.middleware())`), passes
   * anything else to `next`. Middleware before it runs first (cookies, sessions: what `authenticate`
   * reads). WebSocket upgrades never reach an Express app: `rt.attach(httpServer, { requests: false })`.
   */
  middleware(): (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void) => void {
    return (request, response, next) => {
      if (!this.handleRequest(request, response)) next?.();
    };
  }

  /**
   * Graceful shutdown: refuses new connections (503), sends every client `bye server-closing` with
   * `retry: true` (they move to another node at once), waits up to `closeGraceMs` for connections to
   * close and handlers to settle, then cuts what is left and closes the adapter. Idempotent.
   */
  async close(): Promise<void> {
    await this.engine.close();
    this.detachFromHttp?.();
  }
}
