import { createConnection } from './connection.js';
import type { Endpoint } from './endpoint.js';
import { RequestError } from './errors.js';
import type { AddAnyListener, AnyEventListener, DefaultEvents, Listener, EventNames, EventsMap, SendData } from './events.js';
import { createDispatcher, type Lifecycle, type LifecycleEvents } from './lifecycle.js';
import { resolveOptions, type ClientOptions } from './options.js';
import { scopedEmitter, type Request as AckRequest, type ScopedEmitter } from './scoped-emitter.js';
import type { ConnectionState } from './state.js';
import type { TransportKind } from '../transports/transport.js';

/**
 * A typed realtime client. `In`: events the server sends; `Out`: events the client emits (the return
 * type of each `Out` signature is its ack result). The same API over every endpoint kind.
 */
export interface Client<In extends EventsMap = DefaultEvents, Out extends EventsMap = DefaultEvents> extends ScopedEmitter<Out> {
  /** The connection state (discriminated by `status`). */
  readonly state: ConnectionState;
  /** The carrier in use, when open: `'websocket'` once a Socket.IO polling session has upgraded in place (the endpoint's kind otherwise). */
  readonly transport: TransportKind | undefined;
  /** The endpoint in use, when open. */
  readonly endpoint: Endpoint | undefined;
  /** The server's id of this connection while open: Socket.IO's namespace socket id (`socket.id`); undefined for protocols that name none. */
  readonly id: string | undefined;
  /** Whether the connection is open (`state.status === 'open'`). */
  readonly connected: boolean;
  /**
   * Whether the last reconnect continued the session: missed messages replayed, acks and rooms kept
   * (Socket.IO connection state recovery, envelope resume). False after the first connect and after a `gap`.
   */
  readonly recovered: boolean;
  /** Emits that go out only if they can go now: dropped while not connected (or behind others waiting), never queued, never sent twice. */
  readonly volatile: { emit<E extends EventNames<Out>>(event: E, ...args: Parameters<Out[E]>): void };
  /** Connection lifecycle (state, open, reconnecting, fallback, error, close, outbox, heartbeat, gap), apart from application events. */
  readonly lifecycle: Lifecycle;
  /**
   * Listens to a server event; returns the function that unsubscribes. If the server asks for an ack,
   * the listener's return value (or what its Promise resolves to) is the answer. `'message'` also
   * receives raw messages (protocol `raw`).
   */
  on<E extends EventNames<In> | 'message'>(event: E, listener: Listener<In, E>): () => void;
  /** Like `on`, for the next occurrence only. */
  once<E extends EventNames<In> | 'message'>(event: E, listener: Listener<In, E>): () => void;
  /** Removes `listener`, or every listener of `event`. */
  off<E extends EventNames<In> | 'message'>(event: E, listener?: Listener<In, E>): void;
  /** Listens to every server event, called with its name first, before the event's own listeners; returns the function that unsubscribes. */
  readonly onAny: AddAnyListener<In>;
  /** Like `onAny`, called before the listeners added so far. */
  readonly prependAny: AddAnyListener<In>;
  /** Removes `listener`, or every listener added with `onAny`/`prependAny`. */
  offAny(listener?: AnyEventListener<In> | ((event: EventNames<In>) => unknown)): void;
  /** Listens to every event the app emits (`emit`, `emitWithAck`, `send` as `'message'`), once it is accepted (sent or queued). */
  readonly onAnyOutgoing: AddAnyListener<Out>;
  /** Like `onAnyOutgoing`, called before the listeners added so far. */
  readonly prependAnyOutgoing: AddAnyListener<Out>;
  /** Removes `listener`, or every outgoing listener. */
  offAnyOutgoing(listener?: AnyEventListener<Out> | ((event: EventNames<Out>) => unknown)): void;
  /**
   * Sends an event. While disconnected it waits in the outbox and goes out in order after reconnect.
   * Throws `RequestError('outbox-full')` (policy `reject-new`), `RequestError('unserializable')` (arguments
   * the protocol cannot encode: a BigInt, a cycle) or `RequestError('closed')` after `close()`.
   */
  emit<E extends EventNames<Out>>(event: E, ...args: Parameters<Out[E]>): void;
  /** Sends a raw message (protocol `raw`: the data as is; envelope: a `message` event). Queued like `emit`. */
  send(data: SendData): void;
  /** (Re)opens the connection after `close()` or a terminal failure; while reconnecting, retries now. */
  connect(): void;
  /** Closes for good (until `connect()`): pending acks reject with `RequestError('closed')`, the outbox is emptied. */
  close(): void;
}

/** Creates a client over an ordered list of endpoints. Throws a `TypeError` naming a bad option. */
export function createClient<In extends EventsMap = DefaultEvents, Out extends EventsMap = DefaultEvents>(options: ClientOptions): Client<In, Out> {
  const resolved = resolveOptions(options);
  const events = createDispatcher();
  const lifecycle = createDispatcher();
  /** Listeners of what the app emits: `onAnyOutgoing`. */
  const outgoing = createDispatcher();
  // Before anything can happen: the logger sees every decision from the first.
  resolved.logger?.(lifecycle as Lifecycle, resolved.clock);
  const connection = createConnection(resolved, lifecycle, events.emit);
  let recovered = false;
  // A carrier switch of a live session (resumed, not a reconnect) changes nothing.
  lifecycle.on('open', (event: LifecycleEvents['open']) => (event.recovered || !event.resumed) && (recovered = event.resumed));

  /** The session, once `event` is known to be a name and the client is not closed. */
  const sessionFor = (event: unknown) => {
    if (typeof event !== 'string') throw new TypeError(`unisocket: an event name must be a string, got ${typeof event}`);
    if (connection.state.status === 'closed') throw new RequestError('closed', 'the client is closed: call connect() first');
    return connection.session;
  };
  const request: AckRequest = (event, args, timeoutMs, signal) => {
    try {
      const answer = sessionFor(event).request(event, args, timeoutMs, signal);
      outgoing.emit(event, args);
      return answer;
    } catch (error) {
      return Promise.reject(error);
    }
  };
  /** Queues (or with `volatile`, sends now or drops) an event, and tells the outgoing listeners what was not dropped. */
  const enqueue = (event: string, args: readonly unknown[], raw: boolean, volatile?: boolean) =>
    void (sessionFor(event).enqueue(event, args, raw, volatile) && outgoing.emit(event, args));

  const client: Client<EventsMap, EventsMap> = {
    ...scopedEmitter(request, resolved.ackTimeoutMs),
    // on, once, off, onAny, prependAny, offAny (and emit, replaced below).
    ...events,
    get state() {
      return connection.state;
    },
    get transport() {
      return connection.current?.carrier;
    },
    get endpoint() {
      return connection.current?.endpoint;
    },
    get id() {
      return connection.current?.codec?.id;
    },
    get connected() {
      return connection.state.status === 'open';
    },
    get recovered() {
      return recovered;
    },
    volatile: { emit: (event, ...args) => enqueue(event, args, false, true) },
    lifecycle: lifecycle as Lifecycle,
    emit: (event, ...args) => enqueue(event, args, false),
    send: (data) => enqueue('message', [data], true),
    onAnyOutgoing: outgoing.onAny,
    prependAnyOutgoing: outgoing.prependAny,
    offAnyOutgoing: outgoing.offAny,
    connect: connection.connect,
    close: connection.close,
  };
  if (resolved.autoConnect) queueMicrotask(() => connection.state.status === 'idle' && connection.connect());
  return client as unknown as Client<In, Out>;
}
