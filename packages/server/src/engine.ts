import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Adapter, AdapterNode, BroadcastTarget, FrameTail, ReleaseReason, ResumedSession } from './adapters/adapter.js';
import { BroadcastOperator } from './broadcast.js';
import type { Carrier } from './carriers/carrier.js';
import { servePost } from './carriers/post.js';
import { serveSse } from './carriers/sse.js';
import { createWebSocketCarriers, rejectUpgrade, type CarrierSocket, type WebSocketCarriers } from './carriers/websocket.js';
import { AuthError } from './errors.js';
import type { EventsMap } from './events.js';
import { HttpError, requestUrl, sendHttpError } from './http/respond.js';
import type { ResolvedOptions } from './options.js';
import { byeText } from './protocol/frames.js';
import { ServerSocket, type AnyServerSocket, type DisconnectReason } from './session/socket.js';
import { formatToken, hashSecret, newSecret, newSessionId, parseToken } from './session/token.js';
import { Corking } from './util/corking.js';
import { Listeners } from './util/listeners.js';
import { andThen, attempt, settle } from './util/maybe.js';

/** Server-level events (`server.on`). */
export interface ServerLifecycle<Socket> {
  /** A new session (or one resumed here after living on another node: `socket.recovered`). */
  connection(socket: Socket): void;
  /** A session ended on this node. */
  disconnect(socket: Socket, reason: DisconnectReason): void;
  /** A failure that is not a client's fault: a handler that threw something else than `EventError`, an adapter that failed. */
  error(error: Error): void;
}

/**
 * The server's machinery, behind the public `Server`: the sessions of this node, the two carriers, the
 * adapter's node, one heartbeat ticker for every connection, and shutdown.
 */
export class Engine implements AdapterNode {
  readonly nodeId = randomBytes(6).toString('base64url');
  readonly adapter: Adapter;
  /** Sessions owned by this node, attached or detached. */
  readonly sockets = new Map<string, AnyServerSocket>();
  readonly listeners = new Listeners<ServerLifecycle<AnyServerSocket>>((error) => this.report(error));
  readonly reporter = (error: unknown) => this.report(error);
  /** Holds every connection's writes of one turn back for one `writev` each. */
  readonly corking = new Corking();
  closing = false;
  private readonly webSockets: WebSocketCarriers;
  private readonly ready: Promise<void> | undefined;
  private readonly ticker: NodeJS.Timeout;
  /** Handlers and requests under way (`close()` lets them finish). */
  private readonly inflight = new Set<Promise<unknown>>();
  private closed: Promise<void> | undefined;

  constructor(readonly options: ResolvedOptions<unknown>) {
    this.adapter = options.adapter;
    this.webSockets = createWebSocketCarriers(this);
    const limits = { replayFrames: options.replayFrames, replayBytes: options.replayBytes, detachedTtlMs: options.detachedTtlMs };
    const init = attempt(() => this.adapter.init(this, limits));
    if (init instanceof Promise) {
      this.ready = init.catch((error: unknown) => {
        this.report(new Error('the adapter failed to start', { cause: error }));
        throw error;
      });
      this.ready.catch(() => undefined);
    }
    this.ticker = setInterval(() => this.tick(), options.heartbeatMs);
    this.ticker.unref();
  }

  log(line: string): void {
    this.options.log(line);
  }

  report(error: unknown): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    if (this.listeners.has('error')) this.listeners.emit('error', failure);
    else console.error('[unisocket server]', failure);
  }

  /** Keeps `close()` waiting for `work`. */
  track(work: Promise<unknown>): void {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  }

  operator<Out extends EventsMap>(): BroadcastOperator<Out> {
    return new BroadcastOperator<Out>(this);
  }

  broadcast(target: BroadcastTarget, frame: FrameTail): Promise<number> {
    const reached = Promise.resolve(attempt(() => this.adapter.broadcast(target, frame)));
    reached.catch(this.reporter);
    return reached;
  }

  // ---- AdapterNode ----

  deliver(id: string, seq: number, frame: FrameTail): void {
    this.sockets.get(id)?.carrier?.writeFrame(seq, frame);
  }

  release(id: string, reason: ReleaseReason): void {
    const socket = this.sockets.get(id);
    if (!socket) return;
    if (reason === 'moved') socket.carrier?.finish(byeText('replaced', 'the session moved to another server node', false));
    else socket.carrier?.finish(byeText('session-ended', 'the session was ended by the server', true));
    this.drop(socket, reason);
  }

  error(error: Error): void {
    this.report(error);
  }

  // ---- sessions ----

  /**
   * Opens the session a carrier asks for (`hello`, or an SSE `GET`): the one `token` names when it can
   * be resumed from `lastSeq`, else a new one (`resumed: false`). Failures close the carrier.
   */
  open(carrier: Carrier, token: string | undefined, lastSeq: number | undefined, data: unknown): void {
    const parsed = parseToken(token);
    const cursor = lastSeq ?? 0;
    const opened = attempt(() =>
      andThen(this.ready, () =>
        parsed
          ? andThen(this.adapter.resume(parsed.id, hashSecret(parsed.secret), cursor), (resumed) =>
              resumed ? this.attachResumed(carrier, resumed, token!, cursor) : this.attachNew(carrier, data),
            )
          : this.attachNew(carrier, data),
      ),
    );
    if (opened instanceof Promise) {
      this.track(
        opened.catch((error: unknown) => {
          this.report(new Error('a session could not be opened', { cause: error }));
          carrier.finish(byeText('server-closing', 'the server could not open the session', true), 1011);
        }),
      );
    }
  }

  private attachNew(carrier: Carrier, data: unknown): void | Promise<void> {
    const id = newSessionId();
    const secret = newSecret();
    const socket = new ServerSocket(this, id, hashSecret(secret), data, false);
    return andThen(this.adapter.create({ id, secretHash: socket.secretHash, data }), () => {
      if (carrier.finished || this.closing) {
        // Nobody got the token: nobody can resume it.
        settle(attempt(() => this.adapter.end(id)), this.reporter);
        carrier.finish(byeText('server-closing', 'the server is shutting down', true), 1001);
        return;
      }
      this.sockets.set(id, socket);
      socket.attach(carrier, formatToken(id, secret), false, 0, 0, []);
      this.connected(socket);
    });
  }

  private attachResumed(carrier: Carrier, resumed: ResumedSession, token: string, lastSeq: number): void {
    let socket = this.sockets.get(resumed.id);
    const recovered = !socket;
    if (!socket) {
      const { secret } = parseToken(token)!;
      socket = new ServerSocket(this, resumed.id, hashSecret(secret), resumed.data, true, resumed.rcid, resumed.rooms);
      this.sockets.set(resumed.id, socket);
    }
    if (resumed.rcid > socket.rcid) socket.rcid = resumed.rcid;
    if (carrier.finished || this.closing) {
      carrier.finish(byeText('server-closing', 'the server is shutting down', true), 1001);
      socket.carrier = carrier;
      socket.detach(carrier);
    } else socket.attach(carrier, token, true, resumed.seq, lastSeq, resumed.replay);
    if (recovered) this.connected(socket);
  }

  /** Tells the application; what its `connection` listeners put in `data` is saved for the other nodes. */
  private connected(socket: AnyServerSocket): void {
    this.listeners.emit('connection', socket);
    socket.saveData();
  }

  /** The application ended a session. */
  endSession(socket: AnyServerSocket, reason: DisconnectReason): void {
    settle(attempt(() => this.adapter.end(socket.id)), this.reporter);
    this.drop(socket, reason);
  }

  private drop(socket: AnyServerSocket, reason: DisconnectReason): void {
    if (this.sockets.get(socket.id) !== socket || socket.ended) return;
    this.sockets.delete(socket.id);
    socket.markEnded(reason);
    this.listeners.emit('disconnect', socket, reason);
  }

  // ---- HTTP ----

  /** Runs `authenticate`; answers the data, or throws the HttpError to answer (401/403/500). */
  async authenticate(request: IncomingMessage): Promise<unknown> {
    const hook = this.options.authenticate;
    if (!hook) return undefined;
    let data: unknown;
    try {
      data = await hook(request);
    } catch (error) {
      if (error instanceof AuthError) throw new HttpError(error.status, 'unauthorized', error.message);
      this.report(new Error('authenticate failed', { cause: error }));
      throw new HttpError(500, 'internal', 'authentication failed on the server');
    }
    if (data === false) throw new HttpError(401, 'unauthorized', 'authentication required');
    return data;
  }

  closingError(): HttpError {
    return new HttpError(503, 'server-closing', 'the server is shutting down: connect to another node', { 'retry-after': '1' });
  }

  /** Serves `request` if it is for this endpoint's path (returns false otherwise, untouched). */
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean {
    const url = requestUrl(request);
    if (url?.pathname !== this.options.path) return false;
    const { cors } = this.options;
    const method = request.method ?? '';
    const work = (async () => {
      if (!cors.allows(request)) throw new HttpError(403, 'origin-not-allowed', `origin ${String(request.headers.origin).slice(0, 100)} may not use this endpoint`);
      if (method === 'OPTIONS') {
        response.writeHead(204, cors.preflight(request)).end();
        return;
      }
      cors.apply(request, response);
      if (this.closing) throw this.closingError();
      await this.ready;
      if (method === 'GET') await serveSse(this, request, response, url);
      else if (method === 'POST') await servePost(this, request, response, url);
      else throw new HttpError(405, 'method-not-allowed', `${method} is not allowed on ${url.pathname}; allowed: GET, POST`, { allow: 'GET, POST' });
    })().catch((error: unknown) => {
      if (!(error instanceof HttpError)) {
        this.report(error);
        error = new HttpError(500, 'internal', 'the server failed on this request');
      }
      const failure = error as HttpError;
      this.log(`${method} ${url.pathname} → ${failure.status} ${failure.code}: ${failure.message}`);
      if (response.headersSent) response.destroy();
      else sendHttpError(response, failure);
    });
    this.track(work);
    return true;
  }

  /** Takes the upgrade if it is for this endpoint's path (returns false otherwise, untouched). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = requestUrl(request);
    if (url?.pathname !== this.options.path) return false;
    socket.on('error', this.reporterOfSocket);
    if (this.closing) {
      rejectUpgrade(socket, 503, 'server-closing', 'the server is shutting down: connect to another node');
      return true;
    }
    if (!this.options.cors.allows(request)) {
      this.log(`upgrade from origin ${String(request.headers.origin).slice(0, 100)} refused`);
      rejectUpgrade(socket, 403, 'origin-not-allowed', 'this origin may not use this endpoint');
      return true;
    }
    const accept = (data: unknown) => {
      if (socket.destroyed) return;
      if (this.closing) {
        rejectUpgrade(socket, 503, 'server-closing', 'the server is shutting down');
        return;
      }
      this.webSockets.accept(request, socket, head, data);
      // `ws` has its own error listener on the socket from here on; a second one would cost every
      // connection a listener array for as long as it lives.
      socket.off('error', this.reporterOfSocket);
    };
    if (!this.options.authenticate && !this.ready) {
      accept(undefined);
      return true;
    }
    this.track(
      Promise.all([this.authenticate(request), this.ready]).then(
        ([data]) => accept(data),
        (error: unknown) => {
          const failure = error instanceof HttpError ? error : new HttpError(500, 'internal', 'the server failed on this upgrade');
          this.log(`upgrade → ${failure.status} ${failure.code}: ${failure.message}`);
          rejectUpgrade(socket, failure.status, failure.code, failure.message);
        },
      ),
    );
    return true;
  }

  /** One listener for the errors of every socket being upgraded (a closure per socket would live as long as it). */
  private readonly reporterOfSocket = (error: Error) => this.log(`upgrade socket error: ${error.message}`);

  // ---- heartbeat and shutdown ----

  /** One ticker for every connection: the sessions' carriers, and the sockets still waiting for `hello`. */
  private tick(): void {
    for (const socket of this.sockets.values()) socket.carrier?.heartbeat();
    this.webSockets.tick();
  }

  /**
   * Graceful shutdown: new connections get 503; every connection gets `bye server-closing` (`retry: true`,
   * so clients move to another node at once) and is closed; handlers and requests under way may finish,
   * within `closeGraceMs`; then whatever is left is cut and the adapter closes.
   */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.ticker);
    const bye = byeText('server-closing', 'the server is shutting down', true);
    const carriers = [...this.sockets.values()].flatMap((socket) => (socket.carrier ? [socket.carrier] : []));
    const webSockets = [...this.webSockets.pending.keys(), ...carriers.filter((carrier): carrier is CarrierSocket => carrier.kind === 'websocket')];
    for (const carrier of carriers) carrier.finish(bye, 1001);
    for (const socket of this.webSockets.pending.keys()) socket.finish(undefined, 1001);
    const closedSockets = webSockets.map((socket) => new Promise((done) => (socket.readyState === socket.CLOSED ? done(undefined) : socket.once('close', done))));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((done) => (timer = setTimeout(done, this.options.closeGraceMs)));
    await Promise.race([Promise.all([...closedSockets, ...this.inflight]), grace]);
    clearTimeout(timer);
    for (const socket of webSockets) socket.terminate();
    for (const socket of [...this.sockets.values()]) this.drop(socket, 'server-closing');
    await this.webSockets.close();
    await this.adapter.close();
  }
}
