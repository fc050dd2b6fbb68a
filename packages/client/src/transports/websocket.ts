import { endpointLabel, type Endpoint, type ValueSource } from '../core/endpoint.js';
import { ConnectionError } from '../core/errors.js';
import type { Protocol } from '../protocols/protocol.js';
import { resolveProtocol, type ProtocolOption } from '../protocols/resolve.js';
import { check, checkKnown, isOneOf, isRecordSource, isStrings, isUrlSource } from './check.js';
import { SENT, transportBase, type Transport, type TransportCloseInfo, type TransportCloseReason, type TransportOpenContext } from './transport.js';
import { endpointUrl, withSchemeOrAsIs } from './url.js';

export interface WebSocketEndpointOptions {
  /** The protocol spoken over the socket: `'envelope'`, `'raw'` (plain strings) or a `Protocol`. @default 'envelope' */
  protocol?: ProtocolOption;
  /** Query parameters added to the URL of every attempt (a function is called per attempt: fresh tokens). @default none */
  query?: ValueSource<Record<string, string>>;
  /** WebSocket subprotocols offered in the upgrade (`Sec-WebSocket-Protocol`). @default none */
  subprotocols?: string | string[];
  /** How binary messages arrive. @default 'arraybuffer' */
  binaryType?: BinaryType;
}

/**
 * A WebSocket endpoint. `url` may be `ws(s)://`, `http(s)://` (mapped to `ws(s)://`) or relative to the
 * page; a function is called on every attempt. Throws a `TypeError` naming the option for bad options.
 */
export function websocket(url: ValueSource<string>, options: WebSocketEndpointOptions = {}): Endpoint {
  const b = 'websocket';
  check(isUrlSource(url), b, 'url', 'a non-empty string or a function');
  checkKnown(b, options, ['protocol', 'query', 'subprotocols', 'binaryType']);
  const { query, subprotocols } = options;
  check(isRecordSource(query), b, 'query', 'an object of strings or a function');
  check(typeof subprotocols == 'string' || isStrings(subprotocols), b, 'subprotocols', 'a string or an array of strings');
  check(isOneOf(options.binaryType, ['arraybuffer', 'blob']), b, 'binaryType', "'arraybuffer' or 'blob'");
  if (typeof url == 'string') endpointUrl(url); // relative without a page, or not http(s)/ws(s): fail now, not at connect
  return webSocketEndpoint(url, options, resolveProtocol(options.protocol, b));
}

/** The endpoint of checked options (what `connect()` builds, without the checks its own URL does not need). */
export const webSocketEndpoint = (url: ValueSource<string>, options: WebSocketEndpointOptions, protocol: Protocol): Endpoint => ({
  kind: 'websocket',
  url,
  protocol,
  query: options.query,
  label: endpointLabel('websocket', url),
  isSupported: (platform) => typeof (platform.WebSocket ?? globalThis.WebSocket) == 'function',
  createTransport: (context) => createWebSocketTransport(context, options),
});

/**
 * Classifies a WebSocket close. Before `open`: `refused` (upgrade refused, host unreachable). After:
 * 1000 (normal), 1001 (going away) and 1005 (no code) are `ended`; anything else is `network`. The
 * close `code` is always reported, so the Connection can treat policy codes (1008, 4401...) as terminal.
 */
export const classifyWebSocketClose = (wasOpen: boolean, code: number): TransportCloseReason =>
  !wasOpen ? 'refused' : code == 1000 || code == 1001 || code == 1005 ? 'ended' : 'network';

/** A dumb pipe over the platform `WebSocket`: no retries, no timers. */
export function createWebSocketTransport(context: TransportOpenContext, { subprotocols, binaryType = 'arraybuffer' }: WebSocketEndpointOptions = {}): Transport {
  // A malformed URL is left as is: opening it fails and is reported as `refused`.
  const url = withSchemeOrAsIs(context.url, 'ws');
  let socket: WebSocket | undefined;
  let opened = false;
  let closed = false;

  const finish = (info: Omit<TransportCloseInfo, 'wasOpen'>): void => {
    if (closed) return;
    closed = true;
    transport.onclose?.({ ...info, wasOpen: opened });
  };

  /** Detaches the socket and closes it: nothing reaches the Connection afterwards. */
  const release = (code?: number, reason?: string): void => {
    if (!socket) return;
    // The no-op error handler stays: Node's `ws` throws on an error event nobody listens to (closing
    // while connecting emits one), and Node's own WebSocket fires one more when closed while connecting.
    socket.onopen = socket.onmessage = socket.onclose = null;
    socket.onerror = () => undefined;
    try {
      socket.close(code, reason);
    } catch {
      socket.close(); // a code outside 1000 and 3000-4999 is refused by the platform
    }
  };

  const transport: Transport = {
    ...transportBase('websocket', url),
    open() {
      if (socket || closed) return;
      try {
        socket = new (context.platform.WebSocket ?? globalThis.WebSocket)(url, subprotocols);
      } catch (error) {
        // A malformed URL or no WebSocket at all: reported like a refusal, once open() has returned.
        queueMicrotask(() => finish({ reason: 'refused', message: `cannot open: ${error}`, error }));
        return;
      }
      socket.binaryType = binaryType;
      socket.onopen = () => {
        opened = true;
        transport.onopen?.();
      };
      // The event is the frame (it has `data`): no object per message.
      socket.onmessage = (event) => transport.onmessage?.(event);
      socket.onclose = ({ code, reason }) => finish({ reason: classifyWebSocketClose(opened, code), code, message: `closed with code ${code} ${reason}` });
      // After `open` the close that follows an error carries everything we report. Before it, Node's own
      // WebSocket (Node 22; Node 20 with --experimental-websocket) fires `error` and never `close` when
      // the connection is refused or the upgrade answered with an error status (browsers and `ws` send a
      // close, code 1006): the attempt ends here, classified as that close would be, instead of waiting
      // out the connect timeout.
      socket.onerror = () => {
        if (opened) return;
        finish({ reason: classifyWebSocketClose(false, 1006), code: 1006, message: 'failed before it opened (refused, unreachable, or the upgrade was answered with an error)' });
        release();
      };
    },
    send(frames) {
      try {
        if (closed || socket?.readyState !== 1) throw 'the WebSocket is not open';
        for (const frame of frames) socket.send(frame);
        return SENT;
      } catch (cause) {
        return Promise.reject(new ConnectionError('network', `cannot send: ${cause}`, { url, transport: 'websocket', cause }));
      }
    },
    close(code = 1000, reason) {
      if (closed) return;
      closed = true;
      release(code, reason);
    },
  };
  return transport;
}
