import { createParser } from 'eventsource-parser';
import { ProtocolError } from '../errors.js';
import type { StopDownstream } from './sse.js';
import type { Transport, TransportCloseInfo, TransportOpenContext } from './transport.js';

/**
 * `Retry-After` in ms: delay-seconds or an HTTP date (RFC 9110 section 10.2.3); undefined if absent or
 * unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? +value * 1000 : Date.parse(value) - now;
  return ms >= 0 ? ms : ms < 0 ? 0 : undefined; // a past date is 0, an unreadable value (NaN) undefined
}

/**
 * Turns CR and CRLF line ends into LF across chunks. A parser cannot tell whether a CR at the end of
 * a chunk is a line end or half a CRLF, so it waits for the next byte; the SSE spec (and browsers)
 * take the CR as the end at once and skip an LF right after it. Lossless: SSE values hold no CR or LF.
 */
export function createLineEndings(): (text: string) => string {
  let afterCr = false;
  return (text) => {
    if (!text) return text;
    if (afterCr && text[0] == '\n') text = text.slice(1);
    afterCr = text.endsWith('\r');
    return text.replace(/\r\n?/g, '\n');
  };
}

/**
 * SSE downstream over a `fetch` stream parsed by `eventsource-parser`: status codes, content type and
 * headers are visible, and a first-byte deadline (`timeoutMs`, 0 = none) catches proxies that accept
 * a stream and then starve it. `context.lastEventId` is sent as `Last-Event-ID`.
 */
export function fetchDownstream(
  context: TransportOpenContext,
  url: string,
  credentials: RequestCredentials,
  timeoutMs: number,
  transport: Transport,
  end: (info: TransportCloseInfo) => void,
): StopDownstream {
  const controller = new AbortController();
  let done = false;
  let opened = false;
  let retryAfterMs: number | undefined;
  let lastEventId = context.lastEventId;

  const stop = (): void => {
    done = true;
    clearTimeout(timer);
    controller.abort(); // also ends the body stream, which ends the read loop
  };
  const finish = (info: Omit<TransportCloseInfo, 'wasOpen'>): void => {
    if (done) return;
    stop();
    end({ ...info, wasOpen: opened });
  };
  const timer = timeoutMs > 0 ? setTimeout(() => finish({ reason: 'timeout', message: `no data within ${timeoutMs} ms` }), timeoutMs) : undefined;

  const parser = createParser({
    onEvent({ data, event, id }) {
      if (id != null) lastEventId = id;
      // The last event id persists over events without `id:`, as in browsers; `event: message` is the default type.
      if (!done) transport.onmessage?.({ data, event: event == 'message' ? undefined : event, id: lastEventId || undefined });
    },
    onRetry(ms) {
      retryAfterMs = ms;
    },
    onError(error) {
      if (!done) transport.onerror?.(new ProtocolError('bad-frame', `SSE: ${error.message}`, { url, transport: 'sse', frame: error.line, cause: error }));
    },
  });

  async function run(): Promise<void> {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...context.headers };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const response = await (context.platform.fetch ?? fetch)(url, { headers, cache: 'no-store', credentials, signal: controller.signal });
    const { status, body } = response;
    const type = response.headers.get('content-type') ?? '';
    if (status == 204) return finish({ reason: 'no-content', status, message: 'HTTP 204: the server says stop' });
    if (status != 200) {
      return finish({ reason: 'http-status', status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')), message: `HTTP ${status}` });
    }
    if (!/^text\/event-stream/i.test(type)) return finish({ reason: 'content-type', status, message: `expected text/event-stream, got "${type}"` });
    opened = true;
    transport.onopen?.();
    const reader = body?.getReader();
    const decoder = new TextDecoder(); // strips one leading BOM, as the SSE spec asks
    const lines = createLineEndings();
    for (let chunk; reader && !done && !(chunk = await reader.read()).done; ) {
      if (chunk.value.length) clearTimeout(timer);
      parser.feed(lines(decoder.decode(chunk.value, { stream: true })));
    }
    finish({ reason: 'ended', status, retryAfterMs, message: 'the server ended the stream' });
  }

  run().catch((error: unknown) => finish({ reason: opened ? 'network' : 'refused', message: `request failed: ${error}`, error }));
  return stop;
}
