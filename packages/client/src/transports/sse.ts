import type { Endpoint, ValueSource } from '../core/endpoint.js';
import { resolveProtocol, type ProtocolOption } from '../protocols/resolve.js';
import { check, checkKnown, isOneOf, isRecordSource, isStrings, isUrlSource } from './check.js';
import { nativeEventSource } from './sse-eventsource.js';
import { fetchEventStream } from './sse-fetch.js';
import { sseEndpoint } from './sse-endpoint.js';
import { createSseTransport } from './sse-transport.js';
import type { PostEncoding } from './sse-upstream.js';
import type { Platform, Transport, TransportCloseInfo, TransportOpenContext } from './transport.js';
import { endpointUrl } from './url.js';

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
   * `'fetch'`: a `fetch` stream, parsed by the client (status codes, headers, `Last-Event-ID`,
   * first-byte deadline). `'eventsource'`: the platform's native `EventSource` (no headers; list custom
   * event names in `events`); a `TypeError` at construction where there is no global `EventSource`
   * (Node). @default 'fetch'
   */
  downstream?: 'fetch' | 'eventsource';
}

/** Stops a downstream; nothing is reported afterwards. */
export type StopDownstream = () => void;

/** How an SSE endpoint reads its stream: `fetch` (the default) or the native `EventSource`. */
export interface Downstream {
  /**
   * Starts reading `transport.url`, reporting through `transport`'s handlers and its end through `end`,
   * which stops the downstream first and ignores later calls. `end` must not be called before `start`
   * returns (a failure to start is reported from a microtask).
   */
  start(context: TransportOpenContext, options: SseEndpointOptions, transport: Transport, end: (info: TransportCloseInfo) => void): StopDownstream;
  /** Whether this platform has what it needs (besides `fetch`, which the upstream needs anyway). */
  supported(platform: Platform): boolean;
}

/**
 * A Server-Sent Events endpoint: events stream down from `url` (`GET`), frames go up by `POST` to
 * `postUrl`. `url` may be absolute, relative to the page, or `ws(s)://` (mapped to `http(s)://`); a
 * function is called on every attempt. Throws a `TypeError` naming the option for bad options.
 */
export function sse(url: ValueSource<string>, options: SseEndpointOptions = {}): Endpoint {
  const b = 'sse';
  const urlSource = 'a non-empty string or a function';
  const record = 'an object of strings or a function';
  const ms = (value: unknown) => value === undefined || (typeof value == 'number' && value >= 0);
  check(isUrlSource(url), b, 'url', urlSource);
  checkKnown(b, options, ['postUrl', 'protocol', 'query', 'headers', 'withCredentials', 'firstByteTimeoutMs', 'postTimeoutMs', 'events', 'postEncoding', 'downstream']);
  check(options.postUrl === undefined || isUrlSource(options.postUrl), b, 'postUrl', urlSource);
  check(isRecordSource(options.query), b, 'query', record);
  check(isRecordSource(options.headers), b, 'headers', record);
  check(isOneOf(options.withCredentials, [true, false]), b, 'withCredentials', 'a boolean');
  check(ms(options.firstByteTimeoutMs), b, 'firstByteTimeoutMs', 'a number >= 0');
  check(ms(options.postTimeoutMs), b, 'postTimeoutMs', 'a number >= 0');
  check(isStrings(options.events), b, 'events', 'an array of strings');
  check(isOneOf(options.postEncoding, ['json', 'text', 'form']), b, 'postEncoding', "'json', 'text' or 'form'");
  check(isOneOf(options.downstream, ['fetch', 'eventsource']), b, 'downstream', "'fetch' or 'eventsource'");
  // Node (22 too) has no EventSource: say so now, not when the first attempt finds none.
  check(
    options.downstream != 'eventsource' || typeof globalThis.EventSource == 'function',
    b,
    'downstream',
    "'fetch' on this platform: it has no EventSource (Node has none; set globalThis.EventSource, e.g. from the eventsource package, to use 'eventsource')",
  );
  for (const source of [url, options.postUrl]) if (typeof source == 'string') endpointUrl(source); // relative without a page, or a bad scheme
  const protocol = resolveProtocol(options.protocol, b);
  const downstream = options.downstream == 'eventsource' ? nativeEventSource : fetchEventStream;
  return sseEndpoint(url, options, protocol, downstream.supported, (context) => createSseTransport(context, url, options, protocol, downstream));
}
