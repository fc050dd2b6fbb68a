import { createClient, type Client } from './client.js';
import type { DefaultEvents, EventsMap } from './events.js';
import type { PolicyOptions } from './options.js';
import { connectSocketIo, type SocketIoConnectOptions } from './socketio-connect.js';
import { envelope } from './protocol/envelope.js';
import { sseEndpoint } from './transports/sse.js';
import { absoluteUrl } from './transports/url.js';
import { webSocketEndpoint } from './transports/websocket.js';

/** Options of `connect(url)`: the connection policy, plus which protocol the server speaks. */
export type ConnectOptions = PolicyOptions &
  (
    | {
        /**
         * `'envelope'`: unisocket's own protocol over WebSocket, falling back to SSE + POST.
         * `'socket.io'`: Engine.IO v3/v4 as `socketio(url, options)` builds it, with its options
         * (`eio`, `namespace`, `auth`, `transports`...) beside the policy; its code loads on the first attempt.
         * @default 'envelope'
         */
        protocol?: 'envelope';
      }
    | ({ protocol: 'socket.io' } & SocketIoConnectOptions)
  );

/**
 * Connects to a unisocket (envelope) server: `[websocket(url), sse(url)]` with fallback. `url` is an
 * `http(s)`, `ws(s)` or page-relative URL; without a path (or with `/`) the path is `/rt`, otherwise
 * the given path serves both carriers. With `protocol: 'socket.io'`: the endpoints of
 * `socketio(url, options)` (the URL's path is the namespace). Throws a `TypeError` naming a bad option.
 */
export function connect<In extends EventsMap = DefaultEvents, Out extends EventsMap = DefaultEvents>(
  url: string,
  options: ConnectOptions = {},
): Client<In, Out> {
  if (options?.protocol === 'socket.io') {
    const { protocol: _, ...rest } = options;
    return connectSocketIo<In, Out>(url, rest);
  }
  const { protocol, ...policy } = options ?? {};
  if (protocol !== undefined && protocol !== 'envelope') throw new TypeError(`unisocket connect(): option "protocol" must be 'envelope' or 'socket.io', got ${String(protocol)}`);
  if (typeof url !== 'string') throw new TypeError(`unisocket connect(): "url" must be a string, got ${typeof url}`);
  const target = absoluteUrl(url);
  if (target.pathname === '/') target.pathname = '/rt';
  return createClient<In, Out>({ ...policy, endpoints: [webSocketEndpoint(target.href, {}, envelope), sseEndpoint(target.href, {}, envelope)] });
}
