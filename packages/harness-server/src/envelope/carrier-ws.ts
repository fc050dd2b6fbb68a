import type { RawData, WebSocket } from 'ws';
import type { Carrier } from './carrier.js';
import type { ChatApp } from './chat-app.js';
import { dispatchClientFrame } from './dispatch.js';
import { errorFrame, parseClientText, PROTOCOL_VERSION } from './frames.js';
import type { ByeFrame, ServerFrame } from './frames.js';
import type { Session } from './session.js';
import type { SessionStore } from './session-store.js';

/**
 * One WebSocket on `/rt`: waits for `hello`, then carries the session both ways. Frames before
 * `hello` are answered with an `error` frame; the socket stays open.
 */
export function serveWebSocket(ws: WebSocket, store: SessionStore, app: ChatApp, log: (line: string) => void): void {
  const carrier = new WebSocketCarrier(ws);
  let session: Session | undefined;

  ws.on('error', (error) => log(`envelope: websocket error${session ? ` (session ${session.id})` : ''}: ${error.message}`));
  ws.on('close', () => session?.detach(carrier));
  ws.on('message', (data: RawData, isBinary: boolean) => {
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
    if (session) {
      dispatchClientFrame(app, session, frame, log);
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
    session = opened.session;
    session.attach(carrier, opened.resumed, opened.lastSeq);
  });
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** A session downstream over one WebSocket: one frame per text message. */
class WebSocketCarrier implements Carrier {
  readonly kind = 'websocket';
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
