import type { Endpoint, ValueSource } from '../endpoint.js';
import { resolveProtocol, type ProtocolOption } from '../protocol/resolve.js';
import { check, checkKnown, isOneOf, isRecordSource, isStrings, isUrlSource } from './check.js';
import { eventSourceDownstream } from './sse-eventsource.js';
import { fetchDownstream } from './sse-fetch.js';
import { createUpstream, type PostEncoding } from './sse-upstream.js';
import type { Transport, TransportCloseInfo, TransportOpenContext } from './transport.js';
import { absoluteUrl, toHttpUrl } from './url.js';

export interface SseEndpointOptions {
  /** Where upstream frames are POSTed (a function is called once per attempt). @default the stream's `url` */
  postUrl?: ValueSource<string>;
  /** The protocol: `'envelope'`, `'raw'` (CFML pages: plain strings, custom `event:` names) or a `Protocol`. @default 'envelope' */
  protocol?: ProtocolOption;
  /**
   * Query parameters for the stream (a function is called per attempt). POSTs carry what the
   * Connection passes as `upstreamParams` (this query, the client's, and the protocol's session).
   * @default none
   */
  query?: ValueSource<Record<string, string>>;
  /** HTTP headers for the stream (fetch downstream only) and every POST. @default none */
  headers?: ValueSource<Record<string, string>>;
  /** Send cookies and HTTP auth cross-origin (`credentials: 'include'`, EventSource `withCredentials`). @default false */
  withCredentials?: boolean;
  /**
   * Fetch downstream only: close with reason `timeout` when no byte of the body arrives in time
   * (proxies that accept a stream and starve it). 0 disables it: servers that stay silent until their
   * first message (CFML pages that do not flush) need 0 or a delay longer than their silence.
   * @default 10000
   */
  firstByteTimeoutMs?: number;
  /**
   * An upstream POST not answered within this is aborted and the transport replaced (a reused
   * keep-alive connection can be dead without a sign); 0 disables it, in ms.
   * @default 10000
   */
  postTimeoutMs?: number;
  /**
   * Custom `event:` names to receive. Needed by the native EventSource downstream, which delivers
   * only the names it listens to (plus `message`); the fetch downstream receives every event anyway.
   * @default []
   */
  events?: string[];
  /**
   * How frames are POSTed, one POST per frame given to `send()` (the Connection merges an envelope
   * batch into one frame): `'text'` as `text/plain;charset=UTF-8` (no CORS preflight); `'json'` as
   * `application/json`; `'form'` as `message=<frame>` (`application/x-www-form-urlencoded`), as CFML
   * `send.cfm` pages expect. @default 'form' for protocol `'raw'`, 'text' otherwise
   */
  postEncoding?: PostEncoding;
  /**
   * `'fetch'`: a `fetch` stream parsed by `eventsource-parser` (status codes, headers, `Last-Event-ID`,
   * first-byte deadline). `'eventsource'`: the platform's native `EventSource` (no headers; list custom
   * event names in `events`). @default 'fetch'
   */
  downstream?: 'fetch' | 'eventsource';
}

/** Stops a downstream; nothing is reported afterwards. */
export type StopDownstream = () => void;

/** Starts a downstream that reports through `transport`'s handlers and its end through `end`. */
export type StartDownstream = (transport: Transport, end: (info: TransportCloseInfo) => void) => StopDownstream;

const OPTIONS = ['postUrl', 'protocol', 'query', 'headers', 'withCredentials', 'firstByteTimeoutMs', 'postTimeoutMs', 'events', 'postEncoding', 'downstream'];

/**
 * A Server-Sent Events endpoint: events stream down from `url` (`GET`), frames go up by `POST` to
 * `postUrl`. `url` may be absolute, relative to the page, or `ws(s)://` (mapped to `http(s)://`); a
 * function is called on every attempt. Throws a `TypeError` naming the option for bad options.
 */
export function sse(url: ValueSource<string>, options: SseEndpointOptions = {}): Endpoint {
  const b = 'sse';
  const urlSource = 'a non-empty string or a function';
  const record = 'an object of strings or a function';
  check(isUrlSource(url), b, 'url', urlSource);
  checkKnown(b, options, OPTIONS);
  const { postUrl = url, query, headers, firstByteTimeoutMs: timeout = 10_000, postTimeoutMs = 10_000 } = options;
  const native = options.downstream == 'eventsource';
  check(isUrlSource(postUrl), b, 'postUrl', urlSource);
  check(isRecordSource(query), b, 'query', record);
  check(isRecordSource(headers), b, 'headers', record);
  check(isOneOf(options.withCredentials, [true, false]), b, 'withCredentials', 'a boolean');
  check(typeof timeout == 'number' && timeout >= 0, b, 'firstByteTimeoutMs', 'a number >= 0');
  check(typeof postTimeoutMs == 'number' && postTimeoutMs >= 0, b, 'postTimeoutMs', 'a number >= 0');
  check(isStrings(options.events), b, 'events', 'an array of strings');
  check(isOneOf(options.postEncoding, ['json', 'text', 'form']), b, 'postEncoding', "'json', 'text' or 'form'");
  check(isOneOf(options.downstream, ['fetch', 'eventsource']), b, 'downstream', "'fetch' or 'eventsource'");
  for (const source of [url, postUrl]) if (typeof source == 'string') absoluteUrl(source); // relative without a page
  const protocol = resolveProtocol(options.protocol, b);
  const encoding = options.postEncoding ?? (protocol.name == 'raw' ? 'form' : 'text');
  const credentials = options.withCredentials ? 'include' : 'same-origin';

  return {
    kind: b,
    url,
    protocol,
    query,
    headers,
    label: `${b} ${typeof url == 'string' ? url : '(url function)'}`,
    isSupported: ({ fetch, EventSource }) =>
      typeof (fetch ?? globalThis.fetch) == 'function' && typeof (native ? (EventSource ?? globalThis.EventSource) : TextDecoder) == 'function',
    createTransport: (context) =>
      createSseTransport(
        context,
        (transport, end) =>
          native
            ? eventSourceDownstream(transport.url, credentials == 'include', options.events ?? [], context.platform.EventSource, transport, end)
            : fetchDownstream(context, transport.url, credentials, timeout, transport, end),
        encoding,
        credentials,
        postUrl,
        postTimeoutMs,
      ),
  };
}

/** SSE downstream + POST upstream as one {@link Transport}. */
export function createSseTransport(
  context: TransportOpenContext,
  startDownstream: StartDownstream,
  encoding: PostEncoding,
  credentials: RequestCredentials,
  postUrl: ValueSource<string>,
  postTimeoutMs?: number,
): Transport {
  let url = context.url;
  try {
    url = toHttpUrl(url);
  } catch {
    // left as is: the downstream reports it as `refused` when it tries to open
  }
  let stop: StopDownstream | undefined;
  let closed = false;
  const upstream = createUpstream(context, postUrl, encoding, credentials, postTimeoutMs);
  const transport: Transport = {
    kind: 'sse',
    url,
    onopen: null,
    onmessage: null,
    onerror: null,
    onclose: null,
    open() {
      if (stop || closed) return;
      stop = startDownstream(transport, (info) => {
        if (closed) return;
        transport.close();
        transport.onclose?.(info);
      });
    },
    send: upstream.send,
    close() {
      closed = true;
      stop?.();
      upstream.close();
    },
  };
  return transport;
}
