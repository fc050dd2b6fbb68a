import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { FrameTail } from '../adapters/adapter.js';
import type { Engine } from '../engine.js';
import { byeText, errorText, parseClientText, pingText, PROTOCOL_VERSION, sequencedText } from '../protocol/frames.js';
import type { AnyServerSocket } from '../session/socket.js';
import type { Corkable } from '../util/corking.js';
import type { Carrier } from './carrier.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Answers a WebSocket upgrade with a plain HTTP error (JSON body `{"error":{"code","message"}}`)
 * instead of 101, and closes the socket: for routers that refuse upgrades themselves.
 */
export function rejectUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The WebSocket side of an engine: the upgrades it accepted, as carriers. */
export interface WebSocketCarriers {
  /** Completes an accepted upgrade; `data` is what `authenticate` answered. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer, data: unknown): void;
  /** Sockets without a session yet (before `hello`, or while it is answered), with `authenticate`'s answer until `hello`; attached ones are the sessions'. */
  readonly pending: ReadonlyMap<CarrierSocket, unknown>;
  /** Heartbeat tick of the pending sockets: one without `hello` since the last tick is dropped. */
  tick(): void;
  close(): Promise<void>;
}

/** A `ws` socket that is its own carrier (no second object per connection). */
export interface CarrierSocket extends WebSocket, Carrier {
  readonly kind: 'websocket';
}

/**
 * Builds the WebSocket carriers of one engine. An idle connection costs the `ws` socket and four
 * fields on it: the carrier lives on the socket itself (a subclass `ws` instantiates through its
 * `WebSocket` option), with no listener (its `emit` dispatches the events `ws` raises), and once it
 * carries a session it is in no collection but the session's.
 */
export function createWebSocketCarriers(engine: Engine): WebSocketCarriers {
  const { options } = engine;
  /** Sockets waiting for `hello`, with `authenticate`'s answer for their session (kept here, not on every socket). */
  const pending = new Map<EngineSocket, unknown>();

  class EngineSocket extends WebSocket implements Carrier {
    session: AnyServerSocket | undefined;
    /** Heard from since the last heartbeat tick (pong, or any message). */
    alive = true;
    /** `hello` is being answered. */
    opening = false;
    closing = false;

    get kind(): 'websocket' {
      return 'websocket';
    }

    get finished(): boolean {
      return this.closing || this.readyState !== WebSocket.OPEN;
    }

    writeText(text: string): void {
      this.queueText(text, true);
    }

    writeFrame(seq: number, frame: FrameTail, replayed = false): void {
      this.queueText(sequencedText(seq, frame), !replayed);
    }

    /** Sends `text`; `bounded`: a slow consumer (its queue over `maxBufferedBytes`) is cut instead. */
    queueText(text: string, bounded: boolean): void {
      if (this.finished) return;
      if (bounded && this.bufferedAmount > options.maxBufferedBytes) {
        slowConsumer(this);
        return;
      }
      // `_socket` is the upgraded TCP socket (internal to `ws`, stable since its first versions).
      engine.corking.hold((this as unknown as { _socket: Corkable | null })._socket);
      this.send(text);
    }

    setToken(): void {}

    heartbeat(): void {
      if (!this.alive) {
        engine.log(`websocket${this.session ? ` of session ${this.session.id}` : ''} silent for a heartbeat: dropped`);
        this.terminate();
        return;
      }
      this.alive = false;
      if (this.session) {
        this.ping();
        this.writeText(pingText(this.session.rcid));
      }
      // A socket without a session is dropped at the next tick unless `hello` comes (a hello deadline).
    }

    finish(bye?: string, closeCode = 1000): void {
      if (this.finished) return;
      if (bye) this.send(bye);
      this.closing = true;
      this.close(closeCode);
    }

    /**
     * `ws` raises its events through `emit`: handling them here costs nothing per socket, where four
     * listeners would add an entry each to every socket's listener table. Listeners added anyway still run.
     */
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message') {
        handleMessage(this, args[0] as RawData, args[1] as boolean);
        releaseReceiveQueue(this);
      } else if (event === 'pong') {
        this.alive = true;
        releaseReceiveQueue(this);
      } else if (event === 'close') {
        pending.delete(this);
        this.session?.detach(this);
      } else if (event === 'error') engine.log(`websocket error${this.session ? ` (session ${this.session.id})` : ''}: ${(args[0] as Error).message}`);
      return this.listenerCount(event) > 0 && super.emit(event, ...args);
    }
  }

  function slowConsumer(socket: EngineSocket): void {
    engine.log(`websocket${socket.session ? ` of session ${socket.session.id}` : ''}: ${socket.bufferedAmount} bytes unsent (over ${options.maxBufferedBytes}): slow consumer, cut`);
    socket.closing = true;
    // A socket that does not read would never take a close frame either: cut it now, freeing its queue.
    socket.terminate();
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, clientTracking: false, WebSocket: EngineSocket });

  function handleMessage(socket: EngineSocket, data: RawData, isBinary: boolean): void {
    socket.alive = true;
    if (socket.finished) return; // replaced, or closing: late frames are not the session's any more
    if (isBinary) {
      socket.writeText(errorText({ code: 'bad-frame', message: 'frames are text messages' }));
      return;
    }
    const parsed = parseClientText(rawText(data));
    if (!parsed.ok) {
      engine.log(`rejected websocket frame (${parsed.error.code}): ${parsed.error.message}`);
      socket.writeText(errorText(parsed.error));
      return;
    }
    const frame = parsed.frame;
    if (socket.session) return socket.session.receive(frame);
    if (frame.t !== 'hello' || socket.opening) {
      socket.writeText(errorText({ code: 'bad-frame', message: socket.opening ? 'wait for welcome' : 'the first frame must be hello' }));
      return;
    }
    if (frame.v !== PROTOCOL_VERSION) {
      socket.finish(byeText('unsupported-version', `protocol version ${frame.v} is not supported (only ${PROTOCOL_VERSION})`, false), 1002);
      return;
    }
    socket.opening = true;
    const auth = pending.get(socket);
    // Stays pending (heartbeat ticks drop it if it falls silent) until a session holds it, which the
    // memory adapter does before `open` returns.
    pending.set(socket, undefined);
    engine.open(socket, frame.token, frame.lastSeq, auth);
    if (socket.session) pending.delete(socket);
  }

  return {
    pending,
    accept(request, socket, head, data) {
      wss.handleUpgrade(request, socket, head, (ws) => pending.set(ws as EngineSocket, data));
    },
    tick() {
      for (const socket of pending.keys()) {
        if (socket.session) pending.delete(socket);
        else socket.heartbeat();
      }
    },
    async close() {
      await new Promise<void>((done) => wss.close(() => done()));
    },
  };
}

/**
 * `ws` queues the chunks it receives in an array that keeps the 17 slots its first push reserved
 * (152 bytes) after they are read, and every connection receives something (`hello`, then a pong per
 * heartbeat): an idle connection would hold those slots for good. An empty array holds none (V8
 * shares one empty store), so the queue is swapped for one each time it has been read to the end.
 * Called as `ws` raises a message or pong, after which its receiver reads the queue afresh.
 * `_receiver._buffers` is internal to `ws` (8.x, like `_socket`): anything but an empty array is left alone.
 */
function releaseReceiveQueue(socket: WebSocket): void {
  const receiver = (socket as unknown as { _receiver?: { _buffers?: unknown } })._receiver;
  if (receiver && Array.isArray(receiver._buffers) && receiver._buffers.length === 0) receiver._buffers = [];
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
