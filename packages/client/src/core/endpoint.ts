import type { UnisocketError } from './errors.js';
import type { DisconnectReason } from './state.js';
import type { Protocol } from '../protocols/protocol.js';
import type { Platform, Transport, TransportKind, TransportOpenContext } from '../transports/transport.js';

/** What a value source function is told about the attempt it is asked for. */
export interface AttemptContext {
  /** Failed reconnect attempts so far in this outage (0: the first attempt after `connect()`, or after a stable connection). */
  readonly attempt: number;
  /** Why the last attempt (or the connection) ended; undefined for the first. */
  readonly reason: DisconnectReason | undefined;
  readonly error: UnisocketError | undefined;
  /** The server refused the last credentials (HTTP 401/403, close code 1008/4401/4403): return fresh ones, not a cached token. */
  readonly unauthorized: boolean;
}

/** The context of a first attempt (nothing failed yet). */
export const FIRST_ATTEMPT: AttemptContext = { attempt: 0, reason: undefined, error: undefined, unauthorized: false };

/**
 * A value, or a (possibly async) function evaluated on every connection attempt (fresh tokens). It is
 * told why it is asked again: after `unauthorized` the client tries once more with what it returns,
 * and gives up only if that is refused too.
 */
export type ValueSource<T> = T | ((context: AttemptContext) => T | Promise<T>);

/** One way to reach a server: a transport kind, a URL and a protocol. Clients take an ordered list. */
export interface Endpoint {
  readonly kind: TransportKind;
  /** Absolute or page-relative URL (`ws(s)://` for WebSocket, `http(s)://` otherwise). */
  readonly url: ValueSource<string>;
  readonly protocol: Protocol;
  /** Query parameters added to the URL of every attempt. */
  readonly query?: ValueSource<Record<string, string>>;
  /** HTTP headers for transports that can send them (not WebSocket). */
  readonly headers?: ValueSource<Record<string, string>>;
  /** A short label for logs and the lifecycle channel, e.g. `websocket ws://host/rt`. */
  readonly label: string;
  /** False when this platform lacks what the transport needs (the endpoint is skipped). */
  isSupported(platform: Platform): boolean;
  /**
   * Loads what `createTransport` needs before each attempt, asked like a value source (code loaded on
   * demand: `import()`); what it returns (or resolves to) is `createTransport`'s `loaded`. A load that
   * fails ends the attempt as `refused`. @default none
   */
  readonly load?: (context: AttemptContext) => unknown;
  createTransport(context: TransportOpenContext, loaded?: unknown): Transport;
}

/** The label of a built-in endpoint: its kind and URL. */
export const endpointLabel = (kind: TransportKind, url: ValueSource<string>): string => `${kind} ${typeof url == 'string' ? url : '(url function)'}`;
