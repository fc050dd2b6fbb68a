import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FrameTail } from '../adapters/adapter.js';
import type { Engine } from '../engine.js';
import { HttpError } from '../http/respond.js';
import { pingText, PROTOCOL_VERSION, sequencedText } from '../protocol/frames.js';
import type { AnyServerSocket } from '../session/socket.js';
import type { Carrier } from './carrier.js';
import { openStandardSseStream, type SseStream } from './sse-stream.js';

/** What an SSE `GET` asks for: a new session, or a resume. */
export interface SseOpenRequest {
  token: string | undefined;
  lastSeq: number | undefined;
}

/**
 * Reads `v`, `token`, `lastSeq` from the query and `Last-Event-ID` (`<token>:<seq>`, or a bare `<seq>`
 * for the query's token). The header wins: a browser sets it from this very stream's events, so it is
 * never older than the URL it reconnects to. Throws the 400 to answer.
 */
export function parseSseRequest(url: URL, lastEventId: string | string[] | undefined): SseOpenRequest {
  const v = url.searchParams.get('v');
  if (v !== null && v !== String(PROTOCOL_VERSION)) {
    throw new HttpError(400, 'unsupported-version', `protocol version ${v.slice(0, 10)} is not supported (only ${PROTOCOL_VERSION})`);
  }
  let token = url.searchParams.get('sessionToken') ?? undefined;
  let lastSeq: number | undefined;
  const lastSeqParam = url.searchParams.get('lastSeq');
  if (lastSeqParam !== null) {
    lastSeq = parseSeq(lastSeqParam);
    if (lastSeq === undefined) throw new HttpError(400, 'bad-request', 'lastSeq must be a non-negative integer');
  }
  const header = typeof lastEventId === 'string' ? lastEventId.trim() : undefined;
  if (header) {
    const colon = header.lastIndexOf(':');
    const seq = parseSeq(colon < 0 ? header : header.slice(colon + 1));
    if (seq !== undefined) {
      if (colon > 0) token = header.slice(0, colon);
      lastSeq = seq;
    }
  }
  return { token, lastSeq };
}

function parseSeq(text: string): number | undefined {
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

/**
 * A session downstream over one SSE response: one frame per event, `id: <token>:<seq>` on sequenced
 * frames (and `welcome`), so a native EventSource resumes by itself; a `: hb` comment beside each `ping`.
 */
export class SseCarrier implements Carrier {
  session: AnyServerSocket | undefined;
  private token = '';
  /** Cut as a slow consumer: the response's `close` (which detaches the session) comes a tick later. */
  private cut = false;

  constructor(
    private readonly engine: Engine,
    readonly stream: SseStream,
    private readonly response: ServerResponse,
  ) {}

  get kind(): 'sse' {
    return 'sse';
  }

  get finished(): boolean {
    return this.cut || this.stream.closed;
  }

  setToken(token: string): void {
    this.token = token;
  }

  writeText(text: string, seq?: number): void {
    if (!this.writable(true)) return;
    this.stream.send(seq === undefined ? { data: text } : { id: `${this.token}:${seq}`, data: text });
  }

  writeFrame(seq: number, frame: FrameTail, replayed = false): void {
    if (!this.writable(!replayed)) return;
    this.stream.send({ id: `${this.token}:${seq}`, data: sequencedText(seq, frame) });
  }

  heartbeat(): void {
    if (!this.session || this.finished) return;
    this.stream.comment('hb');
    this.writeText(pingText(this.session.rcid));
  }

  finish(bye?: string): void {
    if (this.finished) return;
    if (bye) this.stream.send({ data: bye });
    this.stream.end();
  }

  /**
   * Whether a frame may be written now (the response is then corked until the end of the tick).
   * `bounded`: a slow consumer (its response's queue over the limit) is cut instead; its session
   * stays, detached.
   */
  private writable(bounded: boolean): boolean {
    if (this.finished) return false;
    const queued = this.response.writableLength;
    if (bounded && queued > this.engine.options.maxBufferedBytes) {
      this.engine.log(`SSE stream${this.session ? ` of session ${this.session.id}` : ''}: ${queued} bytes unsent (over ${this.engine.options.maxBufferedBytes}): slow consumer, cut`);
      this.cut = true;
      this.response.destroy();
      return false;
    }
    this.engine.corking.hold(this.response);
    return true;
  }
}

/** `GET <path>`: authenticates, opens the stream (or the hook answers instead), then opens or resumes the session. */
export async function serveSse(engine: Engine, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const open = parseSseRequest(url, request.headers['last-event-id']);
  const data = await engine.authenticate(request);
  if (engine.closing) throw engine.closingError();
  const stream = (engine.options.openSseStream ?? openStandardSseStream)(request, response);
  if (!stream) return; // the hook answered
  const carrier = new SseCarrier(engine, stream, response);
  stream.retry(engine.options.sseRetryMs);
  stream.onClose(() => carrier.session?.detach(carrier));
  engine.open(carrier, open.token, open.lastSeq, data);
}

