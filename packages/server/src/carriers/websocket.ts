import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { FrameTail } from '../adapters/adapter.js';
import type { Engine } from '../engine.js';
import { byeText, errorText, parseClientText, pingText, PROTOCOL_VERSION, sequencedText } from '../protocol/frames.js';
import type { AnyServerSocket } from '../session/socket.js';
import type { Carrier } from './carrier.js';

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 401: 'Unauthorized', 403: 'Forbidden', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** Answers an upgrade with a plain HTTP error (JSON body) instead of 101, and closes the socket. */
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
  /** Every open socket, `hello` said or not. */
  readonly sockets: ReadonlySet<CarrierSocket>;
  close(): Promise<void>;
}

/** A `ws` socket that is its own carrier (no second object per connection). */
export interface CarrierSocket extends WebSocket, Carrier {
  readonly kind: 'websocket';
}

/**
 * Builds the WebSocket carriers of one engine. An idle connection costs the `ws` socket and a Set entry:
 * the carrier fields live on the socket itself (a subclass `ws` instantiates through its `WebSocket`
 * option), and its listeners are shared by every socket (`ws` calls them with the socket as `this`).
 */
export function createWebSocketCarriers(engine: Engine): WebSocketCarriers {
  const { options } = engine;
  const sockets = new Set<EngineSocket>();

  class EngineSocket extends WebSocket implements Carrier {
    session: AnyServerSocket | undefined;
    /** `authenticate`'s answer, until `hello` opens the session. */
    auth: unknown;
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
      if (this.finished) return;
      if (this.bufferedAmount > options.maxBufferedBytes) {
        slowConsumer(this);
        return;
      }
      this.send(text);
    }

    writeFrame(seq: number, frame: FrameTail): void {
      this.writeText(sequencedText(seq, frame));
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
  }

  function slowConsumer(socket: EngineSocket): void {
    engine.log(`websocket${socket.session ? ` of session ${socket.session.id}` : ''}: ${socket.bufferedAmount} bytes unsent (over ${options.maxBufferedBytes}): slow consumer, cut`);
    socket.closing = true;
    // A socket that does not read would never take a close frame either: cut it now, freeing its queue.
    socket.terminate();
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, clientTracking: false, WebSocket: EngineSocket });

  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    handleMessage(this as EngineSocket, data, isBinary);
  }

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
    const auth = socket.auth;
    socket.auth = undefined;
    engine.open(socket, frame.token, frame.lastSeq, auth);
  }

  function onClose(this: WebSocket): void {
    const socket = this as EngineSocket;
    sockets.delete(socket);
    socket.session?.detach(socket);
  }

  function onError(this: WebSocket, error: Error): void {
    const { session } = this as EngineSocket;
    engine.log(`websocket error${session ? ` (session ${session.id})` : ''}: ${error.message}`);
  }

  function onPong(this: WebSocket): void {
    (this as EngineSocket).alive = true;
  }

  return {
    sockets,
    accept(request, socket, head, data) {
      wss.handleUpgrade(request, socket, head, (ws) => {
        const carrier = ws as EngineSocket;
        carrier.auth = data;
        sockets.add(carrier);
        carrier.on('error', onError);
        carrier.on('close', onClose);
        carrier.on('message', onMessage);
        carrier.on('pong', onPong);
      });
    },
    async close() {
      await new Promise<void>((done) => wss.close(() => done()));
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
