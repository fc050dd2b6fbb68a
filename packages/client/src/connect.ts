import { createClient, type Client } from './core/client.js';
import type { DefaultEvents, EventsMap } from './core/events.js';
import type { PolicyOptions } from './core/options.js';
import { envelope } from './protocols/envelope.js';
import { loadOnce } from './transports/lazy.js';
import { canReadEventStreams, sseEndpoint } from './transports/sse-endpoint.js';
import { absoluteUrl } from './transports/url.js';
import { webSocketEndpoint } from './transports/websocket.js';

/**
 * The SSE carrier's code (stream parser, POST upstream): loaded when the first SSE attempt starts, so
 * an app whose WebSocket works never loads it (DESIGN.md, "What loads up front").
 */
const sseCarrier = /* @__PURE__ */ loadOnce(() => import('./transports/sse-carrier.js'));

/** `sse(href)` over the envelope, its transport's code loaded on demand. */
const fallbackSse = (href: string) =>
  sseEndpoint(
    href,
    {},
    envelope,
    canReadEventStreams,
    (context, carrier) => (carrier as Awaited<ReturnType<typeof sseCarrier>>).createSseTransport(context, href, {}, envelope),
    sseCarrier,
  );

/** Options of `connect(url)`: the connection policy (for a Socket.IO server: `connectSocketIo`). */
export type ConnectOptions = PolicyOptions;

/**
 * Connects to a unisocket (envelope) server: `[websocket(url), sse(url)]` with fallback. `url` is an
 * `http(s)`, `ws(s)` or page-relative URL; without a path (or with `/`) the path is `/rt`, otherwise
 * the given path serves both carriers.
 *
 * A list of URLs is the nodes of one cluster (sharing sessions, e.g. through the Redis adapter of
 * `@unisocket/server`), best first: `connect([a, b])` means `[websocket(a), sse(a), websocket(b), sse(b)]`
 * under the same policy, so when node `a` is lost the client moves on to `b` and resumes its session there.
 *
 * Throws a `TypeError` for a bad URL (not a string, not http(s)/ws(s), repeated, an empty list) or option.
 */
export function connect<In extends EventsMap = DefaultEvents, Out extends EventsMap = DefaultEvents>(
  url: string | readonly string[],
  options: ConnectOptions = {},
): Client<In, Out> {
  const single = typeof url == 'string';
  const urls: readonly unknown[] = single ? [url] : Array.isArray(url) ? url : [];
  if (!urls.length) throw new TypeError(`unisocket connect(): "url" must be a URL or a non-empty array of URLs, got ${Array.isArray(url) ? 'an empty array' : typeof url}`);
  const hrefs: string[] = [];
  urls.forEach((each, index) => {
    const name = single ? 'url' : `url[${index}]`;
    if (typeof each != 'string') throw new TypeError(`unisocket connect(): "${name}" must be a string, got ${typeof each}`);
    const target = absoluteUrl(each);
    if (target.pathname == '/') target.pathname = '/rt';
    if (!/^(http|ws)s?:$/.test(target.protocol)) throw new TypeError(`unisocket connect(): "${name}" must be an http(s) or ws(s) URL, got "${each}"`);
    if (hrefs.includes(target.href)) throw new TypeError(`unisocket connect(): "${name}" repeats an earlier URL: "${each}"`);
    hrefs.push(target.href);
  });
  return createClient<In, Out>({ ...options, endpoints: hrefs.flatMap((href) => [webSocketEndpoint(href, {}, envelope), fallbackSse(href)]) });
}
