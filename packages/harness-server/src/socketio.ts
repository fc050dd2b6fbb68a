import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server } from 'socket.io';
import type { Namespace, Socket } from 'socket.io';
import { SessionAwareAdapter } from 'socket.io-adapter';
import type { HarnessContext } from './context.js';

/** The token the `/private` namespace wants in `auth.token` (or `?token=` for socket.io 2.x clients). */
export const PRIVATE_NAMESPACE_TOKEN = 'letmein';
/** How long the server waits for the client's ack of `question` (event `ask-client`). */
const ASK_CLIENT_TIMEOUT_MS = 10_000;
/** How long a disconnected client's state is kept for connection state recovery. */
const RECOVERY_WINDOW_MS = 2 * 60 * 1000;

export interface SocketIoServer {
  /** Hands a `/socket.io/` upgrade to Engine.IO (after the server applied the upgrade faults). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/**
 * The real socket.io server on `/socket.io/`, accepting Engine.IO v3 (socket.io 2.x, as
 * Socket.IO-Lucee speaks) and v4 clients, with connection state recovery. Its own `upgrade`
 * listener is removed: the harness routes upgrades itself so faults apply to socket.io too.
 */
export function attachSocketIo(ctx: HarnessContext, http: HttpServer): SocketIoServer {
  const upgradeListenersBefore = new Set(http.listeners('upgrade'));
  const io = new Server(http, {
    allowEIO3: true,
    serveClient: false,
    maxHttpBufferSize: ctx.options.maxFrameBytes,
    pingInterval: ctx.options.socketIoPingIntervalMs ?? 25_000,
    pingTimeout: ctx.options.socketIoPingTimeoutMs ?? 20_000,
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS },
    adapter: TakeOverAdapter,
    // Any origin, no credentials (DESIGN.md): reflecting every Origin with credentials would let any page
    // act with the user's cookies.
    cors: { origin: '*' },
  });
  for (const listener of http.listeners('upgrade')) {
    if (!upgradeListenersBefore.has(listener)) http.off('upgrade', listener as (...args: unknown[]) => void);
  }

  serveTutorialApp(ctx, io.of('/'));
  serveTutorialApp(ctx, io.of('/chat'));
  const privateNamespace = io.of('/private');
  privateNamespace.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token ?? socket.handshake.query['token'];
    if (token === PRIVATE_NAMESPACE_TOKEN) next();
    else next(new Error('unauthorized: the /private namespace needs auth.token'));
  });
  serveTutorialApp(ctx, privateNamespace);

  return {
    handleUpgrade: (req, socket, head) => io.engine.handleUpgrade(req, socket, head),
    close: () => new Promise<void>((done) => void io.close(() => done())),
  };
}

/** What the take-over reads of a namespace: its sockets, connected or still passing the middlewares. */
interface LiveSockets {
  sockets: Map<string, Socket>;
  _preConnectSockets: Map<string, Socket>;
}

/**
 * socket.io's own session store, except that a session is restored only once the socket it was taken
 * from is gone. socket.io restores a session while that socket may still be connected (the client lost
 * the connection but the server has not noticed yet, or the client's second attempt asks too): the two
 * then share one id, and when the older one goes, its cleanup (`leaveAll`: the adapter's `delAll(id)`)
 * takes every room from the newer one, whose room messages stop with nothing reported. Here the older
 * socket's connection is closed first (a recoverable `forced close`, at once: it persists the session as
 * it is now and leaves its rooms), then the session is restored from that fresh state.
 */
class TakeOverAdapter extends SessionAwareAdapter {
  override restoreSession(pid: string, offset: string): ReturnType<SessionAwareAdapter['restoreSession']> {
    const { sockets, _preConnectSockets } = this.nsp as LiveSockets;
    for (const socket of [...sockets.values(), ..._preConnectSockets.values()]) {
      if ((socket as unknown as { pid?: string }).pid === pid) socket.conn.close(true);
    }
    return super.restoreSession(pid, offset);
  }
}

/** Splits a trailing ack callback off an event's arguments (socket.io passes it last). */
function splitAck(args: unknown[]): [unknown[], ((...answer: unknown[]) => void) | undefined] {
  const last = args[args.length - 1];
  if (typeof last !== 'function') return [args, undefined];
  return [args.slice(0, -1), last as (...answer: unknown[]) => void];
}

/** socket.io calls a socket's listeners with the socket as `this`. */
type Handler = (this: Socket, ...args: unknown[]) => void;

/**
 * The events every namespace serves: the Socket.IO-Lucee tutorial (seed 003: a `message` on
 * connect, `testEvent` later, `clientEvent` logged) plus a small chat and test helpers.
 * The handlers are made once per namespace and shared by its sockets (each gets `this`), so an idle
 * socket holds no closures of ours.
 */
function serveTutorialApp(ctx: HarnessContext, nsp: Namespace): void {
  const testEventDelayMs = ctx.options.testEventDelayMs ?? 4000;
  const where = (socket: Socket) => `socket.io ${nsp.name} ${socket.id}`;

  const handlers: Record<string, Handler> = {
    disconnect(reason) {
      ctx.log(`${where(this)}: disconnected (${String(reason)})`);
    },
    error(error) {
      ctx.log(`${where(this)}: error: ${(error as Error).message}`);
    },
    tutorial() {
      this.emit('testEvent', 'Sent a testEvent on request!');
    },
    clientEvent(message) {
      ctx.log(`${where(this)}: clientEvent ${JSON.stringify(message)}`);
    },
    join(...raw) {
      const [[room], ack] = splitAck(raw);
      if (typeof room !== 'string' || room === '') {
        ack?.({ error: 'join needs a room name (string)' });
        return;
      }
      const previous = this.data.room as string | undefined;
      if (previous && previous !== room) void this.leave(previous);
      this.data.room = room;
      void this.join(room);
      ack?.({ room, members: nsp.adapter.rooms.get(room)?.size ?? 0 });
    },
    chat(...raw) {
      const [[payload], ack] = splitAck(raw);
      const room = this.data.room as string | undefined;
      const body = typeof payload === 'object' && payload !== null ? payload : { text: payload };
      // Everyone in the room gets it, the sender included (as on `/rt`); no room: the namespace.
      (room ? nsp.to(room) : nsp).emit('chat', { ...body, from: this.id, room: room ?? null, at: Date.now() });
      ack?.({ ok: true });
    },
    echo(...raw) {
      const [args, ack] = splitAck(raw);
      if (ack) ack(...args);
      else this.emit('echo', ...args);
    },
    // The server asks the client (an emit with an ack) and reports what the client answered.
    'ask-client'(...raw) {
      const [[question], ack] = splitAck(raw);
      this.timeout(ASK_CLIENT_TIMEOUT_MS).emit('question', question ?? 'are you there?', (error: Error | null, answer: unknown) => {
        const report = error ? { error: 'the client did not answer in time' } : { answer };
        if (ack) ack(report);
        else this.emit('answer', report);
      });
    },
    'disconnect-me'() {
      this.disconnect(true);
    },
  };
  const events = Object.entries(handlers);

  nsp.on('connection', (socket: Socket) => {
    ctx.log(`${where(socket)}: connected (EIO${socket.conn.protocol}${socket.recovered ? ', recovered' : ''})`);
    for (const [event, handler] of events) socket.on(event, handler);

    if (!socket.recovered) socket.send(`Welcome to ${nsp.name}, ${socket.id}`);
    if (testEventDelayMs >= 0 && !socket.recovered) {
      const timer = setTimeout(() => {
        socket.emit('testEvent', `Sent a testEvent ${testEventDelayMs / 1000} seconds after connection!`);
      }, testEventDelayMs);
      socket.once('disconnect', () => clearTimeout(timer));
    }
  });
}
