import { timerMs } from '../core/clock.js';
import { ProtocolError } from '../core/errors.js';
import type { Downstream, SseEndpointOptions } from './sse.js';
import { canReadEventStreams } from './sse-endpoint.js';
import type { TransportCloseInfo } from './transport.js';

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
 * A copy of `text` that shares no memory with it. A string cut from a chunk's text (a line, a value)
 * keeps the whole chunk alive for as long as it is kept (V8's sliced strings): what outlives its chunk
 * is copied, or a busy stream would keep its last chunk (megabytes in a burst) for the connection's life.
 */
const copy = (text: string): string => [...text].join('');

/**
 * `Last-Event-ID` as a native EventSource sends it: the id's UTF-8 bytes. A header value given to
 * `fetch` is one character per byte, so an id above U+00FF (legal in SSE: `id: msg-✓`) would make every
 * `fetch` throw before sending, and one in U+0080-U+00FF would go out as Latin-1.
 */
export const lastEventIdHeader = (id: string): string =>
  /[^\0-\x7f]/.test(id) ? Array.from(new TextEncoder().encode(id), (byte) => String.fromCharCode(byte)).join('') : id;

/**
 * Cuts decoded text into lines across chunks: returns the lines each chunk completes and keeps the
 * incomplete last one. A line ends at CR, LF or CRLF. A parser cannot tell whether a CR at the end of a
 * chunk is a line end or half a CRLF; the SSE spec (and browsers) take the CR as the end at once and
 * skip an LF right after it, so an event ended by CRs is dispatched without waiting for the next byte.
 */
export function createLineSplitter(): (text: string) => string[] {
  let rest = '';
  let afterCr = false;
  return (text) => {
    // An empty text (half a UTF-8 character) must not forget a CR that ended the text before it.
    if (!text) return [];
    if (afterCr && text[0] == '\n') text = text.slice(1);
    afterCr = text.endsWith('\r');
    // Appending a chunk that ends no line, not splitting it: an event spread over many chunks stays linear.
    if (!/[\r\n]/.test(text)) {
      rest += text;
      return [];
    }
    const lines = (rest + text).split(/\r\n?|\n/);
    rest = copy(lines.pop()!);
    return lines;
  };
}

/**
 * SSE downstream over a `fetch` stream: status codes, content type and headers are visible, and a
 * first-byte deadline (`firstByteTimeoutMs`, 0 = none) catches proxies that accept a stream and then
 * starve it. `context.lastEventId` is sent as `Last-Event-ID` (its UTF-8 bytes, as browsers send it).
 *
 * The event stream is parsed here, as the WHATWG "event stream interpretation" says, after the BOM was
 * dropped (TextDecoder) and the text cut into lines: one field per line, `data` lines joined by LF,
 * a blank line dispatches (nothing without data), the last event id persists, `retry:` must be
 * digits. Unknown fields and bad `retry:` values, which browsers ignore silently, are reported as
 * `bad-frame` errors. (It replaced `eventsource-parser`, 1.5 KB gzip of the default bundle.)
 */
export const fetchEventStream: Downstream = {
  supported: canReadEventStreams,
  start(context, { withCredentials, firstByteTimeoutMs: timeoutMs = 10_000 }: SseEndpointOptions, transport, end) {
    const { url } = transport;
    const controller = new AbortController();
    let done = false;
    let opened = false;
    let retryAfterMs: number | undefined;
    let lastEventId = context.lastEventId;
    /** The event being read: its data lines (undefined: none yet), its type, and whether it had an `id:`. */
    let data: string | undefined;
    let type = '';
    let hasId = false;

    // `end` stops this downstream first (it calls the function returned below) and ignores later calls.
    const finish = (info: Omit<TransportCloseInfo, 'wasOpen'>): void => end({ ...info, wasOpen: opened });
    const timer = timeoutMs > 0 ? setTimeout(() => finish({ reason: 'timeout', message: `no data within ${timeoutMs} ms` }), timerMs(timeoutMs)) : undefined;

    const line = (text: string) => {
      // The field is what precedes the first colon (the whole line without one); one space after the colon is dropped.
      const [, field, value = ''] = /^([^:]*):? ?([^]*)/.exec(text)!;
      if (!text) {
        // `event: message` is the default type; the last event id persists over events without `id:`, as in
        // browsers, and an event without data still sets it (a stream's start position).
        if (data != null) transport.onmessage?.({ data, event: type && type != 'message' ? type : undefined, id: lastEventId || undefined });
        else if (hasId) transport.oncursor?.(lastEventId ?? '');
        data = undefined;
        type = '';
        hasId = false;
      } else if (field == 'data') data = data == null ? value : `${data}\n${value}`;
      else if (field == 'event') type = value;
      else if (field == 'id') {
        if (value.includes('\0')) return; // ignored, as the spec says
        lastEventId = copy(value);
        hasId = true;
      } else if (field == 'retry' && /^\d+$/.test(value)) retryAfterMs = +value;
      else if (field) transport.onerror?.(new ProtocolError('bad-frame', `SSE: bad field "${text.slice(0, 40)}"`, { url, transport: 'sse', frame: text }));
      // else a comment (the line starts with a colon)
    };

    async function run(): Promise<void> {
      const response = await (context.platform.fetch ?? fetch)(url, {
        headers: { accept: 'text/event-stream', ...context.headers, ...(lastEventId ? { 'last-event-id': lastEventIdHeader(lastEventId) } : {}) },
        cache: 'no-store',
        credentials: withCredentials ? 'include' : 'same-origin',
        signal: controller.signal,
      });
      const { status, body, headers } = response;
      const contentType = headers.get('content-type') ?? '';
      if (status == 204) return finish({ reason: 'no-content', status, message: 'HTTP 204: the server says stop' });
      if (status != 200) return finish({ reason: 'http-status', status, retryAfterMs: parseRetryAfter(headers.get('retry-after')), message: `HTTP ${status}` });
      if (!/^text\/event-stream/i.test(contentType)) return finish({ reason: 'content-type', status, message: `expected text/event-stream, got "${contentType}"` });
      opened = true;
      transport.onopen?.();
      const reader = body?.getReader();
      const decoder = new TextDecoder(); // strips one leading BOM, as the SSE spec asks
      const split = createLineSplitter();
      for (let chunk; reader && !done && !(chunk = await reader.read()).done; ) {
        if (chunk.value.length) clearTimeout(timer);
        for (const each of split(decoder.decode(chunk.value, { stream: true }))) if (!done) line(each);
      }
      finish({ reason: 'ended', status, retryAfterMs, message: 'the server ended the stream' });
    }

    run().catch((error: unknown) => finish({ reason: opened ? 'network' : 'refused', message: `request failed: ${error}`, error }));
    return () => {
      done = true;
      clearTimeout(timer);
      controller.abort(); // also ends the body stream, which ends the read loop
    };
  },
};
