import { createClient, type Client } from './core/client.js';
import type { DefaultEvents, EventsMap } from './core/events.js';
import type { PolicyOptions } from './core/options.js';
import { envelope } from './protocols/envelope.js';
import { sseEndpoint } from './transports/sse.js';
import { absoluteUrl } from './transports/url.js';
import { webSocketEndpoint } from './transports/websocket.js';

/** Options of `connect(url)`: the connection policy (for a Socket.IO server: `connectSocketIo`). */
export type ConnectOptions = PolicyOptions;

/**
 * Connects to a unisocket (envelope) server: `[websocket(url), sse(url)]` with fallback. `url` is an
 * `http(s)`, `ws(s)` or page-relative URL; without a path (or with `/`) the path is `/rt`, otherwise
 * the given path serves both carriers. Throws a `TypeError` naming a bad option.
 */
export function connect<In extends EventsMap = DefaultEvents, Out extends EventsMap = DefaultEvents>(
  url: string,
  options: ConnectOptions = {},
): Client<In, Out> {
  if (typeof url !== 'string') throw new TypeError(`unisocket connect(): "url" must be a string, got ${typeof url}`);
  const target = absoluteUrl(url);
  if (target.pathname === '/') target.pathname = '/rt';
  return createClient<In, Out>({ ...options, endpoints: [webSocketEndpoint(target.href, {}, envelope), sseEndpoint(target.href, {}, envelope)] });
}
