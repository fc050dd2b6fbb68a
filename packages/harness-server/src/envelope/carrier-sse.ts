import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HarnessContext } from '../context.js';
import { openSseStream } from '../sse-stream.js';
import type { SseStream } from '../sse-stream.js';
import type { Carrier } from './carrier.js';
import { PROTOCOL_VERSION } from './frames.js';
import type { ByeFrame, ServerFrame } from './frames.js';
import { HttpError } from '../http-util.js';
import type { OpenRequest, SessionStore } from './session-store.js';

/** What the browser's `EventSource` is told to wait before reconnecting on its own. */
const SSE_RETRY_MS = 1000;

/** `GET /rt`: opens (or resumes) a session whose downstream is this SSE response. */
export function serveSseDownstream(
  ctx: HarnessContext,
  store: SessionStore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  const request = parseResumeRequest(url, req.headers['last-event-id']);
  if ('error' in request) throw new HttpError(400, request.error.code, request.error.message);
  const stream = openSseStream(ctx, req, res);
  if (!stream) return; // an `sse-status` fault answered instead
  stream.retry(SSE_RETRY_MS);
  const carrier = new SseCarrier(stream);
  const { session, resumed, lastSeq } = store.open(request);
  session.attach(carrier, resumed, lastSeq);
  stream.onClose(() => session.detach(carrier));
}

/**
 * Reads `v`, `session`, `lastSeq` from the query and `Last-Event-ID` (`<session>:<seq>`, or a bare
 * `<seq>` for the query's session). The header wins: a browser sets it from this very stream's events,
 * so it is never older than the URL it reconnects to.
 */
export function parseResumeRequest(url: URL, lastEventId: string | string[] | undefined): OpenRequest | { error: { code: string; message: string } } {
  const v = url.searchParams.get('v');
  if (v !== null && v !== String(PROTOCOL_VERSION)) {
    return { error: { code: 'unsupported-version', message: `protocol version ${v.slice(0, 10)} is not supported (only ${PROTOCOL_VERSION})` } };
  }
  let session = url.searchParams.get('session') ?? undefined;
  let lastSeq: number | undefined;
  const lastSeqParam = url.searchParams.get('lastSeq');
  if (lastSeqParam !== null) {
    lastSeq = parseSeq(lastSeqParam);
    if (lastSeq === undefined) return { error: { code: 'bad-request', message: 'lastSeq must be a non-negative integer' } };
  }
  const header = typeof lastEventId === 'string' ? lastEventId.trim() : undefined;
  if (header) {
    const colon = header.lastIndexOf(':');
    const seq = parseSeq(colon < 0 ? header : header.slice(colon + 1));
    if (seq !== undefined) {
      if (colon > 0) session = header.slice(0, colon);
      lastSeq = seq;
    }
  }
  return { session, lastSeq };
}

function parseSeq(text: string): number | undefined {
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

/** A session downstream over one SSE response: one frame per SSE event, plus `: hb` beside each `ping`. */
class SseCarrier implements Carrier {
  readonly kind = 'sse';

  constructor(private readonly stream: SseStream) {}

  get ended(): boolean {
    return this.stream.closed;
  }

  send(frame: ServerFrame, eventId?: string): void {
    if (frame.t === 'ping') this.stream.comment('hb');
    this.stream.send(eventId === undefined ? { data: JSON.stringify(frame) } : { id: eventId, data: JSON.stringify(frame) });
  }

  end(bye?: ByeFrame): void {
    if (this.stream.closed) return;
    if (bye) this.send(bye);
    this.stream.end();
  }
}
