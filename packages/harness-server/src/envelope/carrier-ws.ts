import type { RawData, WebSocket } from 'ws';
import type { Carrier } from './carrier.js';
import type { ChatApp } from './chat-app.js';
import { dispatchClientFrame } from './dispatch.js';
import { errorFrame, parseClientText, PROTOCOL_VERSION } from './frames.js';
import type { ByeFrame, ServerFrame } from './frames.js';
import type { Session } from './session.js';
import type { SessionStore } from './session-store.js';

/**
 * The WebSockets of `/rt`: each waits for `hello`, then carries its session both ways. Frames before
 * `hello` are answered with an `error` frame; the socket stays open.
 *
 * An idle connection costs one map entry and one small carrier: the three `ws` listeners are shared by
 * every socket (`ws` calls them with the socket as `this`) instead of three closures per connection.
 */
export class WebSocketEndpoint {
  private readonly carriers = new Map<WebSocket, WebSocketCarrier>();
  private readonly onMessage: (this: WebSocket, data: RawData, isBinary: boolean) => void;
  private readonly onClose: (this: WebSocket) => void;
  private readonly onError: (this: WebSocket, error: Error) => void;

  constructor(store: SessionStore, app: ChatApp, log: (line: string) => void) {
    const carriers = this.carriers;
    this.onMessage = function onMessage(data, isBinary) {
      const carrier = carriers.get(this);
      if (carrier) receive(carrier, data, isBinary, store, app, log);
    };
    this.onClose = function onClose() {
      const carrier = carriers.get(this);
      carriers.delete(this);
      if (carrier) carrier.session?.detach(carrier);
    };
    this.onError = function onError(error) {
      const session = carriers.get(this)?.session;
      log(`envelope: websocket error${session ? ` (session ${session.id})` : ''}: ${error.message}`);
    };
  }

  /** Takes an upgraded socket. */
  serve(ws: WebSocket): void {
    this.carriers.set(ws, new WebSocketCarrier(ws));
    ws.on('error', this.onError);
    ws.on('close', this.onClose);
    ws.on('message', this.onMessage);
  }

  /** Every open socket, `hello` sent or not. */
  sockets(): WebSocket[] {
    return [...this.carriers.keys()];
  }
}

function receive(carrier: WebSocketCarrier, data: RawData, isBinary: boolean, store: SessionStore, app: ChatApp, log: (line: string) => void): void {
  if (carrier.ended) return; // replaced by another carrier: its late frames are not this session's any more
  if (isBinary) {
    carrier.send(errorFrame('bad-frame', 'frames are text messages'));
    return;
  }
  const parsed = parseClientText(rawText(data));
  if (!parsed.ok) {
    log(`envelope: rejected websocket frame (${parsed.error.code}): ${parsed.error.message}`);
    carrier.send(parsed.error);
    return;
  }
  const frame = parsed.frame;
  if (carrier.session) {
    dispatchClientFrame(app, carrier.session, frame, log);
    return;
  }
  if (frame.t !== 'hello') {
    carrier.send(errorFrame('bad-frame', 'the first frame must be hello'));
    return;
  }
  if (frame.v !== PROTOCOL_VERSION) {
    carrier.end({ t: 'bye', code: 'unsupported-version', message: `protocol version ${frame.v} is not supported (only ${PROTOCOL_VERSION})`, retry: false }, 1002);
    return;
  }
  const opened = store.open(frame);
  carrier.session = opened.session;
  opened.session.attach(carrier, opened.resumed, opened.lastSeq);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** A session downstream over one WebSocket: one frame per text message. */
class WebSocketCarrier implements Carrier {
  readonly kind = 'websocket';
  /** The session this socket said `hello` to; undefined before `hello`. */
  session: Session | undefined;
  private closing = false;

  constructor(private readonly ws: WebSocket) {}

  get ended(): boolean {
    return this.closing || this.ws.readyState !== this.ws.OPEN;
  }

  send(frame: ServerFrame): void {
    if (this.ended) return;
    this.ws.send(JSON.stringify(frame));
  }

  /** Sends `bye` (when given) and closes with `code` (default 1000). */
  end(bye?: ByeFrame, code = 1000): void {
    if (this.ended) return;
    if (bye) this.send(bye);
    this.closing = true;
    this.ws.close(code, bye?.code ?? '');
  }
}
