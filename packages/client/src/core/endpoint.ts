import type { Protocol } from '../protocols/protocol.js';
import type { Platform, Transport, TransportKind, TransportOpenContext } from '../transports/transport.js';

/** A value, or a (possibly async) function evaluated on every connection attempt (fresh tokens). */
export type ValueSource<T> = T | (() => T | Promise<T>);

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
  createTransport(context: TransportOpenContext): Transport;
}

/** The label of a built-in endpoint: its kind and URL. */
export const endpointLabel = (kind: TransportKind, url: ValueSource<string>): string => `${kind} ${typeof url == 'string' ? url : '(url function)'}`;
