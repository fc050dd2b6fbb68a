import type { ValueSource } from '../core/endpoint.js';
import { boolean, check, checkOptions, fail, objectOrFunction, type Rule } from '../core/options.js';
import { isRecordSource } from '../transports/check.js';
import type { Platform } from '../transports/transport.js';
import { endpointUrl } from '../transports/url.js';

// The options of the Socket.IO endpoints, checked when the endpoints are built.

/** The carriers of an Engine.IO session. */
export type SocketIoTransport = 'websocket' | 'polling';

export interface SocketIoEndpointOptions {
  /**
   * The Engine.IO revision: `4` (socket.io 3 and later) or `3` (socket.io 1/2, Socket.IO-Lucee).
   * Unset: ask for 4 and speak 3 when the polling handshake answers in v3 framing (a WebSocket-first
   * session cannot tell, and speaks 4).
   * @default undefined (detect)
   */
  eio?: 3 | 4;
  /** The namespace to join. @default the URL's path (`http://host/chat` → `/chat`), else `'/'` */
  namespace?: string;
  /**
   * Sent with the namespace CONNECT (Socket.IO v5: its payload; a socket.io 2.x server gets it as the
   * namespace's query, strings only). A function is called on every attempt (fresh tokens).
   * @default none
   */
  auth?: ValueSource<Record<string, unknown>>;
  /** The Engine.IO path on the server (a trailing slash is added, as socket.io-client adds it). @default '/socket.io/' */
  path?: string;
  /**
   * The carriers, one endpoint each, best first (the client falls back along this list). A polling
   * endpoint upgrades its session to WebSocket when `upgrade` is on and `'websocket'` is listed.
   * @default ['websocket', 'polling'] with `eio: 4`, ['polling', 'websocket'] otherwise (v3 servers need polling first)
   */
  transports?: SocketIoTransport[];
  /** Polling sessions probe WebSocket and move there when the server offers it. @default true */
  upgrade?: boolean;
  /** Query parameters of every request (a function is called per attempt). @default none */
  query?: ValueSource<Record<string, string>>;
  /** HTTP headers of the polling requests (WebSocket cannot send any). @default none */
  headers?: ValueSource<Record<string, string>>;
  /** Polling requests send cookies cross-origin (`credentials: 'include'`). @default false */
  withCredentials?: boolean;
  /**
   * The largest message the server takes, in bytes (its `maxHttpBufferSize`), for servers whose
   * handshake does not say it (socket.io 2 and 3; socket.io 4 says it, and that wins): a larger
   * message fails with `RequestError('too-large')` instead of making the server drop the connection.
   * @default the handshake's `maxPayload`, else no limit
   */
  maxPayload?: number;
}

/** Checked options with defaults applied. */
export interface SocketIoPlan {
  /** The Engine.IO URL: `http(s)://host/socket.io/` with the given URL's query. */
  url: string;
  namespace: string;
  eio: 3 | 4 | undefined;
  transports: SocketIoTransport[];
  upgrade: boolean;
  auth: ValueSource<Record<string, unknown>> | undefined;
  query: ValueSource<Record<string, string>> | undefined;
  headers: ValueSource<Record<string, string>> | undefined;
  credentials: RequestCredentials;
  maxPayload: number;
}

const recordSource: Rule = ['an object of strings or a function', isRecordSource];

// The options with their rules and defaults (`undefined`: checked below, once the URL is known).
const SOCKETIO_OPTIONS = {
  eio: ['3 or 4', (value) => value === 3 || value === 4] as Rule,
  path: ["a path starting with '/'", (value) => typeof value == 'string' && value[0] == '/', '/socket.io/'] as Rule,
  transports: [
    "a non-empty array of 'websocket' and 'polling'",
    (value) => Array.isArray(value) && value.length > 0 && new Set(value).size == value.length && value.every((kind) => kind == 'websocket' || kind == 'polling'),
  ] as Rule,
  upgrade: boolean(true),
  // Socket.IO refuses a CONNECT payload that is not a plain object: an array fails here, not on the server.
  auth: objectOrFunction,
  query: recordSource,
  headers: recordSource,
  withCredentials: boolean(false),
  maxPayload: ['a number > 0', (value) => typeof value == 'number' && value > 0, Infinity] as Rule,
  namespace: undefined,
};
const NAMESPACE: Rule = ["a string starting with '/', without ','", (value) => typeof value == 'string' && value[0] == '/' && !value.includes(',')];

/** Checks `socketio()` options (a `TypeError` naming the bad one) and fills in the defaults. */
export function planSocketIo(url: string, options: SocketIoEndpointOptions = {}): SocketIoPlan {
  if (typeof url != 'string' || !url) fail('url', 'a non-empty string', url);
  const checked = checkOptions(options, SOCKETIO_OPTIONS) as unknown as Omit<SocketIoPlan, 'url' | 'credentials' | 'transports'> &
    Pick<SocketIoEndpointOptions, 'transports' | 'withCredentials'> & { path: string };
  const target = endpointUrl(url);
  const namespace = check('namespace', NAMESPACE, checked.namespace ?? target.pathname) as string;
  // socket.io-client adds the slash too: every server version matches `path/` (some only that).
  target.pathname = checked.path.replace(/\/?$/, '/');
  target.hash = '';
  target.protocol = target.protocol.replace(/^ws/, 'http');
  // The plan carries the checked options as they are (`path` and `withCredentials` too, unread).
  return {
    ...checked,
    url: target.href,
    namespace,
    transports: checked.transports ?? (checked.eio == 4 ? ['websocket', 'polling'] : ['polling', 'websocket']),
    credentials: checked.withCredentials ? 'include' : 'same-origin',
  };
}

/** The label of the endpoint of `kind`: unique per carrier, namespace and URL (the fallback memory keys on it). */
export const socketIoLabel = (plan: SocketIoPlan, kind: SocketIoTransport): string => `socket.io ${kind} ${plan.url} ${plan.namespace}`;

/** Whether this platform has what `kind` needs. */
export const socketIoSupported = (kind: SocketIoTransport, { fetch, WebSocket }: Platform): boolean =>
  typeof (kind == 'polling' ? (fetch ?? globalThis.fetch) : (WebSocket ?? globalThis.WebSocket)) == 'function';
